import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { arbitrumDevnetEndpoints, devnetEndpoints } from '../../src/commands/devnet.js';
import { cli, eventually, ROOT } from '../helpers/cli.js';
import { portFlags, testPorts } from '../helpers/venue.js';

describe('devnet endpoints: one reading of flags, L2PREFLIGHT_DEVNET_* and defaults for every devnet command', () => {
  const env = {
    L2PREFLIGHT_DEVNET_L2_RPC: 'http://127.0.0.1:19545',
    L2PREFLIGHT_DEVNET_L1_RPC: 'http://127.0.0.1:19546',
    L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: 'http://127.0.0.1:19547',
  };
  it.each([
    ['defaults', {}, {}, { l2: 9545, l1: 9546, l2Replica: 9547 }, 'http://127.0.0.1:9545'],
    ['the variables', {}, env, { l2: 19545, l1: 19546, l2Replica: 19547 }, 'http://127.0.0.1:19545'],
    [
      'a flag over its variable, the others from theirs',
      { l2Port: '29545' },
      env,
      { l2: 29545, l1: 19546, l2Replica: 19547 },
      'http://127.0.0.1:29545',
    ],
    [
      'all flags',
      { l2Port: '1', l1Port: '2', l2ReplicaPort: '65535' },
      {},
      { l2: 1, l1: 2, l2Replica: 65535 },
      'http://127.0.0.1:1',
    ],
  ])('%s', (_name, flags, environment, ports, l2Url) => {
    const endpoints = devnetEndpoints(flags, environment);
    expect(endpoints.ports).toEqual(ports);
    expect(endpoints.urls.l2).toBe(l2Url);
  });
  it.each([
    [{ l2Port: 'x' }, {}, '--l2-port: expected a port number 1–65535, got "x"'],
    [{ l1Port: '70000' }, {}, '--l1-port: expected a port number 1–65535, got "70000"'],
    [
      {},
      { L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: 'not a url' },
      'L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: "not a url"',
    ],
  ])('refuses %j %j as a usage error', (flags, environment, message) => {
    expect(() => devnetEndpoints(flags, environment)).toThrow(message);
  });
});

describe('the Arbitrum devnet reads its own variables and defaults, so both devnets can run at once', () => {
  it('defaults to 9555/9556, reads L2PREFLIGHT_DEVNET_ARB_*, ignores the OP devnet variables', () => {
    const opEnv = { L2PREFLIGHT_DEVNET_L2_RPC: 'http://127.0.0.1:19545' };
    expect(arbitrumDevnetEndpoints({}, opEnv).ports).toEqual({ l2: 9555, l1: 9556 });
    const arbEnv = { L2PREFLIGHT_DEVNET_ARB_L1_RPC: 'http://127.0.0.1:19556' };
    expect(arbitrumDevnetEndpoints({ l2Port: '19555' }, arbEnv)).toEqual({
      ports: { l2: 19555, l1: 19556 },
      urls: { l2: 'http://127.0.0.1:19555', l1: 'http://127.0.0.1:19556' },
    });
  });
  it('refuses a replica port: the Arbitrum devnet has one L2 endpoint', () => {
    expect(() => arbitrumDevnetEndpoints({ l2ReplicaPort: '1' }, {})).toThrow('no second L2 endpoint');
  });
});

describe('devnet up on custom ports, and devnet scenario against it', () => {
  it('prints hints with its ports; scenario takes the same port flags and the variables', async () => {
    const ports = await testPorts();
    const up = spawn(process.execPath, ['bin/l2preflight.js', 'devnet', 'up', ...portFlags(ports)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    up.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => up.once('exit', resolve));
    try {
      // boot takes ~4 s alone, several times that beside other test files on 2 cores
      expect(await eventually(() => stdout.includes('Ctrl-C stops the devnet'), 90_000)).toBe(true);
      const env = {
        L2PREFLIGHT_DEVNET_L2_RPC: `http://127.0.0.1:${ports.l2}`,
        L2PREFLIGHT_DEVNET_L2_REPLICA_RPC: `http://127.0.0.1:${ports.l2Replica}`,
        L2PREFLIGHT_DEVNET_L1_RPC: `http://127.0.0.1:${ports.l1}`,
      };
      const flags = portFlags(ports).join(' ');
      expect(stdout).toContain(
        `${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} l2preflight run checks/devnet.yaml`,
      );
      const hint = stdout.split('\n').find((line) => line.includes('devnet scenario stale-oracle'));
      expect(hint).toContain(`l2preflight devnet scenario stale-oracle ${flags}`);
      // run the hint as printed: its flags reach this devnet, not the default ports
      const args = (hint ?? '').split('(then')[0]?.trim().split(/\s+/).slice(1) ?? [];
      const stale = await cli(args);
      expect(stale.code, stale.stderr).toBe(0);
      const oracle = () => cli(['run', 'checks/devnet.yaml', '--only', 'eth-usd', '--format', 'json'], env);
      const staleRun = await oracle();
      expect(JSON.parse(staleRun.stdout).results[0].status).toBe('fail');
      // the variables alone, as `run` reads them, also point scenario at this devnet
      const healthy = await cli(['devnet', 'scenario', 'healthy'], env);
      expect(healthy.code, healthy.stderr).toBe(0);
      const fresh = JSON.parse((await oracle()).stdout).results[0];
      // pass, or warn on the cadence of a history that still holds the stale round: fresh either way
      expect(fresh.status, fresh.message).not.toBe('fail');
      expect(fresh.message).toMatch(/^ETH \/ USD: [\d.]+, updated [\d.]+s ago/);
    } finally {
      up.kill('SIGINT');
      await exited;
    }
  }, 180_000);
});
