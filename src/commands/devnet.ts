/** `l2preflight devnet up | scenario | demo`. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { suggest } from '../checklist/suggest.js';
import { packageRoot } from '../core/packageRoot.js';
import { ARBITRUM_DEVNET_PORTS, type ArbitrumDevnetPorts } from '../devnet/arbitrum/ports.js';
import {
  batcher,
  DEVNET_ADDRESSES,
  DEVNET_BRIDGE,
  DEVNET_L1_ADDRESSES,
  DEVNET_L1_CHAIN_ID,
  DEVNET_L2_CHAIN_ID,
  DEVNET_PORTS,
  type DevnetPorts,
} from '../devnet/constants.js';
import { SCENARIOS } from '../devnet/scenarios.js';
import { admin, bootVenue, devnetEnvironment, type RunningVenue, venueClients } from '../devnet/venue.js';
import { DevnetError, UsageError } from '../errors.js';

/** The shipped devnet checklist, found relative to the installed package (not the working directory). */
export const DEVNET_CHECKLIST = join(packageRoot(), 'checks', 'devnet.yaml');

function describe(venue: RunningVenue): string {
  const row = (name: string, address: string) => `  ${name.padEnd(20)} ${address}`;
  const lines = [
    `devnet L2 (chain ${DEVNET_L2_CHAIN_ID}) on ${venue.node.url}, replica endpoint ${venue.replica.url}`,
    ...Object.entries(DEVNET_ADDRESSES).map(([name, address]) => row(name, address)),
    `devnet L1 (chain ${DEVNET_L1_CHAIN_ID}) on ${venue.l1.node.url}`,
    ...Object.entries(DEVNET_L1_ADDRESSES).map(([name, address]) => row(name, address)),
    row('batcher', batcher.address),
    ...Object.entries(DEVNET_BRIDGE).map(([name, address]) => row(name, address)),
  ];
  return `${lines.join('\n')}\n`;
}

const isDefault = (ports: DevnetPorts) =>
  ports.l2 === DEVNET_PORTS.l2 && ports.l1 === DEVNET_PORTS.l1 && ports.l2Replica === DEVNET_PORTS.l2Replica;

/** The port flags that `devnet up`, `demo` and `scenario` all take (strings, as commander gives them). */
export interface DevnetPortFlags {
  l2Port?: string;
  l1Port?: string;
  l2ReplicaPort?: string;
}

interface EndpointFlag<K extends string> {
  key: K;
  flag: keyof DevnetPortFlags;
  option: string;
  variable: string;
}

/**
 * Each endpoint's flag, its environment variable (the URLs `devnet up` prints for custom ports, which
 * checks/devnet.yaml reads too), and its default port.
 */
const ENDPOINTS: readonly EndpointFlag<keyof DevnetPorts>[] = [
  { key: 'l2', flag: 'l2Port', option: '--l2-port', variable: 'L2PREFLIGHT_DEVNET_L2_RPC' },
  { key: 'l1', flag: 'l1Port', option: '--l1-port', variable: 'L2PREFLIGHT_DEVNET_L1_RPC' },
  {
    key: 'l2Replica',
    flag: 'l2ReplicaPort',
    option: '--l2-replica-port',
    variable: 'L2PREFLIGHT_DEVNET_L2_REPLICA_RPC',
  },
];

/** The Arbitrum devnet's own variables (checks/devnet-arbitrum.yaml reads them), so both devnets can run at once. */
const ARBITRUM_ENDPOINTS: readonly EndpointFlag<keyof ArbitrumDevnetPorts>[] = [
  { key: 'l2', flag: 'l2Port', option: '--l2-port', variable: 'L2PREFLIGHT_DEVNET_ARB_L2_RPC' },
  { key: 'l1', flag: 'l1Port', option: '--l1-port', variable: 'L2PREFLIGHT_DEVNET_ARB_L1_RPC' },
];

function parsePort(text: string, source: string): number {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError(`${source}: expected a port number 1–65535, got "${text}"`);
  return port;
}

function resolveEndpoints<K extends string>(
  endpoints: readonly EndpointFlag<K>[],
  defaults: Record<K, number>,
  flags: DevnetPortFlags,
  env: NodeJS.ProcessEnv,
): { ports: Record<K, number>; urls: Record<K, string> } {
  const ports = { ...defaults };
  const urls = {} as Record<K, string>;
  for (const endpoint of endpoints) {
    const flag = flags[endpoint.flag];
    const fromEnv = env[endpoint.variable]?.trim();
    if (flag !== undefined) {
      ports[endpoint.key] = parsePort(flag, endpoint.option);
      urls[endpoint.key] = `http://127.0.0.1:${ports[endpoint.key]}`;
    } else if (fromEnv) {
      let url: URL;
      try {
        url = new URL(fromEnv);
      } catch {
        throw new UsageError(
          `${endpoint.variable}: "${fromEnv}" is not a URL (expected http://127.0.0.1:PORT)`,
        );
      }
      ports[endpoint.key] = parsePort(
        url.port || (url.protocol === 'https:' ? '443' : '80'),
        endpoint.variable,
      );
      urls[endpoint.key] = fromEnv;
    } else {
      urls[endpoint.key] = `http://127.0.0.1:${ports[endpoint.key]}`;
    }
  }
  return { ports, urls };
}

/**
 * Where the devnet's endpoints are, read one way by every devnet command: a port flag wins, then the
 * L2PREFLIGHT_DEVNET_* variable (the URL; its port for `up`), then the default. So the line that
 * `devnet up` prints for custom ports, exported once, points `run`, `scenario` and `up` at one devnet.
 */
export function devnetEndpoints(flags: DevnetPortFlags, env: NodeJS.ProcessEnv = process.env) {
  return resolveEndpoints(ENDPOINTS, DEVNET_PORTS, flags, env);
}

/** The same for the Arbitrum devnet (`--stack arbitrum`): its own defaults and variables. */
export function arbitrumDevnetEndpoints(flags: DevnetPortFlags, env: NodeJS.ProcessEnv = process.env) {
  if (flags.l2ReplicaPort !== undefined)
    throw new UsageError('--l2-replica-port: the Arbitrum devnet has no second L2 endpoint');
  return resolveEndpoints(ARBITRUM_ENDPOINTS, ARBITRUM_DEVNET_PORTS, flags, env);
}

/** The port flags for these ports, as a user would type them. */
const portFlags = (ports: DevnetPorts) =>
  ENDPOINTS.map((endpoint) => `${endpoint.option} ${ports[endpoint.key]}`).join(' ');

/** Resolves on Ctrl-C or SIGTERM: `devnet up` runs in the foreground until then. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function devnetUpCommand(options: {
  ports: DevnetPorts;
  write: (text: string) => void;
}): Promise<number> {
  const started = performance.now();
  const venue = await bootVenue(options.ports);
  options.write(describe(venue));
  const env = Object.entries(devnetEnvironment(venue))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  options.write(
    `ready in ${Math.round(performance.now() - started)} ms. In another terminal:\n` +
      `  ${isDefault(options.ports) ? '' : `${env} `}l2preflight run checks/devnet.yaml\n` +
      `  l2preflight devnet scenario stale-oracle${isDefault(options.ports) ? '' : ` ${portFlags(options.ports)}`}   (then: healthy)\n` +
      (isDefault(options.ports) ? '' : `  (or export ${env} once: run and devnet scenario both read it)\n`) +
      'Ctrl-C stops the devnet.\n',
  );
  const keeper = setInterval(() => {
    admin.keepPriceFresh(venue.clients).catch(() => {
      // a scenario may have halted mining; the next tick tries again
    });
  }, 60_000);
  await untilStopped();
  clearInterval(keeper);
  await venue.stop();
  options.write('devnet stopped\n');
  return 0;
}

export async function devnetScenarioCommand(
  name: string,
  flags: DevnetPortFlags & { l2Rpc?: string; l1Rpc?: string; l2ReplicaRpc?: string; depth?: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) {
    const hint = suggest(name, Object.keys(SCENARIOS));
    throw new UsageError(`unknown scenario "${name}"${hint ? `; did you mean "${hint}"?` : ''}`, [
      ...Object.entries(SCENARIOS).map(([n, s]) => `  ${n.padEnd(16)} ${s.summary}`),
    ]);
  }
  if (flags.depth !== undefined && (!Number.isInteger(flags.depth) || flags.depth < 1))
    throw new UsageError('--depth: expected a whole number >= 1');
  // The URL flags, older than the port flags, still win: they name a devnet on another host too.
  const { urls } = devnetEndpoints(flags, env);
  const options = {
    l2Rpc: flags.l2Rpc ?? urls.l2,
    l1Rpc: flags.l1Rpc ?? urls.l1,
    l2ReplicaRpc: flags.l2ReplicaRpc ?? urls.l2Replica,
    depth: flags.depth,
  };
  const target = {
    l2: venueClients(options.l2Rpc),
    l1: venueClients(options.l1Rpc, DEVNET_L1_CHAIN_ID),
    replicaUrl: options.l2ReplicaRpc,
  };
  try {
    return `${await scenario.apply(target, options)}\n`;
  } catch (error) {
    throw new DevnetError(`could not apply scenario "${name}" to the devnet at ${options.l2Rpc}`, [
      'is `l2preflight devnet up` running?',
      (error as Error).message.split('\n')[0] ?? '',
    ]);
  }
}

export interface DemoOptions {
  version: string;
  stdoutColor: boolean;
  width?: number;
  wide?: boolean;
  write: (text: string) => void;
  log?: (text: string) => void;
}

/**
 * What `devnet demo` does once a venue is up, for either stack: describe it, run its checklist in a
 * throwaway state directory (a fresh devnet is a new chain: its history stays out of real runs' way),
 * and take the venue down whatever happens.
 */
export async function runDemo(
  venue: { environment: Record<string, string>; description: string; stop(): Promise<void> },
  checklist: string,
  options: DemoOptions,
): Promise<number> {
  const stop = () => void venue.stop();
  process.once('SIGINT', stop);
  try {
    Object.assign(process.env, venue.environment);
    process.stderr.write(venue.description);
    const { runCommand } = await import('./run.js');
    const state = await mkdtemp(join(tmpdir(), 'l2preflight-demo-'));
    return await runCommand(relative(process.cwd(), checklist) || checklist, {
      state,
      version: options.version,
      stdoutColor: options.stdoutColor,
      stderrIsTty: false,
      width: options.width,
      wide: options.wide,
      write: options.write,
      log: options.log,
    });
  } finally {
    process.off('SIGINT', stop);
    await venue.stop();
    process.stderr.write('devnet stopped\n');
  }
}

export async function devnetDemoCommand(options: DemoOptions & { ports: DevnetPorts }): Promise<number> {
  process.stderr.write('starting the local devnet venue (anvil)…\n');
  const venue = await bootVenue(options.ports);
  return runDemo(
    { environment: devnetEnvironment(venue), description: describe(venue), stop: venue.stop },
    DEVNET_CHECKLIST,
    options,
  );
}
