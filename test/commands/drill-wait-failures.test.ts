/**
 * `drill withdraw --execute --wait` outlives an L1 endpoint that fails for a while: a poll whose reads
 * fail is said on one line and tried again at the next poll, and the drill still finalizes from its
 * journal. Before, the first failed read ended the process as an internal error (exit 70). The window
 * is opened and closed on what the drill prints, not on a timer, so machine speed does not matter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { type DrillVenue, startDrillVenue } from '../helpers/drill.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';

let dv: DrillVenue;
let proxy: FaultProxy;

beforeAll(async () => {
  dv = await startDrillVenue({ fastChains: true });
  proxy = await startFaultProxy(dv.venue.l1.node.url);
});
afterAll(async () => {
  await proxy?.close();
  await dv?.stop();
});

/** Looks like a provider key in the URL's path: it must never be printed. */
const PATH_KEY = 'sk_live_drillpoll5c81e0';
const FAILED_POLLS = 3;

describe('drill withdraw --wait with a failing L1 endpoint', () => {
  it('says each failed poll on one line, retries, and still finalizes', async () => {
    const l1 = `${proxy.url}/v2/${PATH_KEY}`;
    const drill = dv.startDrill(dv.newState(), ['--execute', '--wait'], { L2PREFLIGHT_DEVNET_L1_RPC: l1 });
    let exited = false;
    void drill.done.then(() => {
      exited = true;
    });
    // Once the drill waits for the chain, every L1 request answers HTTP 503 ...
    expect(await eventually(() => /waiting/.test(drill.output()) || exited, 90_000)).toBe(true);
    proxy.setMode({ kind: 'status', code: 503 });
    const failedPolls = () => drill.output().match(/poll failed: /g)?.length ?? 0;
    await eventually(() => failedPolls() >= FAILED_POLLS || exited, 90_000);
    // ... until it said so for a few polls; then the endpoint comes back.
    proxy.setMode({ kind: 'pass' });
    const done = await drill.done;
    expect(done.stderr).not.toContain('internal error');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('— finalized');
    const lines = done.stderr.split('\n').filter((line) => line.includes('poll failed: '));
    expect(lines.length, done.stderr).toBeGreaterThanOrEqual(FAILED_POLLS);
    if (process.env.SHOW_POLLS) process.stderr.write(`${done.stderr}\n`);
    for (const line of lines) {
      expect(line).toMatch(/^poll failed: .*l1 RPC .*HTTP 503.*; retrying in \d+s$/);
    }
    expect(done.stdout + done.stderr).not.toContain(PATH_KEY);
  }, 180_000);
});
