import * as z from 'zod';
import { formatDuration } from '../../core/units.js';
import { intervals, median, percentile } from '../../math/stats.js';
import { defineCheck, MeasurementError, NotApplicable } from '../define.js';
import { duration, integer } from '../params.js';

/**
 * op-node accepts an L2 block only at its parent's timestamp + the block time, so after an outage the
 * sequencer back-fills the missed slots and every interval reads the block time (VENUE-NOTES "OP Stack
 * timestamps are a grid"). Intervals there cannot show a stall that has ended: passing on them would be
 * a pass that measured nothing.
 */
const OP_STACK_GRID =
  'OP Stack timestamps are a grid (every block is its parent + the block time, and missed slots are ' +
  'back-filled after an outage), so block intervals cannot show a stall that has ended; use ' +
  'sequencer.outages (uptime-feed rounds, recorded head ages) and sequencer.head-age instead';

export const cadence = defineCheck({
  type: 'sequencer.cadence',
  concern: 'sequencer',
  requires: {},
  summary: 'Block intervals over the last N blocks: median, p99 and the largest gap',
  description:
    'Reads the timestamps of the last `window` L2 blocks and computes the intervals between them. A gap larger ' +
    'than `maxGap` means the sequencer stalled recently even if it is producing now; a p99 above `maxP99` means ' +
    'block production is erratic. Liquidations and margin calls depend on blocks arriving on time. On ' +
    '`op-stack` it is skip: the OP Stack stamps every block parent + block time and back-fills missed slots, ' +
    'so intervals never show a stall that has ended (`validate` warns; use sequencer.outages).',
  params: () =>
    z.object({
      window: integer('How many recent blocks to examine.', { min: 2, max: 1000, default: 100 }),
      maxGap: duration('Largest acceptable interval between two consecutive blocks.', '60s'),
      maxP99: duration('Largest acceptable 99th-percentile interval.', '15s'),
    }),
  example: { window: 100, maxGap: '60s', maxP99: '15s' },
  advise(_params, venue) {
    return venue.stack === 'op-stack' ? [`always skipped on op-stack: ${OP_STACK_GRID}`] : [];
  },
  async read(ctx, params) {
    if (ctx.stack === 'op-stack') throw new NotApplicable(OP_STACK_GRID);
    const head = await ctx.venue.latestHead();
    const heads = await ctx.venue.headsEndingAt(head.height, params.window + 1);
    if (heads.length < 2) throw new MeasurementError(`only ${heads.length} block(s) exist; need at least 2`);
    return heads.map((h) => ({ number: Number(h.height), timestamp: h.timestamp }));
  },
  evaluate(params, blocks) {
    const gapsMs = intervals(blocks.map((b) => b.timestamp * 1000));
    const largest = Math.max(...gapsMs);
    const at = gapsMs.indexOf(largest);
    const p99 = percentile(gapsMs, 99);
    const med = median(gapsMs);
    const from = blocks[at]?.number;
    const to = blocks[at + 1]?.number;
    const tooLarge = largest > params.maxGap;
    const erratic = p99 > params.maxP99;
    const summary = `median ${formatDuration(med)}, p99 ${formatDuration(p99)}, largest gap ${formatDuration(largest)}`;
    const problems = [
      tooLarge ? `a ${formatDuration(largest)} gap between blocks ${from} and ${to}` : '',
      erratic ? `p99 interval ${formatDuration(p99)} above ${formatDuration(params.maxP99)}` : '',
    ].filter(Boolean);
    return {
      holds: !tooLarge && !erratic,
      observed: summary,
      threshold: `gap <= ${formatDuration(params.maxGap)}, p99 <= ${formatDuration(params.maxP99)}`,
      message:
        problems.length > 0
          ? `over the last ${gapsMs.length} intervals: ${problems.join('; ')}`
          : `${gapsMs.length} intervals over blocks ${blocks[0]?.number}–${blocks.at(-1)?.number}: ${summary}`,
      // The largest gap is the headline; p99 is judged too, so a fail may lie within this limit.
      value: { value: largest / 1000, unit: 'seconds', limit: { value: params.maxGap / 1000, kind: 'max' } },
      evidence: {
        fromBlock: blocks[0]?.number,
        toBlock: blocks.at(-1)?.number,
        medianMs: med,
        p99Ms: p99,
        largestGapMs: largest,
        largestGapAfterBlock: from,
      },
    };
  },
});
