#!/usr/bin/env node
// Copies the compiled contracts the devnet deploys out of their npm packages (dev dependencies) into
// artifacts/, keeping only the fields the devnet reads, so an install from the registry runs
// `devnet up|demo` without those packages. Runs at build; artifacts/ ships in the tarball and is not
// committed (it is derived from the pinned packages).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'artifacts');
const require = createRequire(join(root, 'package.json'));

const bedrock = (name) => ['@eth-optimism/contracts-bedrock', `forge-artifacts/${name}.sol/${name}.json`];
const nitro = (path) => [
  '@arbitrum/nitro-contracts',
  `build/contracts/src/${path}.sol/${path.slice(path.lastIndexOf('/') + 1)}.json`,
];

/** Every contract src/devnet/ loads through packageArtifacts.ts; a missing one fails the devnet tests. */
const CONTRACTS = [
  // OP Stack fault-proof bridge, legacy bridge, L2 predeploys, governance (src/devnet/bridge.ts,
  // l1Fees.ts, governance.ts)
  ...[
    'AnchorStateRegistry',
    'DelayedWETH',
    'DisputeGameFactory',
    'FaultDisputeGame',
    'GasPriceOracle',
    'L1Block',
    'L2OutputOracle',
    'L2ToL1MessagePasser',
    'MIPS',
    'OptimismPortal',
    'OptimismPortal2',
    'PermissionedDisputeGame',
    'PreimageOracle',
    'Proxy',
    'ProxyAdmin',
    'SuperchainConfig',
    'SystemConfig',
  ].map(bedrock),
  ['@openzeppelin/contracts', 'build/contracts/TimelockController.json'],
  ['@safe-global/safe-smart-account', 'build/artifacts/contracts/Safe.sol/Safe.json'],
  [
    '@safe-global/safe-smart-account',
    'build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json',
  ],
  // The Arbitrum rollup (src/devnet/arbitrum/deploy.ts, governance.ts)
  ...[
    'bridge/Bridge',
    'bridge/ERC20Bridge',
    'bridge/ERC20Inbox',
    'bridge/ERC20Outbox',
    'bridge/Inbox',
    'bridge/Outbox',
    'bridge/SequencerInbox',
    'challengeV2/EdgeChallengeManager',
    'mocks/TestWETH9',
    'osp/OneStepProofEntry',
    'osp/OneStepProver0',
    'osp/OneStepProverHostIo',
    'osp/OneStepProverMath',
    'osp/OneStepProverMemory',
    'rollup/BridgeCreator',
    'rollup/DeployHelper',
    'rollup/ERC20RollupEventInbox',
    'rollup/RollupAdminLogic',
    'rollup/RollupCreator',
    'rollup/RollupEventInbox',
    'rollup/RollupUserLogic',
    'rollup/ValidatorWalletCreator',
  ].map(nitro),
  ['@arbitrum/nitro-contracts', 'out/yul/Reader4844.yul/Reader4844.json'],
  ['@offchainlabs/upgrade-executor', 'build/contracts/src/UpgradeExecutor.sol/UpgradeExecutor.json'],
];

/** Contracts the devnet places with anvil_setCode (L2 predeploys): these need their runtime code. */
const PREDEPLOYS = new Set(['GasPriceOracle', 'L1Block', 'L2ToL1MessagePasser']);

/**
 * Only what the devnet reads, in the package's own shape (forge: `{ object }`, hardhat: a hex string):
 * the ABI and creation code, and the runtime code of predeploys. Source maps and metadata stay behind.
 */
function trim(artifact, name) {
  const code = (field) => (typeof field === 'string' ? field : { object: field.object });
  return {
    abi: artifact.abi,
    bytecode: code(artifact.bytecode),
    ...(PREDEPLOYS.has(name) ? { deployedBytecode: code(artifact.deployedBytecode) } : {}),
  };
}

function packageRoot(name) {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    console.error(`vendor-artifacts: ${name} is not installed; run npm ci in the l2preflight checkout`);
    process.exit(1);
  }
}

rmSync(target, { recursive: true, force: true });
let bytes = 0;
for (const [name, path] of CONTRACTS) {
  const artifact = JSON.parse(readFileSync(join(packageRoot(name), path), 'utf8'));
  const file = join(target, name, path);
  mkdirSync(dirname(file), { recursive: true });
  const text = JSON.stringify(trim(artifact, path.slice(path.lastIndexOf('/') + 1, -'.json'.length)));
  writeFileSync(file, text);
  bytes += text.length;
}
if (!process.argv.includes('--quiet')) {
  console.log(
    `vendor-artifacts: ${CONTRACTS.length} contracts, ${(bytes / 1e6).toFixed(1)} MB in artifacts/`,
  );
}
