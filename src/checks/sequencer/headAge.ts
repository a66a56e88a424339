import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { defineCheck } from '../define.js';
import { duration } from '../params.js';

export const headAge = defineCheck({
  type: 'sequencer.head-age',
  concern: 'sequencer',
  requires: {},
  readsClock: true,
  summary: 'Age of the latest L2 block: is the sequencer producing blocks right now?',
  description:
    "Reads the latest L2 block and compares its timestamp with this machine's clock. A head older than `max` " +
    'means the sequencer has stopped (or the RPC is stuck on an old head): do not route. A head far in the ' +
    "future is also a failure: the node or the local clock cannot be trusted. Chainlink's sequencer-health " +
    'adapter calls a chain unhealthy after 120 s without a block; 30 s is stricter for 2 s-block OP chains.',
  params: () =>
    z.object({
      max: duration('Largest acceptable age of the latest block.', '30s'),
    }),
  example: {
    max: '30s',
    remediation: 'Do not route; the sequencer may be down. Check the venue status page.',
  },
  async read(ctx) {
    // The run's head is never refused as stale here (unlike state reads, see rpc/staleness.ts): this
    // check is the measurement of staleness, and a halted sequencer must fail, not error.
    const head = await ctx.venue.latestHead();
    return { block: Number(head.height), timestamp: head.timestamp };
  },
  evaluate(params, head, now) {
    const ageMs = now - head.timestamp * 1000;
    const evidence = { block: head.block, timestamp: head.timestamp };
    const threshold = `<= ${formatDuration(params.max)}`;
    if (ageMs < -params.max) {
      return {
        holds: false,
        observed: `${formatDuration(-ageMs)} in the future`,
        threshold,
        message: `latest L2 block ${head.block} is timestamped ${formatDuration(-ageMs)} ahead of this machine's clock`,
        evidence,
      };
    }
    const age = Math.max(0, ageMs);
    return {
      holds: age <= params.max,
      observed: formatDuration(age),
      threshold,
      message: `latest L2 block ${head.block} is ${formatDuration(age)} old`,
      value: { value: age / 1000, unit: 'seconds', limit: { value: params.max / 1000, kind: 'max' } },
      evidence,
    };
  },
});
