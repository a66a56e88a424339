#!/usr/bin/env node
/**
 * `npm run screenshot`: README's picture of the HTML report, made from the real thing. Boots the local
 * devnet on free ports (`l2preflight devnet up`), records a few healthy runs of checks/devnet.yaml, then
 * breaks the venue with scenarios and runs again, writes the HTML report, and photographs it in headless
 * Chromium (Debian's package, driven by playwright-core) into docs/report.png. The CLI is started as a
 * user starts it, `node bin/l2preflight.js …` (build first: the npm script does).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'l2preflight.js');
const OUT = join(ROOT, 'docs', 'report.png');
const HEALTHY_RUNS = 6;
/** Pixels of the page photographed, from the top. */
const HEIGHT = 1150;
/** Applied one after the other, a run after each: the report shows the venue going bad. */
const SCENARIOS = ['stale-oracle', 'drained-fund'];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A free loopback port (never the defaults a developer's own devnet may hold). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `l2preflight ARGS` to completion; resolves with its exit code and output. */
function l2preflight(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `devnet up` in the background; resolves once it says it is ready, with a way to stop it. */
function devnetUp(ports) {
  const args = [
    'devnet',
    'up',
    '--l2-port',
    ports.l2,
    '--l1-port',
    ports.l1,
    '--l2-replica-port',
    ports.replica,
  ];
  const child = spawn(process.execPath, [BIN, ...args.map(String)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stopped = new Promise((resolve) => child.once('close', resolve));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    await stopped;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the devnet did not start in 3 min:\n${output}`)),
      180_000,
    );
    const listen = (chunk) => {
      output += chunk;
      if (output.includes('ready in')) {
        clearTimeout(timer);
        resolve({ stop });
      }
    };
    child.stdout.on('data', listen);
    child.stderr.on('data', listen);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the devnet exited (${code}) before it was ready:\n${output}`));
    });
  });
}

async function main() {
  const ports = { l2: await freePort(), l1: await freePort(), replica: await freePort() };
  const env = {
    L2PREFLIGHT_DEVNET_L2_RPC: `http://127.0.0.1:${ports.l2}`,
    L2PREFLIGHT_DEVNET_L1_RPC: `http://127.0.0.1:${ports.l1}`,
    L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: `http://127.0.0.1:${ports.replica}`,
  };
  const dir = await mkdtemp(join(tmpdir(), 'l2preflight-screenshot-'));
  const html = join(dir, 'report.html');
  process.stderr.write('starting the devnet…\n');
  const devnet = await devnetUp(ports);
  try {
    const run = async (label) => {
      const args = [
        'run',
        'checks/devnet.yaml',
        '--state',
        join(dir, 'state'),
        '--format',
        'json',
        '--report',
        `html=${html}`,
      ];
      const { code, stdout, stderr } = await l2preflight(args, env);
      if (code !== 0 && code !== 1) throw new Error(`run exited ${code}:\n${stderr}`);
      process.stderr.write(`${label}: ${JSON.parse(stdout).verdict}\n`);
    };
    for (let i = 1; i <= HEALTHY_RUNS; i++) await run(`healthy run ${i}/${HEALTHY_RUNS}`);
    for (const scenario of SCENARIOS) {
      const applied = await l2preflight(['devnet', 'scenario', scenario], env);
      if (applied.code !== 0) throw new Error(`scenario ${scenario} failed:\n${applied.stderr}`);
      await run(`after ${scenario}`);
    }
  } finally {
    await devnet.stop();
  }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: HEIGHT }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(html).href);
    // The verdict, the problems (listed first) and the first passing checks: a README-sized picture.
    await page.screenshot({ path: OUT, clip: { x: 0, y: 0, width: 1100, height: HEIGHT } });
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
  const { size } = await stat(OUT);
  process.stderr.write(`wrote ${OUT} (${(size / 1024).toFixed(0)} KiB)\n`);
}

await main();
