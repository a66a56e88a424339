// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The devnet L2's batch inbox on L1. The devnet batcher posts every batch here, so one
/// transaction serves both ways a monitor finds batches: OP Stack style (the batcher's transactions to
/// the inbox address) and Arbitrum style (SequencerBatchDelivered events, declared as in Arbitrum
/// Nitro's SequencerInbox so the same event topic matches).
///
/// A stand-in for nitro-contracts' SequencerInbox until the devnet runs the real one: it keeps the
/// views a monitor reads with the real ABI shape (`isBatchPoster(address)`, `maxTimeVariation()` as
/// four uint256) and lets anyone force-include, which — like the real `forceInclusion` — delivers a
/// "batch" with dataLocation NoData (2) from whoever calls it, without checking the delay.
contract DevnetSequencerInbox {
    struct TimeBounds {
        uint64 minTimestamp;
        uint64 maxTimestamp;
        uint64 minBlockNumber;
        uint64 maxBlockNumber;
    }

    /// nitro-contracts IBridge.BatchDataLocation: TxInput, SeparateBatchEvent, NoData, Blob.
    uint8 internal constant TX_INPUT = 0;
    uint8 internal constant NO_DATA = 2;

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
    mapping(address => bool) public isBatchPoster;

    /// Arbitrum One's sequencer-only window: 7200 L1 blocks and 24 h.
    uint256 public constant DELAY_BLOCKS = 7200;
    uint256 public constant DELAY_SECONDS = 86400;

    constructor(address batcher_) {
        batcher = batcher_;
        isBatchPoster[batcher_] = true;
    }

    function maxTimeVariation()
        external
        pure
        returns (uint256 delayBlocks, uint256 futureBlocks, uint256 delaySeconds, uint256 futureSeconds)
    {
        return (DELAY_BLOCKS, 64, DELAY_SECONDS, 3600);
    }

    function addSequencerL2Batch(bytes calldata data) external {
        require(isBatchPoster[msg.sender], "only batcher");
        deliver(keccak256(abi.encodePacked(lastAcc, data)), TX_INPUT);
    }

    /// Same selector as nitro's forceInclusion; the arguments are not verified here.
    function forceInclusion(uint256, uint8, uint64[2] calldata, uint256, address, bytes32) external {
        deliver(keccak256(abi.encodePacked(lastAcc, "force-inclusion")), NO_DATA);
    }

    function deliver(bytes32 afterAcc, uint8 dataLocation) internal {
        TimeBounds memory bounds = TimeBounds(0, uint64(block.timestamp), 0, uint64(block.number));
        emit SequencerBatchDelivered(batchCount, lastAcc, afterAcc, bytes32(0), 0, bounds, dataLocation);
        lastAcc = afterAcc;
        batchCount += 1;
    }
}
