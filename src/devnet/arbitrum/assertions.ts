/**
 * The devnet's BoLD validator: posts assertions to the real rollup and confirms them once their
 * confirm period has passed, through the same RollupUserLogic calls a nitro validator makes
 * (newStakeOnNewAssertion, stakeOnNewAssertion, confirmAssertion), from the allow-listed `arbValidator`.
 *
 * No L2 runs behind the devnet rollup, so an assertion's after state carries placeholder L2 block
 * hashes and send roots (derived from its inbox position). Nothing checks them unless someone opens a
 * challenge, and nobody does on the devnet; the rollup itself checks everything else (inbox positions,
 * the inbox accumulator, the parent's config hash, stake, the confirm deadline).
 *
 * Assertion data is read back from the rollup's AssertionCreated logs, searched from block 0: fine on
 * an anvil devnet with a few thousand blocks, not something to do against a public chain.
 */
import {
  type Address,
  createWalletClient,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  http,
  keccak256,
  parseAbi,
  parseAbiParameters,
  stringToHex,
  zeroHash,
} from 'viem';
import { RECEIPT_TIMEOUT_MS } from '../constants.js';
import { type VenueClients, venueClients } from '../venue-clients.js';
import { type ArbitrumDeployment, arbValidator } from './deploy.js';

export interface PostedAssertion {
  hash: Hex;
  parent: Hex;
  block: bigint;
  tx: Hex;
}

const STRUCTS = [
  'struct GlobalState { bytes32[2] bytes32Vals; uint64[2] u64Vals; }',
  'struct AssertionState { GlobalState globalState; uint8 machineStatus; bytes32 endHistoryRoot; }',
  'struct ConfigData { bytes32 wasmModuleRoot; uint256 requiredStake; address challengeManager; uint64 confirmPeriodBlocks; uint64 nextInboxPosition; }',
  'struct BeforeStateData { bytes32 prevPrevAssertionHash; bytes32 sequencerBatchAcc; ConfigData configData; }',
  'struct AssertionInputs { BeforeStateData beforeStateData; AssertionState beforeState; AssertionState afterState; }',
  'struct AssertionNode { uint64 firstChildBlock; uint64 secondChildBlock; uint64 createdAtBlock; bool isFirstChild; uint8 status; bytes32 configHash; }',
] as const;

/** The RollupUserLogic / RollupCore surface the validator uses (nitro-contracts 3.2.0 signatures). */
export const rollupValidatorAbi = parseAbi([
  ...STRUCTS,
  'event AssertionCreated(bytes32 indexed assertionHash, bytes32 indexed parentAssertionHash, AssertionInputs assertion, bytes32 afterInboxBatchAcc, uint256 inboxMaxCount, bytes32 wasmModuleRoot, uint256 requiredStake, address challengeManager, uint64 confirmPeriodBlocks)',
  'function latestConfirmed() view returns (bytes32)',
  'function isStaked(address staker) view returns (bool)',
  'function latestStakedAssertion(address staker) view returns (bytes32)',
  'function getAssertion(bytes32 assertionHash) view returns (AssertionNode)',
  'function newStakeOnNewAssertion(uint256 tokenAmount, AssertionInputs assertion, bytes32 expectedAssertionHash)',
  'function stakeOnNewAssertion(AssertionInputs assertion, bytes32 expectedAssertionHash)',
  'function confirmAssertion(bytes32 assertionHash, bytes32 prevAssertionHash, AssertionState confirmState, bytes32 winningEdgeId, ConfigData prevConfig, bytes32 inboxAcc)',
]);

const bridgeAbi = parseAbi([
  'function sequencerMessageCount() view returns (uint256)',
  'function sequencerInboxAccs(uint256 index) view returns (bytes32)',
]);

const wethAbi = parseAbi([
  'function deposit() payable',
  'function approve(address spender, uint256 amount) returns (bool)',
]);

/** MachineStatus.FINISHED: the machine consumed every message up to the target inbox position. */
const MACHINE_FINISHED = 1;
/** AssertionStatus.Pending. */
const PENDING = 1;
/** Any fixed hash: no history commitment is checked without a challenge. */
const END_HISTORY_ROOT = keccak256(stringToHex('l2preflight devnet arbitrum end history root'));

type AssertionState = {
  globalState: { bytes32Vals: readonly [Hex, Hex]; u64Vals: readonly [bigint, bigint] };
  machineStatus: number;
  endHistoryRoot: Hex;
};

/** What the rollup recorded when it created an assertion: everything a child or a confirmation needs. */
interface CreatedAssertion {
  hash: Hex;
  parent: Hex;
  afterState: AssertionState;
  afterInboxBatchAcc: Hex;
  /** The config a child must present as its beforeStateData.configData (validated against configHash). */
  config: {
    wasmModuleRoot: Hex;
    requiredStake: bigint;
    challengeManager: Address;
    confirmPeriodBlocks: bigint;
    nextInboxPosition: bigint;
  };
  block: bigint;
}

async function createdAssertions(l1: VenueClients, rollup: Address): Promise<CreatedAssertion[]> {
  const logs = await l1.public.getContractEvents({
    address: rollup,
    abi: rollupValidatorAbi,
    eventName: 'AssertionCreated',
    fromBlock: 0n,
    toBlock: 'latest',
    strict: true,
  });
  return logs.map((log) => ({
    hash: log.args.assertionHash,
    parent: log.args.parentAssertionHash,
    afterState: log.args.assertion.afterState,
    afterInboxBatchAcc: log.args.afterInboxBatchAcc,
    config: {
      wasmModuleRoot: log.args.wasmModuleRoot,
      requiredStake: log.args.requiredStake,
      challengeManager: log.args.challengeManager,
      confirmPeriodBlocks: log.args.confirmPeriodBlocks,
      nextInboxPosition: log.args.inboxMaxCount,
    },
    block: log.blockNumber,
  }));
}

function find(assertions: CreatedAssertion[], hash: Hex): CreatedAssertion {
  const found = assertions.find((a) => a.hash === hash);
  if (!found) throw new Error(`the rollup emitted no AssertionCreated for ${hash}`);
  return found;
}

/** RollupLib.assertionHash: keccak(parent ‖ keccak(abi.encode(afterState)) ‖ inboxAcc). */
export function assertionHash(parent: Hex, afterState: AssertionState, inboxAcc: Hex): Hex {
  const stateHash = keccak256(
    encodeAbiParameters(
      parseAbiParameters([
        'AssertionState',
        'struct GlobalState { bytes32[2] bytes32Vals; uint64[2] u64Vals; }',
        'struct AssertionState { GlobalState globalState; uint8 machineStatus; bytes32 endHistoryRoot; }',
      ]),
      [afterState],
    ),
  );
  return keccak256(encodePacked(['bytes32', 'bytes32', 'bytes32'], [parent, stateHash, inboxAcc]));
}

function validatorWallet(l1Url: string, l1: VenueClients) {
  return createWalletClient({ chain: l1.wallet.chain, transport: http(l1Url), account: arbValidator });
}

async function mined(l1: VenueClients, hash: Hex, what: string): Promise<bigint> {
  const receipt = await l1.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`arbitrum devnet ${what} (${hash}) reverted`);
  return receipt.blockNumber;
}

/**
 * Posts the next assertion on top of the newest assertion the validator made (or, before it staked,
 * the latest confirmed one: genesis on a fresh rollup), consuming every sequencer message up to its
 * parent's nextInboxPosition (the parent's AssertionCreated inboxMaxCount), as a non-overflow
 * assertion must. The first call stakes (wraps ETH into the stake token, approves the rollup,
 * newStakeOnNewAssertion); later calls use stakeOnNewAssertion. Throws if the inbox does not yet hold
 * the messages the assertion must consume: post a batch first (one batch per assertion keeps up).
 */
export async function postAssertion(
  l1Url: string,
  l1ChainId: number,
  arb: Pick<ArbitrumDeployment, 'rollup' | 'bridge' | 'stakeToken'>,
): Promise<PostedAssertion> {
  const l1 = venueClients(l1Url, l1ChainId);
  const validator = validatorWallet(l1Url, l1);
  const staked = await l1.public.readContract({
    address: arb.rollup,
    abi: rollupValidatorAbi,
    functionName: 'isStaked',
    args: [arbValidator.address],
  });
  const parentHash = await l1.public.readContract({
    address: arb.rollup,
    abi: rollupValidatorAbi,
    ...(staked
      ? { functionName: 'latestStakedAssertion', args: [arbValidator.address] }
      : { functionName: 'latestConfirmed' }),
  });
  const parent = find(await createdAssertions(l1, arb.rollup), parentHash);
  const target = parent.config.nextInboxPosition;
  const inboxCount = await l1.public.readContract({
    address: arb.bridge,
    abi: bridgeAbi,
    functionName: 'sequencerMessageCount',
  });
  if (inboxCount < target)
    throw new Error(
      `the next assertion must consume ${target} sequencer message(s) but the inbox holds ${inboxCount}: post a batch first`,
    );
  const inboxAcc = await l1.public.readContract({
    address: arb.bridge,
    abi: bridgeAbi,
    functionName: 'sequencerInboxAccs',
    args: [target - 1n],
  });
  const afterState: AssertionState = {
    globalState: {
      // Placeholder L2 block hash and send root: deterministic per inbox position, never verified
      // without a challenge (no L2 executes the devnet's batches).
      bytes32Vals: [
        keccak256(stringToHex(`l2preflight devnet arbitrum block hash ${target}`)),
        keccak256(stringToHex(`l2preflight devnet arbitrum send root ${target}`)),
      ],
      u64Vals: [target, 0n],
    },
    machineStatus: MACHINE_FINISHED,
    endHistoryRoot: END_HISTORY_ROOT,
  };
  const inputs = {
    beforeStateData: {
      prevPrevAssertionHash: parent.parent,
      sequencerBatchAcc: parent.afterInboxBatchAcc,
      configData: parent.config,
    },
    beforeState: parent.afterState,
    afterState,
  };
  const expected = assertionHash(parent.hash, afterState, inboxAcc);
  let tx: Hex;
  if (staked) {
    tx = await validator.writeContract({
      address: arb.rollup,
      abi: rollupValidatorAbi,
      functionName: 'stakeOnNewAssertion',
      args: [inputs, expected],
    });
  } else {
    const stake = parent.config.requiredStake;
    await mined(
      l1,
      await validator.writeContract({
        address: arb.stakeToken,
        abi: wethAbi,
        functionName: 'deposit',
        value: stake,
      }),
      'stake token deposit',
    );
    await mined(
      l1,
      await validator.writeContract({
        address: arb.stakeToken,
        abi: wethAbi,
        functionName: 'approve',
        args: [arb.rollup, stake],
      }),
      'stake token approval',
    );
    tx = await validator.writeContract({
      address: arb.rollup,
      abi: rollupValidatorAbi,
      functionName: 'newStakeOnNewAssertion',
      args: [stake, inputs, expected],
    });
  }
  const block = await mined(l1, tx, `assertion on ${parent.hash}`);
  return { hash: expected, parent: parent.hash, block, tx };
}

/**
 * Confirms, in order from latestConfirmed, every pending child assertion whose confirm period has
 * passed; returns the confirmed hashes (empty when none is due). Stops at an assertion with a sibling:
 * only a won challenge confirms one of two children, and the devnet plays none.
 */
export async function confirmDueAssertions(
  l1Url: string,
  l1ChainId: number,
  arb: Pick<ArbitrumDeployment, 'rollup'>,
): Promise<Hex[]> {
  const l1 = venueClients(l1Url, l1ChainId);
  const validator = validatorWallet(l1Url, l1);
  const assertions = await createdAssertions(l1, arb.rollup);
  let confirmed = await l1.public.readContract({
    address: arb.rollup,
    abi: rollupValidatorAbi,
    functionName: 'latestConfirmed',
  });
  const done: Hex[] = [];
  for (;;) {
    const children = assertions.filter((a) => a.parent === confirmed);
    const [child] = children;
    if (children.length !== 1 || !child) return done;
    const parent = find(assertions, confirmed);
    const node = await l1.public.readContract({
      address: arb.rollup,
      abi: rollupValidatorAbi,
      functionName: 'getAssertion',
      args: [child.hash],
    });
    if (node.status !== PENDING) return done;
    // The confirmation lands in the block after the head at the earliest (automine or interval
    // mining); the rollup requires block.number >= createdAtBlock + the parent's confirmPeriodBlocks.
    const head = await l1.public.getBlockNumber();
    if (head + 1n < node.createdAtBlock + parent.config.confirmPeriodBlocks) return done;
    await mined(
      l1,
      await validator.writeContract({
        address: arb.rollup,
        abi: rollupValidatorAbi,
        functionName: 'confirmAssertion',
        args: [child.hash, parent.hash, child.afterState, zeroHash, parent.config, child.afterInboxBatchAcc],
      }),
      `confirmation of ${child.hash}`,
    );
    done.push(child.hash);
    confirmed = child.hash;
  }
}
