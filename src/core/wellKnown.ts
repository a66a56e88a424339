/** Addresses that are the same on every chain that has them. */

/** Multicall3, deployed at one address across EVM chains (its deployment uses a keyless transaction). */
export const MULTICALL3 = '0xcA11bde05977b3631167028862bE2a173976CA11' as const;

/** OP Stack predeploy L2ToL1MessagePasser (OP Stack specs, predeploys). */
export const L2_TO_L1_MESSAGE_PASSER = '0x4200000000000000000000000000000000000016' as const;
