/**
 * An anvil node from the `@foundry-rs/anvil` npm package, on a loopback port. The binary ships inside
 * the platform package; we spawn it directly (not through the package's node wrapper) so that stopping
 * it is one signal to one process. Every started node is stopped when this process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DevnetError } from '../errors.js';

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

export function anvilBinary(): string {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PLATFORM_PACKAGES[key];
  if (!pkg) throw new DevnetError(`anvil has no build for ${key}`);
  try {
    const manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    return join(dirname(manifest), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  } catch (error) {
    throw new DevnetError(
      `the anvil binary package ${pkg} is not installed`,
      ['run npm install again'],
      error,
    );
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port for a node we start ourselves (tests, the devnet's replica). Chosen at random
 * below Linux's ephemeral range (32768 and up), never by the OS: between this check and the node's own
 * bind, a port from that range can be handed to anyone's listen(0) or outgoing connection — another
 * test file's webhook, say — and the node then fails with EADDRINUSE. Below it only another
 * freePort() could pick the same port, which is unlikely, and then the check here sees it taken.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free loopback port found between 20000 and 32000');
}

/**
 * A process killed with SIGKILL cannot stop its children, and Node cannot ask Linux to kill them with
 * it. So anvil runs under a small sh that holds a pipe from us on stdin: when this process dies for any
 * reason the pipe closes, `read` returns, and the shell kills anvil. SIGTERM to the shell kills it too.
 */
const TIE_TO_PARENT = [
  // Background jobs get /dev/null as stdin; keep our pipe on fd 3 for the watcher.
  'exec 3<&0',
  'bin="$1"; shift',
  '"$bin" "$@" & pid=$!',
  "trap 'kill $pid 2>/dev/null' TERM INT",
  '(read _ <&3; kill $pid 2>/dev/null) &',
  'wait $pid',
].join('\n');

function spawnTiedToParent(binary: string, args: string[]): ChildProcess {
  if (process.platform === 'win32') return spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return spawn('sh', ['-c', TIE_TO_PARENT, 'anvil', binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface AnvilOptions {
  port: number;
  chainId: number;
  /** Genesis timestamp (seconds); lets the devnet write a block history that ends now. */
  genesisTimestamp?: number;
  /** Start as a fork of this node (its state and history up to now), then diverge from it. */
  forkUrl?: string;
}

export interface AnvilNode {
  url: string;
  port: number;
  chainId: number;
  stop(): Promise<void>;
}

async function waitForRpc(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DevnetError(`anvil exited with code ${child.exitCode} before it was ready`, [
        output().trim(),
      ]);
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new DevnetError(`anvil did not answer on ${url} within 15 s`, [output().trim()]);
}

export async function startAnvil(options: AnvilOptions): Promise<AnvilNode> {
  if (!(await portIsFree(options.port))) {
    throw new DevnetError(`port ${options.port} on 127.0.0.1 is already in use`, [
      'another devnet may be running (stop it with Ctrl-C), or choose another port with --l2-port',
    ]);
  }
  const args = ['--host', '127.0.0.1', '--port', String(options.port), '--chain-id', String(options.chainId)];
  if (options.genesisTimestamp !== undefined) args.push('--timestamp', String(options.genesisTimestamp));
  if (options.forkUrl !== undefined) args.push('--fork-url', options.forkUrl, '--block-time', '1');
  installExitHook();
  const child = spawnTiedToParent(anvilBinary(), args);
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new DevnetError(`could not start anvil: ${error.message}`, [], error)),
    ),
  );
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      // Closing the pipe releases the shell's watcher too, so nothing waits on after the node is gone.
      child.stdin?.end();
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    });
  try {
    await Promise.race([waitForRpc(url, child, () => output), spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port: options.port, chainId: options.chainId, stop };
}
