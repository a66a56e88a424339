/**
 * The OP Stack fee predeploys on the devnet L2: the real GasPriceOracle and L1Block from
 * @eth-optimism/contracts-bedrock at their predeploy addresses, Ecotone and Fjord active, so an
 * `op-stack` checklist prices the L1 data fee exactly as on OP Mainnet or Base (viem's estimateL1Fee →
 * GasPriceOracle.getL1Fee → the Fjord formula over L1Block's fees). On a real chain the sequencer's
 * L1-attributes deposit updates L1Block every block; the devnet plays the depositor when the fees change.
 */
import { type Address, concat, encodeFunctionData, encodePacked, type Hex, parseAbi, parseGwei } from 'viem';
import { RECEIPT_TIMEOUT_MS } from './constants.js';
import { bedrockPredeployCode } from './packageArtifacts.js';
import { anvilRpc, type VenueClients } from './venue-clients.js';

export const GAS_PRICE_ORACLE: Address = '0x420000000000000000000000000000000000000F';
export const L1_BLOCK: Address = '0x4200000000000000000000000000000000000015';
/** The system address that sends L1-attributes deposits (contracts-bedrock Constants.DEPOSITOR_ACCOUNT). */
export const DEPOSITOR: Address = '0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001';

export interface L1Fees {
  baseFee: bigint;
  blobBaseFee: bigint;
}

/**
 * Scalars of the order OP Stack chains post to blobs with (Ecotone: the base fee scalar weighs L1
 * calldata, the blob scalar blob space). Illustrative devnet values, not any chain's configuration.
 */
const SCALARS = { baseFeeScalar: 2_269, blobBaseFeeScalar: 1_055_762 } as const;

export const CALM_L1_FEES: L1Fees = { baseFee: parseGwei('10'), blobBaseFee: parseGwei('1') };
/** A congested L1: at these fees one 500-byte L2 transaction pays about 0.005 ETH of L1 data fee. */
export const SPIKED_L1_FEES: L1Fees = { baseFee: parseGwei('200'), blobBaseFee: parseGwei('10000') };

const gasPriceOracleAbi = parseAbi(['function setEcotone()', 'function setFjord()']);
/** setL1BlockValuesEcotone() takes its arguments packed after the selector, not ABI-encoded. */
const SET_L1_BLOCK_VALUES_ECOTONE: Hex = '0x440a5e20';

/** Sends a system call as the depositor (impersonated; funded so even a gas spike cannot stop it). */
async function sendAsDepositor(l2: VenueClients, to: Address, data: Hex): Promise<void> {
  await anvilRpc(l2, 'anvil_impersonateAccount', [DEPOSITOR]);
  await anvilRpc(l2, 'anvil_setBalance', [DEPOSITOR, `0x${(10n ** 24n).toString(16)}`]);
  const hash = await anvilRpc<Hex>(l2, 'eth_sendTransaction', [
    { from: DEPOSITOR, to, data, gas: '0x100000' },
  ]);
  const receipt = await l2.public.waitForTransactionReceipt({
    hash,
    pollingInterval: 50,
    timeout: RECEIPT_TIMEOUT_MS,
  });
  if (receipt.status !== 'success') throw new Error(`devnet L1-attributes call to ${to} reverted`);
}

/** What L1Block records of the L1 origin: the fees the GasPriceOracle prices L1 data with. */
export async function setL1Fees(l2: VenueClients, fees: L1Fees): Promise<void> {
  const head = await l2.public.getBlock({ blockTag: 'latest' });
  const values = encodePacked(
    ['uint32', 'uint32', 'uint64', 'uint64', 'uint64', 'uint256', 'uint256', 'bytes32', 'bytes32'],
    [
      SCALARS.baseFeeScalar,
      SCALARS.blobBaseFeeScalar,
      0n,
      head.timestamp,
      head.number,
      fees.baseFee,
      fees.blobBaseFee,
      head.hash,
      `0x${'00'.repeat(32)}`,
    ],
  );
  await sendAsDepositor(l2, L1_BLOCK, concat([SET_L1_BLOCK_VALUES_ECOTONE, values]));
}

/** Puts both predeploys in place, activates Ecotone and Fjord, and records calm L1 fees. */
export async function installL1FeeOracle(l2: VenueClients): Promise<void> {
  const [gasPriceOracle, l1Block] = await Promise.all([
    bedrockPredeployCode('GasPriceOracle'),
    bedrockPredeployCode('L1Block'),
  ]);
  await anvilRpc(l2, 'anvil_setCode', [GAS_PRICE_ORACLE, gasPriceOracle]);
  await anvilRpc(l2, 'anvil_setCode', [L1_BLOCK, l1Block]);
  for (const functionName of ['setEcotone', 'setFjord'] as const)
    await sendAsDepositor(l2, GAS_PRICE_ORACLE, encodeFunctionData({ abi: gasPriceOracleAbi, functionName }));
  await setL1Fees(l2, CALM_L1_FEES);
}
