/**
 * The variables the shipped checklists interpolate, set for fuzzing: without them every input would stop
 * at "variable not set" and the fuzzer would never reach the parts of the loader behind it.
 */
export const FUZZ_ENV: Record<string, string> = {
  ETH_RPC_URL: 'http://127.0.0.1:1',
  L2_RPC_URL: 'http://127.0.0.1:2',
  BASE_RPC_URL: 'http://127.0.0.1:3',
  OP_RPC_URL: 'http://127.0.0.1:4',
  ARB_RPC_URL: 'http://127.0.0.1:5',
};
