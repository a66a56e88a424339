import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeLag } from '../../../src/checks/sequencer/safeLag.js';
import { CheckTester } from '../../helpers/checkTester.js';
import { sharedTestVenue, type TestVenue } from '../../helpers/sharedVenue.js';
import { runOne } from '../../helpers/venue.js';

const latest = { number: 1000, timestamp: 10_000 };
/** Heads `safeS` and `finalizedS` seconds behind latest, at 2 s blocks. */
const heads = (safeS: number, finalizedS: number) => ({
  latest,
  safe: { number: latest.number - safeS / 2, timestamp: latest.timestamp - safeS },
  finalized: { number: latest.number - finalizedS / 2, timestamp: latest.timestamp - finalizedS },
});
const PARAMS = { maxSafeLag: '1m', maxFinalizedLag: '10m' };

new CheckTester(safeLag, { limit: 'headline' }).run({
  valid: [
    {
      name: 'both heads close, shown in time and blocks',
      params: PARAMS,
      observation: heads(60, 200),
      observed: 'safe 1m (30 blocks), finalized 3m 20s (100 blocks)',
      threshold: 'safe <= 1m, finalized <= 10m',
      message: 'latest 1000, safe 970, finalized 900',
      limit: { value: 60, kind: 'max' },
    },
    {
      name: "Arbitrum's own defaults (75m / 90m): an hour-old safe head is normal for Nitro",
      params: {},
      stack: 'arbitrum',
      observation: heads(3_600, 4_800),
      threshold: 'safe <= 1h 15m, finalized <= 1h 30m',
    },
  ],
  invalid: [
    {
      name: 'the safe head falls behind',
      params: PARAMS,
      observation: heads(200, 200),
      status: 'fail',
      message: 'the safe head is 3m 20s behind, over 1m (latest 1000)',
    },
    {
      name: 'the finalized head falls behind',
      params: PARAMS,
      observation: heads(30, 1_200),
      status: 'fail',
      message: 'the finalized head is 20m behind, over 10m',
    },
    {
      name: 'an hour-old safe head on the OP Stack default (10m)',
      params: {},
      stack: 'op-stack',
      observation: heads(3_600, 3_600),
      status: 'fail',
      message: /^the safe head is 1h behind, over 10m; the finalized head is 1h behind, over 45m/,
    },
  ],
});

describe('sequencer.safe-lag on the devnet', () => {
  let venue: TestVenue;
  beforeAll(async () => {
    venue = await sharedTestVenue();
  });
  afterAll(() => venue?.stop());

  it("passes within the devnet's lags (anvil: safe 32 blocks, finalized 64 blocks behind)", async () => {
    const result = await runOne(
      venue.node.url,
      'type: sequencer.safe-lag\nmaxSafeLag: 2m\nmaxFinalizedLag: 5m',
    );
    expect(result.status).toBe('pass');
    // One block less when the sequencer mines between the reads of `latest` and of a tag (tags resolve
    // on the node when the request lands): the check reads them in one batch, not atomically.
    expect(result.status === 'pass' && result.observed).toMatch(
      /safe \d+s \(3[12] blocks\), finalized .* \(6[34] blocks\)/,
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
