/**
 * The real Arbitrum rollup (BoLD, nitro-contracts 3.2.0) on an L1 anvil node, created the way an
 * Arbitrum chain is created: deploy the templates (bridge contracts for ETH and fee-token chains, the
 * one-step provers, the challenge manager, the rollup logic, the upgrade executor), a BridgeCreator and
 * a RollupCreator over them, then one `createRollup` that puts every chain contract behind proxies
 * owned by an UpgradeExecutor. The compiled contracts come from the npm package
 * @arbitrum/nitro-contracts (its shipped hardhat artifacts), loaded only when this runs.
 */
import {
  type Address,
  type Hex,
  keccak256,
  parseEventLogs,
  stringToHex,
  type TransactionReceipt,
  zeroAddress,
  zeroHash,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { ANVIL_MNEMONIC, deployer, RECEIPT_TIMEOUT_MS } from '../constants.js';
import { type HardhatArtifact, nitroArtifact, packageJson } from '../packageArtifacts.js';
import { type VenueClients, venueClients } from '../venue-clients.js';

/** The devnet Arbitrum chain's id (nitro-testnode's L2 id). */
export const ARBITRUM_DEVNET_CHAIN_ID = 412_346;
/** Posts batches to the SequencerInbox (anvil test account 3: not used by the OP Stack devnet). */
export const arbBatchPoster = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 3 });
/** The allow-listed validator that posts assertions (anvil test account 8). */
export const arbValidator = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 });

/**
 * Calldata cap of a batch: the value Arbitrum chains settling to Ethereum use (nitro-contracts'
 * deployment scripts, `maxDataSize` 117964). createRollup checks every template was built with it.
 */
export const MAX_DATA_SIZE = 117_964n;

/** Devnet timing: small enough that confirmation and force inclusion happen on warped L1 time. */
export const ARBITRUM_TIMING = {
  confirmPeriodBlocks: 20n,
  /**
   * Force inclusion: a delayed message can be forced in after this many blocks and seconds. On the
   * devnet's 1-second L1 blocks both pass in about 30 s, so the `force-included` scenario waits in real
   * time instead of warping L1 ahead of the clock. (Checks count blocks at Ethereum's 12 s, so the
   * window they report is 30 × 12 s = 6 min.)
   */
  maxTimeVariation: { delayBlocks: 30n, futureBlocks: 12n, delaySeconds: 30n, futureSeconds: 3_600n },
  minimumAssertionPeriod: 1n,
  challengeGracePeriodBlocks: 3n,
  validatorAfkBlocks: 201_600n,
} as const;

/** BoLD's edge heights as on Arbitrum One (powers of two; nobody plays a challenge on the devnet). */
const EDGE_HEIGHTS = {
  layerZeroBlockEdgeHeight: 2n ** 26n,
  layerZeroBigStepEdgeHeight: 2n ** 19n,
  layerZeroSmallStepEdgeHeight: 2n ** 23n,
} as const;
const NUM_BIG_STEP_LEVEL = 1;
const BASE_STAKE = 10n ** 17n;
/** Any fixed hash: no WASM machine runs on the devnet. */
const WASM_MODULE_ROOT = keccak256(stringToHex('l2preflight devnet arbitrum wasm module root'));
/** MachineStatus.FINISHED: the genesis assertion's machine has finished (as in nitro's deploy scripts). */
const MACHINE_FINISHED = 1;

export interface ArbitrumDeployment {
  rollup: Address;
  bridge: Address;
  inbox: Address;
  outbox: Address;
  sequencerInbox: Address;
  rollupEventInbox: Address;
  challengeManager: Address;
  /** The ProxyAdmin of the bridge contracts (owned by the upgrade executor). */
  proxyAdmin: Address;
  upgradeExecutor: Address;
  validatorWalletCreator: Address;
  rollupCreator: Address;
  stakeToken: Address;
  /** What it took, for the closing note. */
  figures: {
    deploymentTxs: number;
    contractsCreated: number;
    gasUsed: bigint;
    /** Of gasUsed, what the one createRollup took (the per-chain cost once templates exist). */
    createRollupGas: bigint;
    wallMs: number;
  };
}

interface Tally {
  txs: number;
  /** Every contract the transactions created, including those created inside constructors and createRollup. */
  contracts: number;
  gas: bigint;
}

async function receiptOf(l1: VenueClients, hash: Hex, tally: Tally): Promise<TransactionReceipt> {
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`arbitrum devnet transaction ${hash} reverted`);
  tally.txs += 1;
  tally.gas += receipt.gasUsed;
  tally.contracts += await contractsCreatedBy(l1, hash);
  return receipt;
}

async function create(
  l1: VenueClients,
  tally: Tally,
  artifact: { abi: HardhatArtifact['abi']; bytecode: Hex },
  args: unknown[] = [],
): Promise<Address> {
  const hash = await l1.wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
  });
  const receipt = await receiptOf(l1, hash, tally);
  if (!receipt.contractAddress) throw new Error('arbitrum devnet deployment produced no contract');
  return receipt.contractAddress;
}

/** Reader4844 is Yul, shipped as a forge artifact; SequencerInbox needs it off Arbitrum (blob reads). */
async function reader4844(): Promise<{ abi: HardhatArtifact['abi']; bytecode: Hex }> {
  const forge = await packageJson<{ abi: HardhatArtifact['abi']; bytecode: { object: Hex } }>(
    '@arbitrum/nitro-contracts',
    'out/yul/Reader4844.yul/Reader4844.json',
  );
  return { abi: forge.abi, bytecode: forge.bytecode.object };
}

/** UpgradeExecutor comes from @offchainlabs/upgrade-executor, a dependency of nitro-contracts. */
function upgradeExecutorArtifact(): Promise<HardhatArtifact> {
  return packageJson(
    '@offchainlabs/upgrade-executor',
    'build/contracts/src/UpgradeExecutor.sol/UpgradeExecutor.json',
  );
}

/** Deploys templates, creators and one rollup on the L1 node at `l1Url`; the deployer pays. */
export async function deployArbitrum(l1Url: string, l1ChainId: number): Promise<ArbitrumDeployment> {
  const started = Date.now();
  const l1 = venueClients(l1Url, l1ChainId);
  const tally: Tally = { txs: 0, contracts: 0, gas: 0n };
  const a = (path: string) => nitroArtifact(path);
  const deployOne = async (path: string, args: unknown[] = []) => create(l1, tally, await a(path), args);

  const reader = await create(l1, tally, await reader4844());
  const sequencerInbox = await a('bridge/SequencerInbox');
  const templates = async (feeToken: boolean) => ({
    bridge: await deployOne(feeToken ? 'bridge/ERC20Bridge' : 'bridge/Bridge'),
    sequencerInbox: await create(l1, tally, sequencerInbox, [MAX_DATA_SIZE, reader, feeToken, false]),
    delayBufferableSequencerInbox: await create(l1, tally, sequencerInbox, [
      MAX_DATA_SIZE,
      reader,
      feeToken,
      true,
    ]),
    inbox: await deployOne(feeToken ? 'bridge/ERC20Inbox' : 'bridge/Inbox', [MAX_DATA_SIZE]),
    rollupEventInbox: await deployOne(feeToken ? 'rollup/ERC20RollupEventInbox' : 'rollup/RollupEventInbox'),
    outbox: await deployOne(feeToken ? 'bridge/ERC20Outbox' : 'bridge/Outbox'),
  });
  const ethTemplates = await templates(false);
  const erc20Templates = await templates(true);
  const bridgeCreator = await deployOne('rollup/BridgeCreator', [ethTemplates, erc20Templates]);

  const prover0 = await deployOne('osp/OneStepProver0');
  const proverMemory = await deployOne('osp/OneStepProverMemory');
  const proverMath = await deployOne('osp/OneStepProverMath');
  // No custom DA: the host-io prover's custom DA validator is the zero address.
  const proverHostIo = await deployOne('osp/OneStepProverHostIo', [zeroAddress]);
  const osp = await deployOne('osp/OneStepProofEntry', [prover0, proverMemory, proverMath, proverHostIo]);
  const challengeManagerTemplate = await deployOne('challengeV2/EdgeChallengeManager');
  const rollupAdminLogic = await deployOne('rollup/RollupAdminLogic');
  const rollupUserLogic = await deployOne('rollup/RollupUserLogic');
  const upgradeExecutorLogic = await create(l1, tally, await upgradeExecutorArtifact());
  const validatorWalletCreator = await deployOne('rollup/ValidatorWalletCreator');
  const deployHelper = await deployOne('rollup/DeployHelper');
  const creatorArtifact = await a('rollup/RollupCreator');
  const rollupCreator = await create(l1, tally, creatorArtifact, [
    deployer.address,
    bridgeCreator,
    osp,
    challengeManagerTemplate,
    rollupAdminLogic,
    rollupUserLogic,
    upgradeExecutorLogic,
    validatorWalletCreator,
    deployHelper,
  ]);
  // BoLD stakes in an ERC20; Arbitrum One stakes WETH. nitro-contracts ships a WETH9 for tests.
  const stakeToken = await deployOne('mocks/TestWETH9', ['Wrapped Ether', 'WETH']);

  const chainConfig = JSON.stringify({
    chainId: ARBITRUM_DEVNET_CHAIN_ID,
    homesteadBlock: 0,
    eip150Block: 0,
    eip155Block: 0,
    eip158Block: 0,
    byzantiumBlock: 0,
    constantinopleBlock: 0,
    petersburgBlock: 0,
    istanbulBlock: 0,
    muirGlacierBlock: 0,
    berlinBlock: 0,
    londonBlock: 0,
    clique: { period: 0, epoch: 0 },
    arbitrum: {
      EnableArbOS: true,
      AllowDebugPrecompiles: false,
      DataAvailabilityCommittee: false,
      InitialArbOSVersion: 32,
      InitialChainOwner: deployer.address,
      GenesisBlockNum: 0,
    },
  });
  const config = {
    confirmPeriodBlocks: ARBITRUM_TIMING.confirmPeriodBlocks,
    stakeToken,
    baseStake: BASE_STAKE,
    wasmModuleRoot: WASM_MODULE_ROOT,
    owner: deployer.address,
    loserStakeEscrow: deployer.address,
    chainId: BigInt(ARBITRUM_DEVNET_CHAIN_ID),
    chainConfig,
    minimumAssertionPeriod: ARBITRUM_TIMING.minimumAssertionPeriod,
    validatorAfkBlocks: ARBITRUM_TIMING.validatorAfkBlocks,
    miniStakeValues: Array.from({ length: NUM_BIG_STEP_LEVEL + 2 }, () => BASE_STAKE),
    sequencerInboxMaxTimeVariation: ARBITRUM_TIMING.maxTimeVariation,
    ...EDGE_HEIGHTS,
    genesisAssertionState: {
      globalState: { bytes32Vals: [zeroHash, zeroHash], u64Vals: [0n, 0n] },
      machineStatus: MACHINE_FINISHED,
      endHistoryRoot: zeroHash,
    },
    genesisInboxCount: 0n,
    anyTrustFastConfirmer: zeroAddress,
    numBigStepLevel: NUM_BIG_STEP_LEVEL,
    challengeGracePeriodBlocks: ARBITRUM_TIMING.challengeGracePeriodBlocks,
    // Delay buffer off: threshold 0 picks the plain SequencerInbox template.
    bufferConfig: { threshold: 0n, max: 0n, replenishRateInBasis: 0n },
    dataCostEstimate: 0n,
  };
  const hash = await l1.wallet.writeContract({
    address: rollupCreator,
    abi: creatorArtifact.abi,
    functionName: 'createRollup',
    args: [
      {
        config,
        validators: [arbValidator.address],
        maxDataSize: MAX_DATA_SIZE,
        nativeToken: zeroAddress,
        deployFactoriesToL2: false,
        maxFeePerGasForRetryables: 0n,
        batchPosters: [arbBatchPoster.address],
        batchPosterManager: zeroAddress,
        feeTokenPricer: zeroAddress,
        customOsp: zeroAddress,
      },
    ],
    gas: 25_000_000n,
  });
  const receipt = await receiptOf(l1, hash, tally);
  const [created] = parseEventLogs({
    abi: creatorArtifact.abi,
    logs: receipt.logs,
    eventName: 'RollupCreated',
  });
  if (!created) throw new Error('createRollup emitted no RollupCreated');
  const e = created.args as unknown as {
    rollupAddress: Address;
    inboxAddress: Address;
    outbox: Address;
    rollupEventInbox: Address;
    challengeManager: Address;
    adminProxy: Address;
    sequencerInbox: Address;
    bridge: Address;
    upgradeExecutor: Address;
    validatorWalletCreator: Address;
  };
  return {
    rollup: e.rollupAddress,
    bridge: e.bridge,
    inbox: e.inboxAddress,
    outbox: e.outbox,
    sequencerInbox: e.sequencerInbox,
    rollupEventInbox: e.rollupEventInbox,
    challengeManager: e.challengeManager,
    proxyAdmin: e.adminProxy,
    upgradeExecutor: e.upgradeExecutor,
    validatorWalletCreator: e.validatorWalletCreator,
    rollupCreator,
    stakeToken,
    figures: {
      deploymentTxs: tally.txs,
      contractsCreated: tally.contracts,
      gasUsed: tally.gas,
      createRollupGas: receipt.gasUsed,
      wallMs: Date.now() - started,
    },
  };
}

interface CallFrame {
  type: string;
  calls?: CallFrame[];
}

/** Contracts a transaction created (CREATE/CREATE2 frames), counted from anvil's call tracer. */
async function contractsCreatedBy(l1: VenueClients, hash: Hex): Promise<number> {
  // viem's public RPC schema has no debug_ methods: the override types this one request.
  const trace = await l1.public.request<{
    Parameters: [Hex, { tracer: 'callTracer' }];
    ReturnType: CallFrame;
  }>({
    method: 'debug_traceTransaction',
    params: [hash, { tracer: 'callTracer' }],
  });
  const count = (frame: CallFrame): number =>
    (frame.type.startsWith('CREATE') ? 1 : 0) + (frame.calls ?? []).reduce((n, c) => n + count(c), 0);
  return count(trace);
}
