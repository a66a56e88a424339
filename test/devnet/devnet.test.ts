import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, startAnvil } from '../../src/devnet/anvil.js';
import {
  batcher,
  DEVNET_ADDRESSES,
  DEVNET_BRIDGE,
  DEVNET_GOVERNANCE,
  DEVNET_L1_ADDRESSES,
} from '../../src/devnet/constants.js';
import { SCENARIOS } from '../../src/devnet/scenarios.js';
import { DevnetError } from '../../src/errors.js';
import { cli, ROOT } from '../helpers/cli.js';
import { portFlags, testPorts } from '../helpers/venue.js';

describe('devnet', () => {
  it('commits the addresses that the deterministic deployment produces', async () => {
    const yaml = parse(await readFile(`${ROOT}/checks/devnet.yaml`, 'utf8'));
    expect(yaml.venue.contracts).toEqual({
      ...DEVNET_ADDRESSES,
      ...DEVNET_L1_ADDRESSES,
      ...DEVNET_GOVERNANCE,
      batcher: batcher.address,
      portal: DEVNET_BRIDGE.portal,
      disputeGameFactory: DEVNET_BRIDGE.disputeGameFactory,
      anchorStateRegistry: DEVNET_BRIDGE.anchorStateRegistry,
    });
  });

  it('refuses a port that is in use with a clear error, leaving no anvil behind', async () => {
    const port = await freePort();
    const first = await startAnvil({ port, chainId: 901 });
    try {
      await expect(startAnvil({ port, chainId: 901 })).rejects.toThrow(DevnetError);
      await expect(startAnvil({ port, chainId: 901 })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use`,
      );
      const up = await cli(['devnet', 'up', '--l2-port', String(port)]);
      expect(up.code).toBe(2);
      expect(up.stderr).toContain('already in use');
    } finally {
      await first.stop();
    }
  });

  it('names the known scenarios when given an unknown one', async () => {
    const { code, stderr } = await cli(['devnet', 'scenario', 'stale-orcale']);
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean "stale-oracle"?');
  });

  it('devnet scenario --help names every scenario (the list is written out to keep --help fast)', async () => {
    const { code, stdout } = await cli(['devnet', 'scenario', '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    for (const name of Object.keys(SCENARIOS)) expect(help).toContain(name);
  });

  it('npm start: brings the devnet up, prints a ROUTE table, and shuts it down', async () => {
    const ports = await testPorts();
    const port = ports.l2;
    const started = Date.now();
    const { code, stdout, stderr } = await cli(['devnet', 'demo', ...portFlags(ports)]);
    expect(stderr).toContain('devnet stopped');
    expect(stdout).toContain('VERDICT: ROUTE');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    // the devnet's port is free again: nothing was left running
    await startAnvil({ port, chainId: 1 }).then((node) => node.stop());
  }, 60_000);
});
