/**
 * What a user installing from the registry gets: the packed tarball, installed into an empty prefix,
 * run from an empty directory — `--help`, `init`, `validate` and the no-network `devnet demo`, with no
 * dev dependency and nothing of this checkout's local state in the package.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/devnet/anvil.js';
import { ROOT } from './helpers/cli.js';

const exec = promisify(execFile);
let work: string;
let tarball: string;
let files: string[];
let bin: string;

/** Bytes under `dir`, as `du` would count file sizes. */
async function size(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const npm = (args: string[], cwd: string) =>
  exec('npm', args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

const l2preflight = (args: string[], cwd: string) =>
  exec(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: 'true', NO_COLOR: '1' } }).then(
    (done) => ({ code: 0, ...done }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'l2preflight-pack-'));
  // npm test has just built dist/ and artifacts/: pack what is there, as prepack would have built it.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error('npm pack reported nothing');
  tarball = join(work, info.filename);
  files = info.files.map((file) => file.path);
  const prefix = join(work, 'prefix');
  await mkdir(prefix);
  // From npm's cache where it can (CI has just run npm ci): the test is about the package, not the network.
  await npm(
    ['install', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--omit', 'dev', tarball],
    work,
  );
  bin = join(prefix, 'node_modules', 'l2preflight', 'bin', 'l2preflight.js');
}, 300_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('the package as the registry serves it', () => {
  it('ships the CLI, the shipped checklists, the schema and the devnet contracts, and nothing local', async () => {
    expect(files).toContain('bin/l2preflight.js');
    expect(files).toContain('schema/checklist.schema.json');
    expect(files).toContain('checks/base.yaml');
    expect(files).toContain(
      'artifacts/@eth-optimism/contracts-bedrock/forge-artifacts/OptimismPortal2.sol/OptimismPortal2.json',
    );
    expect(files.filter((file) => file.startsWith('artifacts/')).length).toBe(44);
    // Run history and drill journals (signed raw transactions) stay where they were made.
    expect(files.filter((file) => /(^|\/)\.l2preflight(\/|$)/.test(file))).toEqual([]);
    expect(files.filter((file) => /^(src|test|scripts|contracts|node_modules)\//.test(file))).toEqual([]);
    const tgz = (await stat(tarball)).size;
    const installed = await size(join(work, 'prefix', 'node_modules', 'l2preflight'));
    const withDependencies = await size(join(work, 'prefix', 'node_modules'));
    // Recorded in README ("Install"); printed so a change in size is seen in the test log.
    console.log(
      `tarball ${(tgz / 1e6).toFixed(2)} MB, installed ${(installed / 1e6).toFixed(1)} MB, with dependencies ${(withDependencies / 1e6).toFixed(0)} MB`,
    );
    expect(tgz).toBeLessThan(5e6);
  });

  it('runs --help, init, validate and devnet demo from an empty directory', async () => {
    const home = await mkdtemp(join(work, 'desk-'));
    const help = await l2preflight(['--help'], home);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: l2preflight');
    const init = await l2preflight(['init', '--venue', 'base'], home);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote base.yaml');
    const validate = await l2preflight(['validate', 'base.yaml'], home);
    expect(validate.code, validate.stderr).toBe(0);
    const ports = [await freePort(), await freePort(), await freePort()];
    const demo = await l2preflight(
      [
        'devnet',
        'demo',
        '--l2-port',
        `${ports[0]}`,
        '--l1-port',
        `${ports[1]}`,
        '--l2-replica-port',
        `${ports[2]}`,
      ],
      home,
    );
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('ROUTE');
    expect(demo.stderr).not.toContain('npm ci');
    // The demo keeps its history in a throwaway directory, not in the user's one.
    expect((await readdir(home)).sort()).toEqual(['base.yaml', 'l2preflight.schema.json']);
  }, 180_000);
});
