// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockPyth} from "@pythnetwork/pyth-sdk-solidity/MockPyth.sol";

/// @notice Pyth's own MockPyth (from @pythnetwork/pyth-sdk-solidity), free to update: the devnet's
/// Pyth-compatible price source. getPrice() answers for 60 s after a publish, like a strict consumer.
contract DevnetPyth is MockPyth {
    constructor() MockPyth(60, 0) {}
}
