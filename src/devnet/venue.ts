/**
 * The devnet venue on an L2 anvil: a Chainlink-compatible ETH/USD feed with a day of hourly rounds, a
 * sequencer uptime feed, a USDC-like collateral token and an insurance fund holding it and ether.
 * `bootVenue` deploys it and writes a block history that ends now; the admin helpers below are what
 * scenarios use to put it into good and bad states.
 */
import { type Address, type Hex, keccak256, parseAbi, stringToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { DevnetError } from '../errors.js';
import { type AnvilNode, portIsFree, startAnvil } from './anvil.js';
import {
  BRIDGE_TIMING,
  createGame,
  deployBridge,
  deployLegacyBridge,
  gameAbi,
  outputRootAt,
  type ProofSystem,
  proposerWallet,
  type RunningBridge,
  startProposer,
} from './bridge.js';
import {
  ANVIL_MNEMONIC,
  BATCHER_BALANCE,
  DEVNET_BRIDGE,
  type DevnetPorts,
  GAME_TYPES,
  MULTICALL3,
  proposer,
} from './constants.js';
import { deployGovernance } from './governance.js';
import { bootL1, type RunningL1, setBatcherBalance } from './l1.js';
import { installL1FeeOracle } from './l1Fees.js';
import { reorgL2 } from './reorg.js';
import { type Replica, startReplica } from './replica.js';
import { keepOnGrid, stampOnGrid, startSequencer } from './sequencer.js';
import {
  anvilRpc,
  deploy,
  mined,
  nowSeconds,
  send,
  type VenueClients,
  venueClients,
} from './venue-clients.js';

export { anvilRpc, type VenueClients, venueClients };

import {
  DevnetAggregatorArtifact,
  DevnetMulticall3Artifact,
  DevnetPerpMarketArtifact,
  DevnetPythArtifact,
  DevnetTokenArtifact,
  InsuranceFundArtifact,
} from './artifacts.generated.js';
import {
  DEVNET_ADDRESSES,
  DEVNET_ETH_USD_BOUNDS,
  DEVNET_FUND,
  DEVNET_L2_CHAIN_ID,
  DEVNET_OPEN_INTEREST,
  deployer,
  HISTORY_SECONDS,
  PYTH_ETH_USD_ID,
  SEQUENCER_UP_AT_BOOT_SECONDS,
} from './constants.js';

/** A deterministic ETH/USD path around 3000 USD (8 decimals, like Chainlink's USD feeds). */
export function devnetPrice(index: number): bigint {
  return BigInt(Math.round((3000 + 40 * Math.sin(index / 3)) * 100)) * 10n ** 6n;
}

/**
 * 26 hourly ETH/USD rounds ending at `now`: a day of history plus the round before it, so a 24 h
 * lookback is covered and every gap is the 1 h heartbeat.
 */
export function calmDay(now: number): { answer: bigint; at: number }[] {
  return Array.from({ length: 26 }, (_, i) => ({ answer: devnetPrice(i), at: now - (25 - i) * 3_600 }));
}

/**
 * Admin writes that come in pairs send both before waiting for either: the node counts the first one's
 * nonce as soon as it has it, so both land in the same block and the pair costs one block time, not two.
 */
function pushRoundTx(
  clients: VenueClients,
  feed: Address,
  answer: bigint,
  startedAt: number,
  updatedAt: number,
): Promise<Hex> {
  return clients.wallet.writeContract({
    address: feed,
    abi: DevnetAggregatorArtifact.abi,
    functionName: 'pushRound',
    args: [answer, BigInt(startedAt), BigInt(updatedAt)],
  });
}

async function publishPythTx(
  clients: VenueClients,
  id: Hex,
  answer: bigint,
  options: { publishTime?: number; confidence?: bigint } = {},
): Promise<Hex> {
  // Pyth ignores a publish that is not newer than the one it has: step past it when none is asked for.
  const current = await clients.public
    .readContract({
      address: DEVNET_ADDRESSES.pyth,
      abi: DevnetPythArtifact.abi,
      functionName: 'getPriceUnsafe',
      args: [id],
    })
    .then((price) => Number(price.publishTime))
    .catch(() => 0);
  const publishTime = BigInt(options.publishTime ?? Math.max(nowSeconds(), current + 1));
  const conf = options.confidence ?? answer / 2_000n; // ±0.05%
  const update = await clients.public.readContract({
    address: DEVNET_ADDRESSES.pyth,
    abi: DevnetPythArtifact.abi,
    functionName: 'createPriceFeedUpdateData',
    args: [id, answer, conf, -8, answer, conf, publishTime, publishTime - 1n],
  });
  return clients.wallet.writeContract({
    address: DEVNET_ADDRESSES.pyth,
    abi: DevnetPythArtifact.abi,
    functionName: 'updatePriceFeeds',
    args: [[update]],
  });
}

export const admin = {
  pushRound(clients: VenueClients, feed: Address, answer: bigint, startedAt: number, updatedAt: number) {
    return send(clients, pushRoundTx(clients, feed, answer, startedAt, updatedAt));
  },
  /**
   * Writes many rounds at once: every transaction is sent with its own nonce before any is awaited,
   * so a day of history costs one or two blocks instead of one block per round.
   */
  async pushRounds(
    clients: VenueClients,
    feed: Address,
    rounds: readonly { answer: bigint; at: number }[],
  ): Promise<void> {
    const account = clients.wallet.account;
    const first = await clients.public.getTransactionCount({ address: account.address, blockTag: 'pending' });
    const hashes = await Promise.all(
      rounds.map((round, index) =>
        clients.wallet.writeContract({
          address: feed,
          abi: DevnetAggregatorArtifact.abi,
          functionName: 'pushRound',
          args: [round.answer, BigInt(round.at), BigInt(round.at)],
          nonce: first + index,
          gas: 150_000n,
        }),
      ),
    );
    await mined(clients, hashes);
  },
  async latestRound(clients: VenueClients, feed: Address): Promise<bigint> {
    return BigInt(
      await clients.public.readContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'latestRound',
      }),
    );
  },
  async setLatestTimestamps(clients: VenueClients, feed: Address, startedAt: number, updatedAt: number) {
    const round = await admin.latestRound(clients, feed);
    return send(
      clients,
      clients.wallet.writeContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'setRoundTimestamps',
        args: [round, BigInt(startedAt), BigInt(updatedAt)],
      }),
    );
  },
  async setLatestAnswer(clients: VenueClients, feed: Address, answer: bigint) {
    const round = await admin.latestRound(clients, feed);
    return send(
      clients,
      clients.wallet.writeContract({
        address: feed,
        abi: DevnetAggregatorArtifact.abi,
        functionName: 'setRoundAnswer',
        args: [round, answer],
      }),
    );
  },
  async tokenBalance(clients: VenueClients, holder: Address): Promise<bigint> {
    return clients.public.readContract({
      address: DEVNET_ADDRESSES.usdc,
      abi: DevnetTokenArtifact.abi,
      functionName: 'balanceOf',
      args: [holder],
    }) as Promise<bigint>;
  },
  async fillFund(clients: VenueClients) {
    const have = await admin.tokenBalance(clients, DEVNET_ADDRESSES.insuranceFund);
    if (have < DEVNET_FUND.usdc) {
      await send(
        clients,
        clients.wallet.writeContract({
          address: DEVNET_ADDRESSES.usdc,
          abi: DevnetTokenArtifact.abi,
          functionName: 'mint',
          args: [DEVNET_ADDRESSES.insuranceFund, DEVNET_FUND.usdc - have],
        }),
      );
    }
    await anvilRpc(clients, 'anvil_setBalance', [
      DEVNET_ADDRESSES.insuranceFund,
      `0x${DEVNET_FUND.ether.toString(16)}`,
    ]);
  },
  /** The fund pays out `usdc` (6 decimals) of its USDC, as it would to cover bad debt. */
  payOut(clients: VenueClients, usdc: bigint) {
    return send(
      clients,
      clients.wallet.writeContract({
        address: DEVNET_ADDRESSES.insuranceFund,
        abi: InsuranceFundArtifact.abi,
        functionName: 'withdraw',
        args: [DEVNET_ADDRESSES.usdc, deployer.address, usdc],
      }),
    );
  },
  async drainFund(clients: VenueClients) {
    const have = await admin.tokenBalance(clients, DEVNET_ADDRESSES.insuranceFund);
    if (have > 0n) {
      await send(
        clients,
        clients.wallet.writeContract({
          address: DEVNET_ADDRESSES.insuranceFund,
          abi: InsuranceFundArtifact.abi,
          functionName: 'withdraw',
          args: [DEVNET_ADDRESSES.usdc, deployer.address, have],
        }),
      );
    }
    await anvilRpc(clients, 'anvil_setBalance', [DEVNET_ADDRESSES.insuranceFund, '0x0']);
  },
  /** The sequencer has been up for two hours: well past Chainlink's one-hour reference grace period. */
  setSequencerUp(clients: VenueClients, sinceSeconds = 7_200) {
    const since = nowSeconds() - sinceSeconds;
    return admin.pushRound(clients, DEVNET_ADDRESSES.sequencerUptimeFeed, 0n, since, since);
  },
  /**
   * What Chainlink's uptime feed records of an outage once the sequencer is back: on OP Stack the status
   * arrives as an L1 message, which the halted L2 cannot include until it resumes, so the down round
   * (started when the outage began) and the up round land together, each round's startedAt from L1.
   */
  async recordOutage(clients: VenueClients, downAt: number, upAt: number) {
    const feed = DEVNET_ADDRESSES.sequencerUptimeFeed;
    const down = await pushRoundTx(clients, feed, 1n, downAt, upAt);
    await mined(clients, [down, await pushRoundTx(clients, feed, 0n, upAt, upAt)]);
  },
  setSequencerDown(clients: VenueClients) {
    const now = nowSeconds();
    return admin.pushRound(clients, DEVNET_ADDRESSES.sequencerUptimeFeed, 1n, now, now);
  },
  /**
   * Plays the feed's keeper on a long-running devnet: a new round once the latest is 50 minutes old
   * (the devnet's heartbeat is 1 h). A round older than 2 h was made stale on purpose by the
   * `stale-oracle` scenario and is left alone until `healthy`.
   */
  async keepPriceFresh(clients: VenueClients): Promise<boolean> {
    const [, , , updatedAt] = await clients.public.readContract({
      address: DEVNET_ADDRESSES.ethUsdFeed,
      abi: DevnetAggregatorArtifact.abi,
      functionName: 'latestRoundData',
    });
    const age = nowSeconds() - Number(updatedAt);
    if (age < 50 * 60 || age > 2 * 3_600) return false;
    await admin.freshPrice(clients);
    return true;
  },
  /** Replaces the last `depth` blocks with a competing branch carrying the same transactions (reorg.ts). */
  reorg: (clients: VenueClients, depth: number) => reorgL2(clients, depth),
  /**
   * An hour of one-minute ETH/USD rounds swinging ±15% around 3000, ending now: realised volatility
   * jumps and a day-long window holds a fall big enough to liquidate a 5x long.
   */
  writeVolatileHistory(clients: VenueClients) {
    const now = nowSeconds();
    return admin.pushRounds(
      clients,
      DEVNET_ADDRESSES.ethUsdFeed,
      Array.from({ length: 60 }, (_, k) => ({
        answer: BigInt(Math.round(3000 * (1 + 0.15 * Math.sin(k / 2)) * 100)) * 10n ** 6n,
        at: now - (59 - k) * 60,
      })),
    );
  },
  /** EIP-1559 lets the base fee fall 12.5% per empty block, so a spike fades on its own. */
  spikeGas: (clients: VenueClients) =>
    anvilRpc(clients, 'anvil_setNextBlockBaseFeePerGas', [`0x${(100_000n * 10n ** 9n).toString(16)}`]),
  calmGas: (clients: VenueClients) =>
    anvilRpc(clients, 'anvil_setNextBlockBaseFeePerGas', [`0x${(10n ** 8n).toString(16)}`]),
  /**
   * Publishes a Pyth price (expo −8, like the Chainlink feed) with MockPyth's own update encoding. Pyth
   * keeps only the newest publish time, so an older publish is ignored (as on a real Pyth contract).
   */
  publishPyth(
    clients: VenueClients,
    id: Hex,
    answer: bigint,
    options: { publishTime?: number; confidence?: bigint } = {},
  ) {
    return send(clients, publishPythTx(clients, id, answer, options));
  },
  async freshPrice(clients: VenueClients) {
    const now = nowSeconds();
    const round = await pushRoundTx(clients, DEVNET_ADDRESSES.ethUsdFeed, devnetPrice(24), now, now);
    await mined(clients, [round, await publishPythTx(clients, PYTH_ETH_USD_ID, devnetPrice(24))]);
  },
  async splitOracles(clients: VenueClients) {
    await admin.publishPyth(clients, PYTH_ETH_USD_ID, (devnetPrice(24) * 105n) / 100n);
  },
  /** Writes only when the market holds another value, as fillFund does: a no-op write would cost a block. */
  async setOpenInterest(clients: VenueClients, usd6: bigint) {
    const current = await clients.public.readContract({
      address: DEVNET_ADDRESSES.perpMarket,
      abi: DevnetPerpMarketArtifact.abi,
      functionName: 'openInterest',
    });
    if (current === usd6) return;
    await send(
      clients,
      clients.wallet.writeContract({
        address: DEVNET_ADDRESSES.perpMarket,
        abi: DevnetPerpMarketArtifact.abi,
        functionName: 'setOpenInterest',
        args: [usd6],
      }),
    );
  },
  /**
   * A feed's rounds cannot be taken back, so a calm history is restored by writing a new calm day on
   * top: a walk back over up to 25 h meets only these rounds and never those a scenario wrote before.
   */
  restoreCalmHistory(clients: VenueClients) {
    return admin.pushRounds(clients, DEVNET_ADDRESSES.ethUsdFeed, calmDay(nowSeconds()));
  },
  /** The feed reports a round 50 minutes ahead of the clock (a keeper or aggregator with a bad clock). */
  futureRound(clients: VenueClients) {
    const at = nowSeconds() + 50 * 60;
    return admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, devnetPrice(24), at, at);
  },
  /** ETH crashes through the aggregator's minAnswer: the feed keeps reporting the bound, fresh. */
  pinAtMinAnswer(clients: VenueClients) {
    const now = nowSeconds();
    return admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, DEVNET_ETH_USD_BOUNDS.min, now, now);
  },
};

async function installMulticall3(clients: VenueClients): Promise<void> {
  // Executing the creation code in an eth_call returns the runtime code without spending a nonce,
  // which keeps the deployer's nonces — and so every venue address — fixed.
  const { data } = await clients.public.call({ data: DevnetMulticall3Artifact.bytecode });
  if (!data) throw new Error('could not derive the Multicall3 runtime code');
  await anvilRpc(clients, 'anvil_setCode', [MULTICALL3, data]);
}

/** Deploys the venue in a fixed order so its addresses never change (see DEVNET_ADDRESSES). */
export async function deployVenue(clients: VenueClients): Promise<void> {
  await installMulticall3(clients);
  const deployed = [
    await deploy(clients, DevnetTokenArtifact, ['Devnet USD Coin', 'USDC', 6]),
    await deploy(clients, DevnetAggregatorArtifact, [
      8,
      'ETH / USD',
      DEVNET_ETH_USD_BOUNDS.min,
      DEVNET_ETH_USD_BOUNDS.max,
    ]),
    // Uptime feeds have no price bounds: minAnswer/maxAnswer revert, as on a feed without them.
    await deploy(clients, DevnetAggregatorArtifact, [0, 'L2 Sequencer Uptime Status Feed', 0n, 0n]),
    await deploy(clients, InsuranceFundArtifact, []),
    await deploy(clients, DevnetPerpMarketArtifact, [DEVNET_OPEN_INTEREST]),
    await deploy(clients, DevnetPythArtifact, []),
  ];
  const expected = Object.values(DEVNET_ADDRESSES);
  if (deployed.some((a, i) => a.toLowerCase() !== expected[i]?.toLowerCase())) {
    throw new Error(
      `devnet addresses drifted: deployed ${deployed.join(', ')}, expected ${expected.join(', ')}`,
    );
  }
  const now = nowSeconds();
  for (const round of calmDay(now)) {
    await admin.pushRound(clients, DEVNET_ADDRESSES.ethUsdFeed, round.answer, round.at, round.at);
  }
  await admin.publishPyth(clients, PYTH_ETH_USD_ID, devnetPrice(25), { publishTime: now });
  await admin.setSequencerUp(clients, SEQUENCER_UP_AT_BOOT_SECONDS);
  await admin.fillFund(clients);
}

export interface RunningVenue {
  node: AnvilNode;
  clients: VenueClients;
  /** The L2's second endpoint (a proxy that the rpc-split scenario turns into a diverging fork). */
  replica: Replica;
  l1: RunningL1;
  bridge: RunningBridge;
  stop(): Promise<void>;
}

export async function bootVenue(
  ports: DevnetPorts,
  options: {
    batchIntervalMs?: number;
    /** `output-oracle` boots the legacy bridge (and no governance) for chains that still run it. */
    proofSystem?: ProofSystem;
  } = {},
): Promise<RunningVenue> {
  const proofSystem = options.proofSystem ?? 'fault-proofs';
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portIsFree(port))) {
      throw new DevnetError(`port ${port} on 127.0.0.1 (devnet ${name}) is already in use`, [
        'another devnet may be running (stop it with Ctrl-C), or choose other ports (see --help)',
      ]);
    }
  }
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const part of started.reverse()) await part.stop();
  };
  try {
    const node = await startAnvil({
      port: ports.l2,
      chainId: DEVNET_L2_CHAIN_ID,
      genesisTimestamp: nowSeconds() - HISTORY_SECONDS,
    });
    started.push(node);
    const clients = venueClients(node.url);
    // From the first deployment on, every L2 block sits on the OP Stack grid (see sequencer.ts).
    await stampOnGrid(clients);
    await deployVenue(clients);
    await installL1FeeOracle(clients);
    await startSequencer(clients);
    const stopKeeping = keepOnGrid(clients);
    started.push({ stop: async () => stopKeeping() });
    const l1 = await bootL1({
      port: ports.l1,
      l2: clients,
      batchIntervalMs: options.batchIntervalMs,
      beforeMining: async (l1Clients) => {
        if (proofSystem === 'output-oracle') {
          await deployLegacyBridge(l1Clients, clients);
          return;
        }
        await deployBridge(l1Clients, clients);
        await deployGovernance(l1Clients);
      },
    });
    started.push(l1);
    const bridge = await startProposer({ l1: l1.clients, l2: clients, proofSystem });
    started.push(bridge);
    const replica = await startReplica({
      port: ports.l2Replica,
      primaryUrl: node.url,
      chainId: DEVNET_L2_CHAIN_ID,
    });
    started.push(replica);
    return { node, clients, replica, l1, bridge, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Scenario helpers that touch L1 or the replica, kept beside the venue they act on. */
const superchainAbi = parseAbi([
  'function pause(string identifier)',
  'function unpause()',
  'function paused() view returns (bool)',
]);

const portalGuardianAbi = parseAbi([
  'function respectedGameType() view returns (uint32)',
  'function respectedGameTypeUpdatedAt() view returns (uint64)',
  'function setRespectedGameType(uint32 gameType)',
]);

/** An outsider on L1 (anvil's eighth test account): anyone may create a permissionless game. */
export const outsider = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 7 });

export const l1Admin = {
  stallBatcher: (l1: VenueClients) => setBatcherBalance(l1, 0n),
  fundBatcher: (l1: VenueClients) => setBatcherBalance(l1, BATCHER_BALANCE),
  stallProposer: (l1: VenueClients) => anvilRpc(l1, 'anvil_setBalance', [proposer.address, '0x0']),
  fundProposer: (l1: VenueClients) =>
    anvilRpc(l1, 'anvil_setBalance', [proposer.address, `0x${BATCHER_BALANCE.toString(16)}`]),
  /**
   * The guardian sets the portal's respected game type. Setting it, even to the same type, moves
   * `respectedGameTypeUpdatedAt` to now, which retires every game created before.
   */
  async setRespectedGameType(l1: VenueClients, gameType: number) {
    await send(
      l1,
      l1.wallet.writeContract({
        address: DEVNET_BRIDGE.portal,
        abi: portalGuardianAbi,
        functionName: 'setRespectedGameType',
        args: [gameType],
      }),
    );
  },
  /**
   * Retires every game there is: sets the respected type to itself until the newest game predates the
   * retirement. A game the proposer had in flight can still land at or after the retirement's second
   * (the portal counts a game created at that second as valid), and would keep withdrawals open.
   */
  async retireAllGames(l1: VenueClients) {
    const gameType = await l1Admin.respectedGameType(l1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await l1Admin.setRespectedGameType(l1, gameType);
      const [updatedAt, count] = await Promise.all([
        l1.public.readContract({
          address: DEVNET_BRIDGE.portal,
          abi: portalGuardianAbi,
          functionName: 'respectedGameTypeUpdatedAt',
        }),
        l1.public.readContract({
          address: DEVNET_BRIDGE.disputeGameFactory,
          abi: gameAbi,
          functionName: 'gameCount',
        }),
      ]);
      if (count === 0n) return;
      const [, createdAt] = await l1.public.readContract({
        address: DEVNET_BRIDGE.disputeGameFactory,
        abi: gameAbi,
        functionName: 'gameAtIndex',
        args: [count - 1n],
      });
      if (createdAt < updatedAt) return;
    }
    throw new Error('a dispute game kept landing after its retirement: the proposer is not stalled');
  },
  respectedGameType: (l1: VenueClients) =>
    l1.public.readContract({
      address: DEVNET_BRIDGE.portal,
      abi: portalGuardianAbi,
      functionName: 'respectedGameType',
    }),
  /** Creates a game for a settled L2 block with the honest output root, as the proposer would. */
  async proposeHonestGame(
    l1: VenueClients,
    l2: VenueClients,
    gameType: number = GAME_TYPES.cannon,
    lagBlocks: number = BRIDGE_TIMING.proposalLagBlocks,
  ) {
    const target = (await l2.public.getBlockNumber({ cacheTime: 0 })) - BigInt(lagBlocks);
    const root = await outputRootAt(l2, target);
    if (!(await createGame(l1, proposerWallet(l1), { gameType, root, l2BlockNumber: target })))
      throw new Error(`the devnet proposer could not create a game for L2 block ${target}`);
    return target;
  },
  /** An outsider's game of the permissionless type claiming a garbage root for the L2 head. */
  async proposeGarbageGame(l1: VenueClients, l2: VenueClients) {
    const head = await l2.public.getBlockNumber({ cacheTime: 0 });
    const root = keccak256(stringToHex(`garbage root for L2 block ${head}`));
    if (
      !(await createGame(l1, proposerWallet(l1, outsider), {
        gameType: GAME_TYPES.cannon,
        root,
        l2BlockNumber: head,
      }))
    )
      throw new Error('the outsider could not create a game');
    return { l2BlockNumber: head, root };
  },
  /** The devnet's guardian (the deployer) pauses the SuperchainConfig, which pauses the portal. */
  async setBridgePaused(l1: VenueClients, paused: boolean) {
    const address = DEVNET_BRIDGE.superchainConfig;
    const now = await l1.public.readContract({ address, abi: superchainAbi, functionName: 'paused' });
    if (now === paused) return;
    await send(
      l1,
      paused
        ? l1.wallet.writeContract({
            address,
            abi: superchainAbi,
            functionName: 'pause',
            args: ['l2preflight devnet'],
          })
        : l1.wallet.writeContract({ address, abi: superchainAbi, functionName: 'unpause' }),
    );
  },
};

/** The environment that points checks/devnet.yaml at a devnet on non-default ports. */
export function devnetEnvironment(venue: {
  node: { url: string };
  replica: { url: string };
  l1: { node: { url: string } };
}): Record<string, string> {
  return {
    L2PREFLIGHT_DEVNET_L2_RPC: venue.node.url,
    L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: venue.replica.url,
    L2PREFLIGHT_DEVNET_L1_RPC: venue.l1.node.url,
  };
}
