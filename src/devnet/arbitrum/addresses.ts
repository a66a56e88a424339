/**
 * Where the Arbitrum devnet's contracts are. Its L1 is a fresh node and the deployer's nonces run in a
 * fixed order (templates, creators, createRollup, then the timelock), so these never move;
 * `checks/devnet-arbitrum.yaml` commits to them, the venue refuses to boot if they drift, and a test
 * keeps the two in step. Scenarios, run from another process, find the venue through them.
 */
export const ARBITRUM_DEVNET_CONTRACTS = {
  rollup: '0x841Da122709BEf8258c1579Ba8317096534EDeD2',
  inbox: '0xaC6211C4C4DD708851fcc417d25221cC7dF4f092',
  sequencerInbox: '0x6E82B0F19e7c4C07Dc74cABA38b9F75C29B9482F',
  bridge: '0xe8Cc1C16179E4643628b9a078ed43887D9FB447f',
  outbox: '0x878291233609Ab98B8786d95a536ac36977BfBa8',
  upgradeExecutor: '0x2e0331F1e8f1baEBA5A28F6C127c6f6aE8dEd3D5',
  proxyAdmin: '0xf3eE3C4Ec25e8414838567818A30C90c7d62f834',
  stakeToken: '0x7a2088a1bFc9d81c55368AE168C2C02570cB814F',
  timelock: '0xc5a5C42992dECbae36851359345FE25997F5C42d',
} as const;
