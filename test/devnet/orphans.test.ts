import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { portIsFree } from '../../src/devnet/anvil.js';
import { ROOT } from '../helpers/cli.js';
import { portFlags, testPorts } from '../helpers/venue.js';

async function eventually(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

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
    expect(await eventually(async () => stdout.includes('Ctrl-C stops the devnet'), 30_000)).toBe(true);
    expect(await portIsFree(ports.l2)).toBe(false);
    child.kill('SIGKILL');
    expect(
      await eventually(async () => (await portIsFree(ports.l2)) && (await portIsFree(ports.l1)), 10_000),
    ).toBe(true);
  });
});
