import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeLag } from '../../../src/checks/sequencer/safeLag.js';
import type { RunningVenue } from '../../../src/devnet/venue.js';
import { runOne, startTestVenue } from '../../helpers/venue.js';

describe('sequencer.safe-lag evaluate', () => {
  const params = { maxSafeLag: 60_000, maxFinalizedLag: 600_000 };
  const latest = { number: 1000, timestamp: 10_000 };
  it('passes when both heads are close, and shows blocks and time', () => {
    const j = safeLag.evaluate(
      params,
      { latest, safe: { number: 970, timestamp: 9_940 }, finalized: { number: 900, timestamp: 9_800 } },
      0,
    );
    expect(j.holds).toBe(true);
    expect(j.observed).toBe('safe 1m (30 blocks), finalized 3m 20s (100 blocks)');
  });
  it('fails when the safe head falls behind', () => {
    const j = safeLag.evaluate(
      params,
      { latest, safe: { number: 900, timestamp: 9_800 }, finalized: { number: 900, timestamp: 9_800 } },
      0,
    );
    expect(j.holds).toBe(false);
    expect(j.message).toContain('the safe head is 3m 20s behind, over 1m');
  });
});

describe('sequencer.safe-lag on the devnet', () => {
  let venue: RunningVenue;
  beforeAll(async () => {
    venue = await startTestVenue();
  });
  afterAll(() => venue?.stop());

  it("passes within the devnet's lags (anvil: safe 32 blocks, finalized 64 blocks behind)", async () => {
    const result = await runOne(
      venue.node.url,
      'type: sequencer.safe-lag\nmaxSafeLag: 2m\nmaxFinalizedLag: 5m',
    );
    expect(result.status).toBe('pass');
    expect(result.status === 'pass' && result.observed).toMatch(
      /safe \d+s \(32 blocks\), finalized .* \(64 blocks\)/,
    );
  });

  it('fails when the safe head trails by more than maxSafeLag', async () => {
    const result = await runOne(venue.node.url, 'type: sequencer.safe-lag\nmaxSafeLag: 10s');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('the safe head is');
  });

  it('errors with a clear message when the endpoint does not support the safe tag', async () => {
    const server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const calls = JSON.parse(body) as
        | { id: number; params?: unknown[] }[]
        | { id: number; params?: unknown[] };
      const list = Array.isArray(calls) ? calls : [calls];
      const answers = await Promise.all(
        list.map(async (call) => {
          if (call.params?.[0] === 'safe' || call.params?.[0] === 'finalized') {
            return { jsonrpc: '2.0', id: call.id, error: { code: -32602, message: 'invalid block tag' } };
          }
          const upstream = await fetch(venue.node.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(call),
          });
          return upstream.json();
        }),
      );
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(Array.isArray(calls) ? answers : answers[0]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    try {
      const result = await runOne(
        `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        'type: sequencer.safe-lag',
      );
      expect(result.status).toBe('error');
      expect(result.message).toContain('rejected the "safe" block tag');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
