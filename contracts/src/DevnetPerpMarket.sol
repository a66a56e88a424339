// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The devnet venue's perpetuals market, reduced to the figure risk checks read: its open
/// interest in USD (6 decimals), which the owner sets to play the market filling up or emptying.
contract DevnetPerpMarket {
    address public immutable owner;
    uint256 public openInterest;

    constructor(uint256 openInterest_) {
        owner = msg.sender;
        openInterest = openInterest_;
    }

    function setOpenInterest(uint256 openInterest_) external {
        require(msg.sender == owner, "only owner");
        openInterest = openInterest_;
    }
}
