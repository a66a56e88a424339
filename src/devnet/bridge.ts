/**
 * The real OP Stack bridge on the devnet: OptimismPortal and L2OutputOracle behind Proxies, with
 * SuperchainConfig and SystemConfig, on L1; L2ToL1MessagePasser at its predeploy address on L2; and
 * a proposer that posts output roots for new L2 blocks. The compiled contracts come from the npm
 * package @eth-optimism/contracts-bedrock (its shipped forge artifacts), loaded only when the devnet
 * starts. Recipe: ../shared/VENUE-NOTES.md ("A real OP Stack withdrawal on two anvil nodes").
 */
import {
  type Address,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
} from 'viem';
import { DevnetMulticall3Artifact } from './artifacts.generated.js';
import { DEVNET_BRIDGE, deployer, L2_TO_L1_MESSAGE_PASSER, MULTICALL3, proposer } from './constants.js';
import { bedrockArtifact as artifact, type ForgeArtifact } from './packageArtifacts.js';
import { anvilRpc, deploy, send, type VenueClients } from './venue-clients.js';

/** Devnet timing: fast enough that a whole withdrawal drill runs in well under a minute. */
export const BRIDGE_TIMING = {
  submissionInterval: 10,
  l2BlockTime: 1,
  finalizationPeriodSeconds: 12,
} as const;

const l2ooAbi = [
  {
    type: 'function',
    name: 'nextBlockNumber',
    stateMutability: 'view',
    inputs: [],
    outputs: [{ type: 'uint256' }],
  },
  {
    type: 'function',
    name: 'proposeL2Output',
    stateMutability: 'payable',
    inputs: [
      { name: 'outputRoot', type: 'bytes32' },
      { name: 'l2BlockNumber', type: 'uint256' },
      { name: 'l1BlockHash', type: 'bytes32' },
      { name: 'l1BlockNumber', type: 'uint256' },
    ],
    outputs: [],
  },
] as const;

/** Deploys an implementation behind an OP Proxy and initializes it through upgradeToAndCall. */
async function proxied(
  l1: VenueClients,
  name: string,
  init: { functionName: string; args: unknown[] },
  proxy: ForgeArtifact,
) {
  const impl = await artifact(name);
  const implementation = await deploy(l1, { abi: impl.abi, bytecode: impl.bytecode.object }, []);
  const address = await deploy(l1, { abi: proxy.abi, bytecode: proxy.bytecode.object }, [deployer.address]);
  const data = encodeFunctionData({
    abi: impl.abi,
    functionName: init.functionName,
    args: init.args,
  } as never);
  await send(
    l1,
    l1.wallet.writeContract({
      address,
      abi: proxy.abi,
      functionName: 'upgradeToAndCall',
      args: [implementation, data],
    } as never),
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

export interface RunningBridge {
  /** Proposes every output the L2 head allows now (tests use it to control timing). */
  proposeUpToHead(): Promise<number>;
  stop(): Promise<void>;
}

/** Deploys the bridge; call while L1 still automines (deployment is ten transactions). */
export async function deployBridge(l1: VenueClients, l2: VenueClients): Promise<void> {
  const { bytecode: multicall } = DevnetMulticall3Artifact;
  const { data: runtime } = await l1.public.call({ data: multicall });
  await anvilRpc(l1, 'anvil_setCode', [MULTICALL3, runtime]);
  const messagePasser = await artifact('L2ToL1MessagePasser');
  await anvilRpc(l2, 'anvil_setCode', [L2_TO_L1_MESSAGE_PASSER, messagePasser.deployedBytecode.object]);

  const proxy = await artifact('Proxy');
  const superchainConfig = await proxied(
    l1,
    'SuperchainConfig',
    { functionName: 'initialize', args: [deployer.address, false] },
    proxy,
  );
  const systemConfigArtifact = await artifact('SystemConfig');
  const systemConfig = await deploy(
    l1,
    { abi: systemConfigArtifact.abi, bytecode: systemConfigArtifact.bytecode.object },
    [],
  );
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
  const deployed = { superchainConfig, systemConfig, l2OutputOracle, portal };
  for (const [name, address] of Object.entries(deployed)) {
    if (address.toLowerCase() !== DEVNET_BRIDGE[name as keyof typeof DEVNET_BRIDGE].toLowerCase()) {
      throw new Error(
        `devnet bridge address drifted: ${name} at ${address}, expected ${DEVNET_BRIDGE[name as keyof typeof DEVNET_BRIDGE]}`,
      );
    }
  }
  // The portal pays out finalized withdrawals; there are no deposits on the devnet to fund it.
  await anvilRpc(l1, 'anvil_setBalance', [portal, `0x${(1_000n * 10n ** 18n).toString(16)}`]);
}

/** The devnet proposer: posts every output root the L2 head allows, every `proposeEveryMs`. */
export async function startProposer(options: {
  l1: VenueClients;
  l2: VenueClients;
  proposeEveryMs?: number;
}): Promise<RunningBridge> {
  const { l1, l2 } = options;
  const l2OutputOracle = DEVNET_BRIDGE.l2OutputOracle;
  const wallet = createWalletClient({ chain: l1.wallet.chain, transport: http(l1.url), account: proposer });
  let proposing = false;
  const proposeUpToHead = async () => {
    if (proposing) return 0;
    proposing = true;
    let proposed = 0;
    try {
      for (;;) {
        const next = await l1.public.readContract({
          address: l2OutputOracle,
          abi: l2ooAbi,
          functionName: 'nextBlockNumber',
        });
        const l2Head = await l2.public.getBlockNumber({ cacheTime: 0 });
        if (l2Head < next) return proposed;
        const hash = await wallet.writeContract({
          address: l2OutputOracle,
          abi: l2ooAbi,
          functionName: 'proposeL2Output',
          args: [await outputRootAt(l2, next), next, `0x${'0'.repeat(64)}`, 0n],
        });
        const receipt = await l1.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
        if (receipt.status !== 'success') return proposed;
        proposed += 1;
      }
    } finally {
      proposing = false;
    }
  };
  await proposeUpToHead();
  const timer = setInterval(() => {
    // A proposer without L1 funds (proposer-stalled) fails to propose: that is the scenario.
    proposeUpToHead().catch(() => {});
  }, options.proposeEveryMs ?? 2_000);
  timer.unref();
  return { proposeUpToHead, stop: async () => clearInterval(timer) };
}

export type { Address };
