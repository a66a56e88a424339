/** `l2preflight devnet up | scenario | demo`. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suggest } from '../checklist/suggest.js';
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
export const DEVNET_CHECKLIST = fileURLToPath(new URL('../../checks/devnet.yaml', import.meta.url));

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
      `  l2preflight devnet scenario stale-oracle   (then: healthy)\n` +
      'Ctrl-C stops the devnet.\n',
  );
  const keeper = setInterval(() => {
    admin.keepPriceFresh(venue.clients).catch(() => {
      // a scenario may have halted mining; the next tick tries again
    });
  }, 60_000);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(keeper);
  await venue.stop();
  options.write('devnet stopped\n');
  return 0;
}

export async function devnetScenarioCommand(
  name: string,
  options: { l2Rpc: string; l1Rpc: string; l2ReplicaRpc: string; depth?: number },
): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) {
    const hint = suggest(name, Object.keys(SCENARIOS));
    throw new UsageError(`unknown scenario "${name}"${hint ? `; did you mean "${hint}"?` : ''}`, [
      ...Object.entries(SCENARIOS).map(([n, s]) => `  ${n.padEnd(16)} ${s.summary}`),
    ]);
  }
  if (options.depth !== undefined && (!Number.isInteger(options.depth) || options.depth < 1))
    throw new UsageError('--depth: expected a whole number >= 1');
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

export async function devnetDemoCommand(options: {
  ports: DevnetPorts;
  version: string;
  stdoutColor: boolean;
  width?: number;
  write: (text: string) => void;
  log?: (text: string) => void;
}): Promise<number> {
  process.stderr.write('starting the local devnet venue (anvil)…\n');
  const venue = await bootVenue(options.ports);
  const stop = () => void venue.stop();
  process.once('SIGINT', stop);
  try {
    Object.assign(process.env, devnetEnvironment(venue));
    process.stderr.write(describe(venue));
    const { runCommand } = await import('./run.js');
    // A fresh devnet is a new chain: keep the demo's history out of the way of real runs.
    const state = await mkdtemp(join(tmpdir(), 'l2preflight-demo-'));
    return await runCommand(relative(process.cwd(), DEVNET_CHECKLIST) || DEVNET_CHECKLIST, {
      state,
      version: options.version,
      stdoutColor: options.stdoutColor,
      stderrIsTty: false,
      width: options.width,
      write: options.write,
      log: options.log,
    });
  } finally {
    process.off('SIGINT', stop);
    await venue.stop();
    process.stderr.write('devnet stopped\n');
  }
}
