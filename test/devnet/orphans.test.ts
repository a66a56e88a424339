import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { portIsFree } from '../../src/devnet/anvil.js';
import { eventually, ROOT } from '../helpers/cli.js';
import { portFlags, testPorts } from '../helpers/venue.js';

describe('devnet processes', () => {
  it('leave no anvil behind even when `devnet up` is killed with SIGKILL', async () => {
    const ports = await testPorts();
    const child = spawn(process.execPath, ['bin/l2preflight.js', 'devnet', 'up', ...portFlags(ports)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    // boot takes ~4 s alone, several times that beside other test files on 2 cores
    expect(await eventually(async () => stdout.includes('Ctrl-C stops the devnet'), 60_000)).toBe(true);
    expect(await portIsFree(ports.l2)).toBe(false);
    child.kill('SIGKILL');
    expect(
      await eventually(async () => (await portIsFree(ports.l2)) && (await portIsFree(ports.l1)), 10_000),
    ).toBe(true);
  }, 90_000);
});
