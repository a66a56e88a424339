/** `l2preflight devnet up | scenario | demo`. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suggest } from '../checklist/suggest.js';
import { DEVNET_ADDRESSES, DEVNET_L2_CHAIN_ID } from '../devnet/constants.js';
import { SCENARIOS } from '../devnet/scenarios.js';
import { admin, bootVenue, venueClients } from '../devnet/venue.js';
import { DevnetError, UsageError } from '../errors.js';

/** The shipped devnet checklist, found relative to the installed package (not the working directory). */
export const DEVNET_CHECKLIST = fileURLToPath(new URL('../../checks/devnet.yaml', import.meta.url));

function describe(url: string): string {
  const lines = [
    `devnet L2 (chain ${DEVNET_L2_CHAIN_ID}) on ${url}`,
    ...Object.entries(DEVNET_ADDRESSES).map(([name, address]) => `  ${name.padEnd(20)} ${address}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function devnetUpCommand(options: {
  l2Port: number;
  write: (text: string) => void;
}): Promise<number> {
  const started = performance.now();
  const venue = await bootVenue({ port: options.l2Port });
  options.write(describe(venue.node.url));
  options.write(
    `ready in ${Math.round(performance.now() - started)} ms. In another terminal:\n` +
      `  l2preflight run checks/devnet.yaml${options.l2Port === 9545 ? '' : ` (with L2PREFLIGHT_DEVNET_L2_RPC=${venue.node.url})`}\n` +
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
  options: { l2Rpc: string; depth: number },
): Promise<string> {
  const scenario = SCENARIOS[name];
  if (!scenario) {
    const hint = suggest(name, Object.keys(SCENARIOS));
    throw new UsageError(`unknown scenario "${name}"${hint ? `; did you mean "${hint}"?` : ''}`, [
      ...Object.entries(SCENARIOS).map(([n, s]) => `  ${n.padEnd(16)} ${s.summary}`),
    ]);
  }
  if (!Number.isInteger(options.depth) || options.depth < 1)
    throw new UsageError('--depth: expected a whole number >= 1');
  const clients = venueClients(options.l2Rpc);
  try {
    return `${await scenario.apply(clients, options)}\n`;
  } catch (error) {
    throw new DevnetError(`could not apply scenario "${name}" to the devnet at ${options.l2Rpc}`, [
      'is `l2preflight devnet up` running?',
      (error as Error).message.split('\n')[0] ?? '',
    ]);
  }
}

export async function devnetDemoCommand(options: {
  l2Port: number;
  version: string;
  stdoutColor: boolean;
  width?: number;
  write: (text: string) => void;
  log?: (text: string) => void;
}): Promise<number> {
  process.stderr.write('starting the local devnet venue (anvil)…\n');
  const venue = await bootVenue({ port: options.l2Port });
  const stop = () => void venue.stop();
  process.once('SIGINT', stop);
  try {
    process.env.L2PREFLIGHT_DEVNET_L2_RPC = venue.node.url;
    process.stderr.write(describe(venue.node.url));
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
