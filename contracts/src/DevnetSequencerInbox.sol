// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The devnet L2's batch inbox on L1. The devnet batcher posts every batch here, so one
/// transaction serves both ways a monitor finds batches: OP Stack style (the batcher's transactions to
/// the inbox address) and Arbitrum style (SequencerBatchDelivered events, declared as in Arbitrum
/// Nitro's SequencerInbox so the same event topic matches).
contract DevnetSequencerInbox {
    struct TimeBounds {
        uint64 minTimestamp;
        uint64 maxTimestamp;
        uint64 minBlockNumber;
        uint64 maxBlockNumber;
    }

    event SequencerBatchDelivered(
        uint256 indexed batchSequenceNumber,
        bytes32 indexed beforeAcc,
        bytes32 indexed afterAcc,
        bytes32 delayedAcc,
        uint256 afterDelayedMessagesRead,
        TimeBounds timeBounds,
        uint8 dataLocation
    );

    address public immutable batcher;
    uint256 public batchCount;
    bytes32 public lastAcc;

    constructor(address batcher_) {
        batcher = batcher_;
    }

    function addSequencerL2Batch(bytes calldata data) external {
        require(msg.sender == batcher, "only batcher");
        bytes32 afterAcc = keccak256(abi.encodePacked(lastAcc, data));
        TimeBounds memory bounds = TimeBounds(0, uint64(block.timestamp), 0, uint64(block.number));
        emit SequencerBatchDelivered(batchCount, lastAcc, afterAcc, bytes32(0), 0, bounds, 0);
        lastAcc = afterAcc;
        batchCount += 1;
    }
}
