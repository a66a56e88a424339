/**
 * The benchmark's venue: the OP Stack devnet (src/devnet/, as tests boot it) on free ports, plus what
 * the 7- and 200-check checklists read that the devnet does not have — more Chainlink-compatible price
 * feeds and more insurance-fund holders. dist/ holds only the CLI's bundle, so the devnet's modules are
 * bundled here for the bench, into .bench/ (inside the checkout: the devnet finds its contracts in
 * artifacts/ from there). Every import of the devnet is in this file.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kit = `${root}.bench/devnet-kit.mjs`;
await build({
  absWorkingDir: root,
  stdin: {
    contents: [
      "export { freePort } from './src/devnet/anvil.ts';",
      "export { DevnetAggregatorArtifact } from './src/devnet/artifacts.generated.ts';",
      "export { DEVNET_ADDRESSES } from './src/devnet/constants.ts';",
      "export { anvilRpc, bootVenue } from './src/devnet/venue.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  outfile: kit,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const { freePort, DevnetAggregatorArtifact, DEVNET_ADDRESSES, anvilRpc, bootVenue } = await import(
  pathToFileURL(kit).href
);

/** Starts the devnet on free loopback ports (never the defaults a developer's devnet may hold). */
export async function startVenue() {
  return bootVenue({ l2: await freePort(), l1: await freePort(), l2Replica: await freePort() });
}

export { DEVNET_ADDRESSES };

const GAS_PER_DEPLOY = 2_000_000n;
const GAS_PER_ROUND = 150_000n;

/**
 * Sends every transaction with its own nonce before awaiting any, so a hundred deployments cost a few
 * blocks rather than one block each.
 * @param {{ wallet: any, public: any }} clients a devnet node's viem clients (src/devnet/venue-clients.ts)
 * @param {((nonce: number) => Promise<`0x${string}`>)[]} sends
 */
async function sendAll(clients, sends) {
  const account = clients.wallet.account;
  const first = await clients.public.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const hashes = await Promise.all(sends.map((sendOne, index) => sendOne(first + index)));
  const receipts = [];
  for (const hash of hashes) {
    const receipt = await clients.public.waitForTransactionReceipt({
      hash,
      pollingInterval: 50,
      timeout: 60_000,
    });
    if (receipt.status !== 'success') throw new Error(`bench setup: transaction ${hash} reverted`);
    receipts.push(receipt);
  }
  return receipts;
}

/**
 * Deploys `count` more price feeds (8 decimals, wide bounds) and gives each one fresh round, dated a
 * minute ago (a round from the future fails oracle.chainlink).
 * @returns {Promise<`0x${string}`[]>} the feeds' addresses
 */
export async function deployFeeds(clients, count) {
  if (count <= 0) return [];
  const deployed = await sendAll(
    clients,
    Array.from(
      { length: count },
      (_, i) => (nonce) =>
        clients.wallet.deployContract({
          abi: DevnetAggregatorArtifact.abi,
          bytecode: DevnetAggregatorArtifact.bytecode,
          args: [8, `BENCH${i} / USD`, 1n, 10n ** 20n],
          nonce,
          gas: GAS_PER_DEPLOY,
        }),
    ),
  );
  const feeds = deployed.map((receipt) => {
    if (!receipt.contractAddress) throw new Error('bench setup: a feed deployment produced no contract');
    return receipt.contractAddress;
  });
  const at = BigInt(Math.floor(Date.now() / 1000) - 60);
  await sendAll(
    clients,
    feeds.map(
      (feed, i) => (nonce) =>
        clients.wallet.writeContract({
          address: feed,
          abi: DevnetAggregatorArtifact.abi,
          functionName: 'pushRound',
          args: [BigInt(i + 1) * 100n * 10n ** 8n, at, at],
          nonce,
          gas: GAS_PER_ROUND,
        }),
    ),
  );
  return feeds;
}

/**
 * `count` fund holders: fixed addresses given 1 000 ether each (anvil_setBalance, no transaction).
 * @returns {Promise<`0x${string}`[]>}
 */
export async function fundHolders(clients, count) {
  const holders = Array.from(
    { length: count },
    (_, i) => /** @type {`0x${string}`} */ (`0x${(0xbe4c0000 + i).toString(16).padStart(40, '0')}`),
  );
  for (const holder of holders) {
    await anvilRpc(clients, 'anvil_setBalance', [holder, `0x${(1_000n * 10n ** 18n).toString(16)}`]);
  }
  return holders;
}
