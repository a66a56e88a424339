// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The subset of Multicall3 that viem's contract-read batching calls (`aggregate3`), written
/// for the devnet and placed at Multicall3's canonical address with anvil_setCode. Real chains have
/// the real Multicall3 there.
contract DevnetMulticall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory returnData) = calls[i].target.call(calls[i].callData);
            // A read that must not fail bubbles up as a revert of the whole batch, as Multicall3 does.
            require(success || calls[i].allowFailure, "Multicall3: call failed");
            results[i] = Result(success, returnData);
        }
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }
}
