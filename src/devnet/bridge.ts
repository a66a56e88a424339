/**
 * The real OP Stack bridge on the devnet: the fault-proof system of OP Mainnet and Base (OptimismPortal2,
 * DisputeGameFactory, AnchorStateRegistry, dispute games) behind Proxies, with SuperchainConfig and
 * SystemConfig, on L1 — or, on request, the legacy L2OutputOracle + OptimismPortal; L2ToL1MessagePasser
 * at its predeploy address on L2; and a proposer that creates and resolves games (or posts outputs). The compiled contracts come from the npm
 * package @eth-optimism/contracts-bedrock (its shipped forge artifacts), loaded only when the devnet
 * starts. Recipe: ../shared/VENUE-NOTES.md ("A real OP Stack withdrawal on two anvil nodes").
 */
import {
  type Account,
  type Address,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  parseAbi,
  stringToHex,
} from 'viem';
import { DevnetMulticall3Artifact } from './artifacts.generated.js';
import {
  DEVNET_BRIDGE,
  DEVNET_L2_CHAIN_ID,
  DEVNET_LEGACY_BRIDGE,
  deployer,
  GAME_TYPES,
  L2_TO_L1_MESSAGE_PASSER,
  MULTICALL3,
  proposer,
  RECEIPT_TIMEOUT_MS,
} from './constants.js';
import { bedrockArtifact as artifact, bedrockPredeployCode, type ForgeArtifact } from './packageArtifacts.js';
import { anvilRpc, deploy, send, type VenueClients } from './venue-clients.js';

/**
 * Devnet timing: fast enough that a whole withdrawal drill runs in well under a minute. On fault
 * proofs the withdrawal delay is max(proof maturity, max clock duration + finality delay) = 12 s:
 * the game's clock and airgap, not the proof maturity alone, decide it (as on OP Mainnet: 3.5 d + 3.5 d
 * against a 7 d maturity).
 */
export const BRIDGE_TIMING = {
  /** Legacy L2OutputOracle. */
  submissionInterval: 10,
  l2BlockTime: 1,
  finalizationPeriodSeconds: 12,
  /** Fault proofs. */
  proofMaturityDelaySeconds: 6,
  disputeGameFinalityDelaySeconds: 4,
  maxClockDurationSeconds: 8,
  clockExtensionSeconds: 2,
  /** The proposer creates a game every this many L2 blocks... */
  gameIntervalBlocks: 4,
  /** ...for an L2 block this far behind the head: a proposer proposes only settled blocks. */
  proposalLagBlocks: 4,
} as const;

const l2ooAbi = parseAbi([
  'function nextBlockNumber() view returns (uint256)',
  'function proposeL2Output(bytes32 outputRoot, uint256 l2BlockNumber, bytes32 l1BlockHash, uint256 l1BlockNumber) payable',
]);

/** OP Mainnet's game shape (op-deployer defaults); nobody plays moves on the devnet. */
const GAME_SHAPE = { maxGameDepth: 73n, splitDepth: 30n } as const;
/** The VM's absolute prestate: any fixed hash (no cannon program runs on the devnet). */
const DEVNET_PRESTATE = keccak256(stringToHex('l2preflight devnet cannon prestate'));
/** PreimageOracle: OP Mainnet's large-preimage minimum size and a one-day challenge period. */
const PREIMAGE_ORACLE = { minProposalSize: 126_000n, challengePeriod: 86_400n } as const;

/** Deploys an implementation behind an OP Proxy and initializes it through upgradeToAndCall. */
function proxied(
  l1: VenueClients,
  name: string,
  init: { functionName: string; args: unknown[] },
  proxy: ForgeArtifact,
) {
  return proxiedWithArgs(l1, name, [], init, proxy);
}

async function proxiedWithArgs(
  l1: VenueClients,
  name: string,
  constructorArgs: unknown[],
  init: { functionName: string; args: unknown[] },
  proxy: ForgeArtifact,
) {
  const impl = await artifact(name);
  const implementation = await deploy(l1, { abi: impl.abi, bytecode: impl.bytecode.object }, constructorArgs);
  const address = await deploy(l1, { abi: proxy.abi, bytecode: proxy.bytecode.object }, [deployer.address]);
  const data = encodeFunctionData({
    abi: impl.abi,
    functionName: init.functionName,
    args: init.args,
  });
  await send(
    l1,
    l1.wallet.writeContract({
      address,
      abi: proxy.abi,
      functionName: 'upgradeToAndCall',
      args: [implementation, data],
    }),
  );
  return address;
}

/** Output root version 0: keccak256(abi.encode(0, stateRoot, messagePasserStorageRoot, blockHash)). */
export async function outputRootAt(l2: VenueClients, blockNumber: bigint): Promise<Hex> {
  const block = await l2.public.getBlock({ blockNumber });
  const proof = await l2.public.getProof({ address: L2_TO_L1_MESSAGE_PASSER, storageKeys: [], blockNumber });
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [`0x${'0'.repeat(64)}`, block.stateRoot, proof.storageHash, block.hash as Hex],
    ),
  );
}

export type ProofSystem = 'fault-proofs' | 'output-oracle';

export interface RunningBridge {
  proofSystem: ProofSystem;
  /**
   * Does what the proposer would do now: posts outputs up to the head (legacy), or creates a game if
   * one is due and resolves its games whose clock ran out (fault proofs). Tests use it for timing.
   */
  proposeUpToHead(): Promise<number>;
  /**
   * Stops proposing on the timer and waits for a proposal in flight to end: a reset of the chains must
   * not drop a proposer's transaction from under it (its receipt wait would hold every proposal after it
   * until it timed out), nor run while one is on its way.
   */
  pause(): Promise<void>;
  /** Proposes on the timer again after pause(). */
  resume(): void;
  stop(): Promise<void>;
}

/** The views and calls of DisputeGameFactory / FaultDisputeGame (contracts-bedrock 0.17.3) the proposer uses. */
export const gameAbi = parseAbi([
  'function gameCount() view returns (uint256)',
  'function gameAtIndex(uint256 index) view returns (uint32 gameType, uint64 timestamp, address proxy)',
  'function create(uint32 gameType, bytes32 rootClaim, bytes extraData) payable returns (address)',
  'function status() view returns (uint8)',
  'function gameCreator() pure returns (address)',
  'function l2BlockNumber() pure returns (uint256)',
  'function resolveClaim(uint256 claimIndex, uint256 numToResolve)',
  'function resolve() returns (uint8)',
  'function setImplementation(uint32 gameType, address impl)',
]);

/** A game's extra data: the L2 block number its root claim is the output root of. */
export const gameExtraData = (l2BlockNumber: bigint) =>
  encodeAbiParameters([{ type: 'uint256' }], [l2BlockNumber]);

async function installPredeploys(l1: VenueClients, l2: VenueClients) {
  const { bytecode: multicall } = DevnetMulticall3Artifact;
  const { data: runtime } = await l1.public.call({ data: multicall });
  await anvilRpc(l1, 'anvil_setCode', [MULTICALL3, runtime]);
  await anvilRpc(l2, 'anvil_setCode', [
    L2_TO_L1_MESSAGE_PASSER,
    await bedrockPredeployCode('L2ToL1MessagePasser'),
  ]);
}

async function deployDirect(l1: VenueClients, name: string, args: unknown[]): Promise<Address> {
  const compiled = await artifact(name);
  return deploy(l1, { abi: compiled.abi, bytecode: compiled.bytecode.object }, args);
}

function expectAddresses(deployed: Record<string, Address>, expected: Record<string, Address>) {
  for (const [name, address] of Object.entries(deployed)) {
    if (address.toLowerCase() !== expected[name]?.toLowerCase()) {
      throw new Error(`devnet bridge address drifted: ${name} at ${address}, expected ${expected[name]}`);
    }
  }
}

/** The portal pays out finalized withdrawals; there are no deposits on the devnet to fund it. */
const fundPortal = (l1: VenueClients, portal: Address) =>
  anvilRpc(l1, 'anvil_setBalance', [portal, `0x${(1_000n * 10n ** 18n).toString(16)}`]);

/**
 * What both bridges start with, in this order (the first deployer nonces): the predeploys, then
 * SuperchainConfig behind a Proxy and SystemConfig.
 */
async function deploySystemBase(l1: VenueClients, l2: VenueClients) {
  await installPredeploys(l1, l2);
  const proxy = await artifact('Proxy');
  const superchainConfig = await proxied(
    l1,
    'SuperchainConfig',
    { functionName: 'initialize', args: [deployer.address, false] },
    proxy,
  );
  const systemConfig = await deployDirect(l1, 'SystemConfig', []);
  return { proxy, superchainConfig, systemConfig };
}

/**
 * Deploys the fault-proof bridge (OptimismPortal2 3.x, DisputeGameFactory, AnchorStateRegistry,
 * DelayedWETH, PreimageOracle + MIPS, a permissionless FaultDisputeGame and a PermissionedDisputeGame);
 * call while L1 still automines (deployment is 22 transactions, see DEVNET_BRIDGE).
 */
export async function deployBridge(l1: VenueClients, l2: VenueClients): Promise<void> {
  const { proxy, superchainConfig, systemConfig } = await deploySystemBase(l1, l2);
  const disputeGameFactory = await proxied(
    l1,
    'DisputeGameFactory',
    { functionName: 'initialize', args: [deployer.address] },
    proxy,
  );
  // The anchor is an honest output root a few blocks back: every game must claim a later block.
  const anchorBlock = (await l2.public.getBlockNumber({ cacheTime: 0 })) - 10n;
  const anchor = { root: await outputRootAt(l2, anchorBlock), l2BlockNumber: anchorBlock };
  const anchorStateRegistry = await proxiedWithArgs(
    l1,
    'AnchorStateRegistry',
    [disputeGameFactory],
    {
      functionName: 'initialize',
      args: [Object.values(GAME_TYPES).map((gameType) => ({ gameType, outputRoot: anchor }))],
    },
    proxy,
  );
  const delayedWeth = await proxiedWithArgs(
    l1,
    'DelayedWETH',
    [BigInt(BRIDGE_TIMING.disputeGameFinalityDelaySeconds)],
    { functionName: 'initialize', args: [deployer.address, superchainConfig] },
    proxy,
  );
  const preimageOracle = await deployDirect(l1, 'PreimageOracle', [
    PREIMAGE_ORACLE.minProposalSize,
    PREIMAGE_ORACLE.challengePeriod,
  ]);
  const mips = await deployDirect(l1, 'MIPS', [preimageOracle]);
  const gameArgs = (gameType: number) => [
    gameType,
    DEVNET_PRESTATE,
    GAME_SHAPE.maxGameDepth,
    GAME_SHAPE.splitDepth,
    BigInt(BRIDGE_TIMING.clockExtensionSeconds),
    BigInt(BRIDGE_TIMING.maxClockDurationSeconds),
    mips,
    delayedWeth,
    anchorStateRegistry,
    BigInt(DEVNET_L2_CHAIN_ID),
  ];
  const faultDisputeGame = await deployDirect(l1, 'FaultDisputeGame', gameArgs(GAME_TYPES.cannon));
  const permissionedDisputeGame = await deployDirect(l1, 'PermissionedDisputeGame', [
    ...gameArgs(GAME_TYPES.permissionedCannon),
    proposer.address,
    deployer.address,
  ]);
  for (const [gameType, impl] of [
    [GAME_TYPES.cannon, faultDisputeGame],
    [GAME_TYPES.permissionedCannon, permissionedDisputeGame],
  ] as const) {
    await send(
      l1,
      l1.wallet.writeContract({
        address: disputeGameFactory,
        abi: gameAbi,
        functionName: 'setImplementation',
        args: [gameType, impl],
      }),
    );
  }
  const portal = await proxiedWithArgs(
    l1,
    'OptimismPortal2',
    [BigInt(BRIDGE_TIMING.proofMaturityDelaySeconds), BigInt(BRIDGE_TIMING.disputeGameFinalityDelaySeconds)],
    {
      functionName: 'initialize',
      args: [disputeGameFactory, systemConfig, superchainConfig, GAME_TYPES.cannon],
    },
    proxy,
  );
  expectAddresses(
    {
      superchainConfig,
      systemConfig,
      disputeGameFactory,
      anchorStateRegistry,
      delayedWeth,
      preimageOracle,
      mips,
      faultDisputeGame,
      permissionedDisputeGame,
      portal,
    },
    DEVNET_BRIDGE,
  );
  await fundPortal(l1, portal);
}

/** Deploys the legacy bridge (L2OutputOracle + OptimismPortal 2.x), for chains that still run it. */
export async function deployLegacyBridge(l1: VenueClients, l2: VenueClients): Promise<void> {
  const { proxy, superchainConfig, systemConfig } = await deploySystemBase(l1, l2);
  // Start the oracle one submission interval back, so the first output can be proposed at boot.
  const l2Head = await l2.public.getBlockNumber({ cacheTime: 0 });
  const [head, l1Head] = await Promise.all([
    l2.public.getBlock({ blockNumber: l2Head - BigInt(BRIDGE_TIMING.submissionInterval) }),
    l1.public.getBlock({ blockTag: 'latest' }),
  ]);
  // The oracle refuses a starting timestamp ahead of L1's clock; L1 is still writing its history here.
  const startingTimestamp = BigInt(Math.min(Number(head.timestamp), Number(l1Head.timestamp)));
  const l2OutputOracle = await proxied(
    l1,
    'L2OutputOracle',
    {
      functionName: 'initialize',
      args: [
        BigInt(BRIDGE_TIMING.submissionInterval),
        BigInt(BRIDGE_TIMING.l2BlockTime),
        head.number,
        startingTimestamp,
        proposer.address,
        deployer.address,
        BigInt(BRIDGE_TIMING.finalizationPeriodSeconds),
      ],
    },
    proxy,
  );
  const portal = await proxied(
    l1,
    'OptimismPortal',
    { functionName: 'initialize', args: [l2OutputOracle, systemConfig, superchainConfig] },
    proxy,
  );
  expectAddresses({ superchainConfig, systemConfig, l2OutputOracle, portal }, DEVNET_LEGACY_BRIDGE);
  await fundPortal(l1, portal);
}

type ProposerWallet = ReturnType<typeof proposerWallet>;

export function proposerWallet(l1: VenueClients, account: Account = proposer) {
  return createWalletClient({ chain: l1.wallet.chain, transport: http(l1.url), account });
}

async function mined(l1: VenueClients, hash: Hex): Promise<boolean> {
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  return receipt.status === 'success';
}

/** Legacy: posts every output root the L2 head allows (the oracle takes each interval in turn). */
async function proposeOutputs(l1: VenueClients, l2: VenueClients, wallet: ProposerWallet): Promise<number> {
  let proposed = 0;
  for (;;) {
    const next = await l1.public.readContract({
      address: DEVNET_LEGACY_BRIDGE.l2OutputOracle,
      abi: l2ooAbi,
      functionName: 'nextBlockNumber',
    });
    const l2Head = await l2.public.getBlockNumber({ cacheTime: 0 });
    if (l2Head < next) return proposed;
    const hash = await wallet.writeContract({
      address: DEVNET_LEGACY_BRIDGE.l2OutputOracle,
      abi: l2ooAbi,
      functionName: 'proposeL2Output',
      args: [await outputRootAt(l2, next), next, `0x${'0'.repeat(64)}`, 0n],
    });
    if (!(await mined(l1, hash))) return proposed;
    proposed += 1;
  }
}

/**
 * Creates a game of `gameType` claiming `root` for `l2BlockNumber` (from `wallet`'s account). A scenario
 * that proposes as the proposer (`game-type-changed`) runs in another process than `devnet up`'s proposer
 * loop: both take the account's pending nonce, and the one that loses the race is refused by the node.
 * It tries again with the next nonce.
 */
export async function createGame(
  l1: VenueClients,
  wallet: ProposerWallet,
  game: { gameType: number; root: Hex; l2BlockNumber: bigint },
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const hash = await wallet.writeContract({
        address: DEVNET_BRIDGE.disputeGameFactory,
        abi: gameAbi,
        functionName: 'create',
        args: [game.gameType, game.root, gameExtraData(game.l2BlockNumber)],
      });
      return mined(l1, hash);
    } catch (error) {
      const nonceTaken = /replacement transaction underpriced|nonce too low|already known/i.test(
        (error as Error).message,
      );
      if (!nonceTaken || attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** How many of the newest games the proposer looks at for its own games to resolve. */
const RESOLVE_SCAN = 16;

/**
 * Fault proofs: the honest proposer creates a game for a settled L2 block once the newest of its games
 * is `gameIntervalBlocks` old, and resolves each of its games whose clock ran out unchallenged (there
 * is no challenger on the devnet), so withdrawals proven against them can finalize.
 */
async function proposeGames(l1: VenueClients, l2: VenueClients, wallet: ProposerWallet): Promise<number> {
  const factory = DEVNET_BRIDGE.disputeGameFactory;
  const abi = gameAbi;
  const count = await l1.public.readContract({ address: factory, abi, functionName: 'gameCount' });
  const l1Now = (await l1.public.getBlock({ blockTag: 'latest' })).timestamp;
  let newestOwn: bigint | undefined;
  let acted = 0;
  for (let index = count - 1n; index >= 0n && index >= count - BigInt(RESOLVE_SCAN); index -= 1n) {
    const [gameType, createdAt, game] = await l1.public.readContract({
      address: factory,
      abi,
      functionName: 'gameAtIndex',
      args: [index],
    });
    const creator = await l1.public.readContract({ address: game, abi, functionName: 'gameCreator' });
    if (gameType !== GAME_TYPES.cannon || creator.toLowerCase() !== wallet.account.address.toLowerCase())
      continue;
    newestOwn ??= await l1.public.readContract({ address: game, abi, functionName: 'l2BlockNumber' });
    const inProgress = (await l1.public.readContract({ address: game, abi, functionName: 'status' })) === 0;
    if (!inProgress || l1Now < createdAt + BigInt(BRIDGE_TIMING.maxClockDurationSeconds)) continue;
    const claimResolved = await wallet.writeContract({
      address: game,
      abi: gameAbi,
      functionName: 'resolveClaim',
      args: [0n, 0n],
    });
    if (!(await mined(l1, claimResolved))) continue;
    await mined(l1, await wallet.writeContract({ address: game, abi: gameAbi, functionName: 'resolve' }));
    acted += 1;
  }
  const target = (await l2.public.getBlockNumber({ cacheTime: 0 })) - BigInt(BRIDGE_TIMING.proposalLagBlocks);
  if (newestOwn === undefined || target >= newestOwn + BigInt(BRIDGE_TIMING.gameIntervalBlocks)) {
    const root = await outputRootAt(l2, target);
    if (await createGame(l1, wallet, { gameType: GAME_TYPES.cannon, root, l2BlockNumber: target }))
      acted += 1;
  }
  return acted;
}

/** The devnet proposer: does what the bridge needs every `proposeEveryMs`. */
export async function startProposer(options: {
  l1: VenueClients;
  l2: VenueClients;
  proofSystem?: ProofSystem;
  proposeEveryMs?: number;
}): Promise<RunningBridge> {
  const { l1, l2 } = options;
  const proofSystem = options.proofSystem ?? 'fault-proofs';
  const wallet = proposerWallet(l1);
  let proposing: Promise<number> | undefined;
  const proposeUpToHead = async () => {
    if (proposing) return 0;
    proposing =
      proofSystem === 'fault-proofs' ? proposeGames(l1, l2, wallet) : proposeOutputs(l1, l2, wallet);
    try {
      return await proposing;
    } finally {
      proposing = undefined;
    }
  };
  await proposeUpToHead();
  const onTimer = () => {
    const timer = setInterval(() => {
      // A proposer without L1 funds (proposer-stalled) fails to propose: that is the scenario.
      proposeUpToHead().catch(() => {});
    }, options.proposeEveryMs ?? 2_000);
    timer.unref();
    return timer;
  };
  let timer: NodeJS.Timeout | undefined = onTimer();
  // A proposal in flight finishes while L1 still runs: its receipt wait would otherwise poll a stopped
  // (or reset) node until it times out.
  const pause = async () => {
    clearInterval(timer);
    timer = undefined;
    await proposing?.catch(() => {});
  };
  let stopped = false;
  return {
    proofSystem,
    proposeUpToHead,
    pause,
    resume: () => {
      // A reset that ends after stop() must not start proposing again against stopped nodes.
      if (!stopped) timer ??= onTimer();
    },
    stop: () => {
      stopped = true;
      return pause();
    },
  };
}

export type { Address };
