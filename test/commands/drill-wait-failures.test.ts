/**
 * `drill withdraw --execute --wait` outlives an L1 endpoint that fails for a while: a poll whose reads
 * fail is said on one line and tried again at the next poll, and the drill still finalizes from its
 * journal. Before, the first failed read ended the process as an internal error (exit 70). The window
 * is opened and closed on what the drill prints, not on a timer, so machine speed does not matter.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toFunctionSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/cli.js';
import { type DrillVenue, KEY, startDrillVenue } from '../helpers/drill.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';

let dv: DrillVenue;
let proxy: FaultProxy;

/**
 * Forwards to `upstream`, but answers HTTP 503 to any request whose body contains one of `needles` (a
 * selector, alone or inside a multicall; a method name): the drill's own reads of the withdrawal fail
 * while its chain-id check and the bridge's state, read before, go through.
 */
async function failingOn(upstream: string, ...needles: string[]) {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (needles.some((needle) => body.includes(needle))) {
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
      return;
    }
    const reply = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(await reply.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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

describe('drill withdraw --wait with a failing L1 endpoint', () => {
  it('says a failure once and again when it changes, retries, and still finalizes', async () => {
    const l1 = `${proxy.url}/v2/${PATH_KEY}`;
    const drill = dv.startDrill(dv.newState(), ['--execute', '--wait'], { L2PREFLIGHT_DEVNET_L1_RPC: l1 });
    let exited = false;
    void drill.done.then(() => {
      exited = true;
    });
    // Once the drill waits for the chain, every L1 request answers HTTP 503 ...
    expect(await eventually(() => /waiting/.test(drill.output()) || exited, 90_000)).toBe(true);
    proxy.setMode({ kind: 'status', code: 503 });
    await eventually(() => /poll failed: /.test(drill.output()) || exited, 90_000);
    // ... then 502 (another failure, said again with the polls so far) ...
    proxy.setMode({ kind: 'status', code: 502 });
    await eventually(() => /still failing .*HTTP 502/.test(drill.output()) || exited, 90_000);
    // ... then the endpoint comes back.
    proxy.setMode({ kind: 'pass' });
    const done = await drill.done;
    expect(done.stderr).not.toContain('internal error');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('— finalized');
    if (process.env.SHOW_POLLS) process.stderr.write(`${done.stderr}\n`);
    // A failure from viem's own transport (a transaction being sent) reads `RPC http://…`, without `l1`.
    const failed = done.stderr.split('\n').filter((line) => line.includes('poll failed: '));
    expect(failed, done.stderr).toHaveLength(1);
    expect(failed[0]).toMatch(/^poll failed: .*RPC .*HTTP 503.*; retrying in \d+s$/);
    const still = done.stderr.split('\n').filter((line) => line.includes('still failing'));
    expect(still.length, done.stderr).toBeGreaterThanOrEqual(1);
    for (const line of still) {
      expect(line).toMatch(/^still failing \((\d+) polls, [^)]+\): .*RPC .*HTTP 50[23].*; retrying in \d+s$/);
      expect(Number(/\((\d+) polls/.exec(line)?.[1])).toBeGreaterThanOrEqual(2);
    }
    expect(still.at(-1)).toMatch(/HTTP 502/);
    expect(done.stdout + done.stderr).not.toContain(PATH_KEY);
  }, 180_000);

  it('gives up on a failure that lasts (a key the endpoint refuses): exit 3, still open, resumed later', async () => {
    const l1 = `${proxy.url}/v2/${PATH_KEY}`;
    const state = dv.newState();
    // --give-up-after 0s: the five polls in a row alone end the wait (the default, 10m, is too long to wait here).
    const drill = dv.startDrill(state, ['--execute', '--wait', '--give-up-after', '0s'], {
      L2PREFLIGHT_DEVNET_L1_RPC: l1,
    });
    let exited = false;
    void drill.done.then(() => {
      exited = true;
    });
    expect(await eventually(() => /waiting/.test(drill.output()) || exited, 90_000)).toBe(true);
    // The key is revoked: every L1 request answers HTTP 401 from now on, and waiting will not change it.
    proxy.setMode({ kind: 'status', code: 401 });
    let first: Awaited<typeof drill.done>;
    try {
      first = await drill.done;
    } finally {
      proxy.setMode({ kind: 'pass' });
    }
    expect(first.stderr).not.toContain('internal error');
    expect(first.code, first.stderr).toBe(3);
    expect(first.stderr).toMatch(
      /error: drill withdraw --wait gave up: the same failure for \d+s \(5 polls in a row\): .*RPC .*HTTP 401 \(unauthorized: check the API key\)\n/,
    );
    expect(first.stderr).toContain(
      'the drill is still open in its journal: fix what failed and run `drill withdraw --wait` again to resume it',
    );
    expect(first.stdout + first.stderr).not.toContain(PATH_KEY);
    // The endpoint is fixed: the next run resumes the same drill and finalizes it.
    const done = await dv.drill(state, ['--execute', '--wait'], {
      L2PREFLIGHT_DRILL_KEY: KEY,
      L2PREFLIGHT_DEVNET_L1_RPC: l1,
    });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/^resuming drill /m);
    expect(done.stdout).toContain('— finalized');
    expect(done.stdout + done.stderr).not.toContain(PATH_KEY);
  }, 180_000);

  it('without --wait, exits 3 with the drill still open, and a later run resumes it', async () => {
    const failing = await failingOn(
      dv.venue.l1.node.url,
      toFunctionSelector('function finalizedWithdrawals(bytes32)').slice(2),
    );
    try {
      const state = dv.newState();
      const first = await dv.drill(state, ['--execute'], {
        L2PREFLIGHT_DRILL_KEY: KEY,
        L2PREFLIGHT_DEVNET_L1_RPC: failing.url,
      });
      expect(first.stderr).not.toContain('internal error');
      expect(first.code, first.stderr).toBe(3);
      expect(first.stderr).toMatch(/^initiate: sent 0x/m);
      expect(first.stderr).toMatch(
        /error: could not read the chains: l1 RPC #1 http:\/\/127\.0\.0\.1:\d+ answered HTTP 503 \(server error\)\n/,
      );
      expect(first.stderr).toContain('the drill is still open: run the command again to resume it');
      const done = await dv.drill(state, ['--execute', '--wait'], { L2PREFLIGHT_DRILL_KEY: KEY });
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toMatch(/^resuming drill /m);
      expect(done.stdout).toContain('— finalized');
    } finally {
      await failing.close();
    }
  }, 180_000);

  it('a receipt read that fails is a failed read, not a transaction that never reached the network', async () => {
    const state = dv.newState();
    // The first run initiates the withdrawal and leaves the drill open, waiting for a game.
    const opened = await dv.drill(state, ['--execute'], { L2PREFLIGHT_DRILL_KEY: KEY });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/^initiate: sent 0x/m);
    // Then L2 fails every read of a transaction or its receipt.
    const failing = await failingOn(
      dv.venue.node.url,
      '"eth_getTransactionReceipt"',
      '"eth_getTransactionByHash"',
    );
    try {
      const again = await dv.drill(state, ['--execute'], {
        L2PREFLIGHT_DRILL_KEY: KEY,
        L2PREFLIGHT_DEVNET_L2_RPC: failing.url,
      });
      expect(again.stderr).not.toMatch(/never reached the network|broadcasting the same signed transaction/);
      expect(again.code, again.stderr).toBe(3);
      expect(again.stderr).toMatch(
        /error: could not read the chains: RPC http:\/\/127\.0\.0\.1:\d+ answered HTTP 503/,
      );
    } finally {
      await failing.close();
    }
  }, 120_000);
});
