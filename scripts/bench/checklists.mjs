/**
 * The benchmark's checklists, written as a user would write them: the 7 read-only checks of issue #16
 * (head age, a 100-block cadence, the uptime feed, three price feeds, a USDC + ETH insurance fund) and a
 * generated 200-check one over many feeds and funds. `stack: evm` so that sequencer.cadence runs (on
 * op-stack it is skip: OP Stack back-fills missed slots).
 */

/**
 * @param {{ rpc: string, contracts: Record<string, string>, checks: string[] }} spec
 */
function checklist({ rpc, contracts, checks }) {
  const names = Object.entries(contracts)
    .map(([name, address]) => `    ${name}: "${address}"`)
    .join('\n');
  return `version: 1
name: l2preflight benchmark
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: [${JSON.stringify(rpc)}]
  contracts:
${names}
defaults:
  timeout: 20s
checks:
${checks.join('\n')}
`;
}

const headAge = `  - id: head-fresh
    type: sequencer.head-age
    max: 30s`;
const cadence = `  - id: cadence
    type: sequencer.cadence
    window: 100
    maxGap: 60s
    maxP99: 15s`;
const uptime = `  - id: sequencer-up
    type: sequencer.uptime-feed
    feed: $sequencerUptimeFeed
    gracePeriod: 1h`;
const price = (id, feed) => `  - id: ${id}
    type: oracle.chainlink
    feed: ${feed}
    maxAge: 65m`;
const fund = (id, holder, priceFeed, min) => `  - id: ${id}
    type: insurance.fund
    holder: ${holder}
    assets:
      - token: $usdc
        price: 1 USD
      - native: true
        price: ${priceFeed}
    min: ${min}`;

/**
 * @param {string} rpc the proxy's URL
 * @param {{ usdc: string, ethUsdFeed: string, sequencerUptimeFeed: string, insuranceFund: string }} devnet
 * @param {string[]} feeds extra feeds (at least 2)
 */
export function sevenChecks(rpc, devnet, feeds) {
  return checklist({
    rpc,
    contracts: {
      usdc: devnet.usdc,
      ethUsdFeed: devnet.ethUsdFeed,
      sequencerUptimeFeed: devnet.sequencerUptimeFeed,
      insuranceFund: devnet.insuranceFund,
      feed1: feeds[0],
      feed2: feeds[1],
    },
    checks: [
      headAge,
      cadence,
      uptime,
      price('eth-usd', '$ethUsdFeed'),
      price('feed-1', '$feed1'),
      price('feed-2', '$feed2'),
      fund('insurance-fund', '$insuranceFund', '$ethUsdFeed', '1_000_000 USD'),
    ],
  });
}

/**
 * `total` checks: the three chain checks, one oracle.chainlink per feed, and insurance funds for the
 * rest, each fund's ether priced by a different feed.
 * @param {string[]} feeds every price feed (the devnet's ETH/USD and the extra ones)
 * @param {string[]} holders fund holders with an ether balance
 */
export function manyChecks(rpc, devnet, feeds, holders, total) {
  const prices = feeds.map((feed, i) => price(`price-${i}`, feed));
  const funds = holders.map((holder, i) => fund(`fund-${i}`, holder, feeds[i % feeds.length], '1_000 USD'));
  const checks = [headAge, cadence, uptime, ...prices, ...funds].slice(0, total);
  if (checks.length < total) throw new Error(`bench: ${checks.length} checks generated, ${total} wanted`);
  return checklist({
    rpc,
    contracts: {
      usdc: devnet.usdc,
      sequencerUptimeFeed: devnet.sequencerUptimeFeed,
    },
    checks,
  });
}
