// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A Chainlink AggregatorV3Interface-compatible feed for the devnet. Rounds carry explicit
/// timestamps (not block.timestamp) so the devnet can write a historical round history and
/// simulate stale, incomplete or zero rounds.
/// @dev It plays both halves of a real Chainlink feed: the proxy consumers read (`latestRoundData`,
/// `aggregator()`) and the OffchainAggregator behind it, whose `minAnswer`/`maxAnswer` bound what it
/// will report (docs: "Bounded market price feeds"). Deployed without bounds (min = max = 0), it has no
/// aggregator to point to and those reads revert, as they do on a feed that is not a Chainlink proxy.
contract DevnetAggregator {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
    }

    uint8 public immutable decimals;
    string public description;
    address public immutable owner;
    uint80 public latestRound;
    int192 private immutable minAnswer_;
    int192 private immutable maxAnswer_;
    mapping(uint80 => Round) private rounds;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    modifier onlyOwner() {
        require(msg.sender == owner, "only owner");
        _;
    }

    constructor(uint8 decimals_, string memory description_, int192 minAnswer, int192 maxAnswer) {
        decimals = decimals_;
        description = description_;
        owner = msg.sender;
        minAnswer_ = minAnswer;
        maxAnswer_ = maxAnswer;
    }

    function bounded() private view returns (bool) {
        return minAnswer_ != 0 || maxAnswer_ != 0;
    }

    /// @notice The proxy's current aggregator: this contract itself, when it has bounds.
    function aggregator() external view returns (address) {
        require(bounded(), "not a proxy");
        return address(this);
    }

    function minAnswer() external view returns (int192) {
        require(bounded(), "no bounds");
        return minAnswer_;
    }

    function maxAnswer() external view returns (int192) {
        require(bounded(), "no bounds");
        return maxAnswer_;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(latestRound);
    }

    function getRoundData(uint80 roundId)
        public
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        // Chainlink reverts with this message for rounds it does not have.
        require(roundId != 0 && roundId <= latestRound, "No data present");
        Round storage round = rounds[roundId];
        return (roundId, round.answer, round.startedAt, round.updatedAt, roundId);
    }

    function pushRound(int256 answer, uint256 startedAt, uint256 updatedAt) external onlyOwner {
        latestRound += 1;
        rounds[latestRound] = Round(answer, startedAt, updatedAt);
        emit NewRound(latestRound, msg.sender, startedAt);
        emit AnswerUpdated(answer, latestRound, updatedAt);
    }

    function setRoundTimestamps(uint80 roundId, uint256 startedAt, uint256 updatedAt) external onlyOwner {
        require(roundId != 0 && roundId <= latestRound, "No data present");
        rounds[roundId].startedAt = startedAt;
        rounds[roundId].updatedAt = updatedAt;
    }

    function setRoundAnswer(uint80 roundId, int256 answer) external onlyOwner {
        require(roundId != 0 && roundId <= latestRound, "No data present");
        rounds[roundId].answer = answer;
    }
}
