/** `l2preflight devnet up | scenario | demo --stack arbitrum`: the Arbitrum devnet's commands. */
import { join } from 'node:path';
import { suggest } from '../checklist/suggest.js';
import { packageRoot } from '../core/packageRoot.js';
import { ARBITRUM_DEVNET_CONTRACTS } from '../devnet/arbitrum/addresses.js';
import { ARBITRUM_DEVNET_CHAIN_ID, arbBatchPoster, arbValidator } from '../devnet/arbitrum/deploy.js';
import { ARBITRUM_DEVNET_PORTS, type ArbitrumDevnetPorts } from '../devnet/arbitrum/ports.js';
import { ARBITRUM_SCENARIOS } from '../devnet/arbitrum/scenarios.js';
import { bootArbitrumVenue, type RunningArbitrumVenue } from '../devnet/arbitrum/venue.js';
import { DEVNET_L1_CHAIN_ID } from '../devnet/constants.js';
import { venueClients } from '../devnet/venue-clients.js';
import { DevnetError, UsageError } from '../errors.js';
import {
  arbitrumDevnetEndpoints,
  type DemoOptions,
  type DevnetPortFlags,
  runDemo,
  untilStopped,
} from './devnet.js';

/** The shipped Arbitrum devnet checklist, found relative to the installed package. */
export const ARBITRUM_DEVNET_CHECKLIST = join(packageRoot(), 'checks', 'devnet-arbitrum.yaml');

/** The variables checks/devnet-arbitrum.yaml reads, for a devnet on other ports. */
function environment(venue: RunningArbitrumVenue): Record<string, string> {
  return {
    L2PREFLIGHT_DEVNET_ARB_L2_RPC: venue.l2.node.url,
    L2PREFLIGHT_DEVNET_ARB_L1_RPC: venue.l1.node.url,
  };
}

function describe(venue: RunningArbitrumVenue): string {
  const row = (name: string, address: string) => `  ${name.padEnd(20)} ${address}`;
  return `${[
    `Arbitrum devnet L2 (chain ${ARBITRUM_DEVNET_CHAIN_ID}, plain EVM: no ArbOS) on ${venue.l2.node.url}`,
    `Arbitrum devnet L1 (chain ${DEVNET_L1_CHAIN_ID}) on ${venue.l1.node.url}: nitro-contracts 3.2.0 (BoLD)`,
    ...Object.entries(ARBITRUM_DEVNET_CONTRACTS).map(([name, address]) => row(name, address)),
    row('batchPoster', arbBatchPoster.address),
    row('validator', arbValidator.address),
    `deployed ${venue.arb.figures.contractsCreated} contracts in ${venue.arb.figures.deploymentTxs} transactions (${venue.arb.figures.wallMs} ms)`,
  ].join('\n')}\n`;
}

const isDefault = (ports: ArbitrumDevnetPorts) =>
  ports.l1 === ARBITRUM_DEVNET_PORTS.l1 && ports.l2 === ARBITRUM_DEVNET_PORTS.l2;

export async function arbitrumUpCommand(options: {
  ports: ArbitrumDevnetPorts;
  write: (text: string) => void;
}): Promise<number> {
  const started = performance.now();
  const venue = await bootArbitrumVenue(options.ports);
  options.write(describe(venue));
  const env = Object.entries(environment(venue))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const ports = isDefault(options.ports)
    ? ''
    : ` --l2-port ${options.ports.l2} --l1-port ${options.ports.l1}`;
  options.write(
    `ready in ${Math.round(performance.now() - started)} ms. In another terminal:\n` +
      `  ${isDefault(options.ports) ? '' : `${env} `}l2preflight run checks/devnet-arbitrum.yaml\n` +
      `  l2preflight devnet scenario rollup-paused --stack arbitrum${ports}   (then: healthy)\n` +
      'Ctrl-C stops the devnet.\n',
  );
  await untilStopped();
  await venue.stop();
  options.write('devnet stopped\n');
  return 0;
}

export async function arbitrumScenarioCommand(
  name: string,
  flags: DevnetPortFlags & { l1Rpc?: string },
  progress: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const scenario = ARBITRUM_SCENARIOS[name];
  if (!scenario) {
    const hint = suggest(name, Object.keys(ARBITRUM_SCENARIOS));
    throw new UsageError(
      `unknown Arbitrum devnet scenario "${name}"${hint ? `; did you mean "${hint}"?` : ''}`,
      Object.entries(ARBITRUM_SCENARIOS).map(([n, s]) => `  ${n.padEnd(20)} ${s.summary}`),
    );
  }
  const l1Rpc = flags.l1Rpc ?? arbitrumDevnetEndpoints(flags, env).urls.l1;
  try {
    return `${await scenario.apply({ l1: venueClients(l1Rpc, DEVNET_L1_CHAIN_ID), progress })}\n`;
  } catch (error) {
    throw new DevnetError(`could not apply scenario "${name}" to the Arbitrum devnet at ${l1Rpc}`, [
      'is `l2preflight devnet up --stack arbitrum` running?',
      (error as Error).message.split('\n')[0] ?? '',
    ]);
  }
}

export async function arbitrumDemoCommand(
  options: DemoOptions & { ports: ArbitrumDevnetPorts },
): Promise<number> {
  process.stderr.write('starting the local Arbitrum devnet (anvil, nitro-contracts)…\n');
  const venue = await bootArbitrumVenue(options.ports);
  return runDemo(
    { environment: environment(venue), description: describe(venue), stop: venue.stop },
    ARBITRUM_DEVNET_CHECKLIST,
    options,
  );
}
