// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

interface IERC20Transfer {
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @notice The devnet venue's insurance fund: holds collateral tokens and ether; the owner can pay out
/// (which is how the `drained-fund` scenario empties it).
contract InsuranceFund {
    address public immutable owner;

    modifier onlyOwner() {
        require(msg.sender == owner, "only owner");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    receive() external payable {}

    function withdraw(address token, address to, uint256 amount) external onlyOwner {
        require(IERC20Transfer(token).transfer(to, amount), "transfer failed");
    }

    function withdrawNative(address payable to, uint256 amount) external onlyOwner {
        (bool ok,) = to.call{value: amount}("");
        require(ok, "send failed");
    }
}
