export interface ArbitrumDevnetPorts {
  l2: number;
  l1: number;
}

/** Next to the OP Stack devnet's 9545–9547, so both venues can run side by side. */
export const ARBITRUM_DEVNET_PORTS: ArbitrumDevnetPorts = { l2: 9555, l1: 9556 };
