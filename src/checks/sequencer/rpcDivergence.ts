import type { Hash, PublicClient } from 'viem';
import * as z from 'zod';
import { errorMessage } from '../../core/errors.js';
import { formatDuration } from '../../core/units.js';
import { defineCheck, MeasurementError, NotApplicable } from '../define.js';
import { duration, integer } from '../params.js';

export interface EndpointView {
  label: string;
  head?: { number: number; timestamp: number };
  /** Hash of the common height (the lowest head among the endpoints that answered). */
  hashAtCommon?: Hash;
  error?: string;
}

export interface DivergenceObservation {
  commonHeight: number;
  endpoints: EndpointView[];
  rechecked: boolean;
}

async function hashAt(client: PublicClient, height: number): Promise<Hash> {
  return (await client.getBlock({ blockNumber: BigInt(height) })).hash as Hash;
}

/** Endpoints outside the largest group agreeing on the hash (the first endpoint wins a tie). */
export function dissenters(endpoints: EndpointView[]): EndpointView[] {
  const answered = endpoints.filter((e) => e.hashAtCommon);
  const counts = new Map<Hash, number>();
  for (const e of answered) counts.set(e.hashAtCommon as Hash, (counts.get(e.hashAtCommon as Hash) ?? 0) + 1);
  let majority = answered[0]?.hashAtCommon;
  for (const [hash, count] of counts) if (count > (counts.get(majority as Hash) ?? 0)) majority = hash;
  return answered.filter((e) => e.hashAtCommon !== majority);
}

export const rpcDivergence = defineCheck({
  type: 'sequencer.rpc-divergence',
  concern: 'sequencer',
  requires: { evm: true },
  summary:
    "Do the venue's L2 RPC endpoints agree on the head height and on the block hash at a common height?",
  description:
    'Asks every L2 RPC endpoint of the checklist (no fallback) for its latest block, then for the hash of the ' +
    'block at the lowest head among them. Endpoints that disagree on that hash serve different histories: one ' +
    'of them has split from the sequencer (or is lying), and what you read depends on which one answers. A ' +
    'disagreement is read again after `recheck` before failing, so a node that was merely catching up is not ' +
    'mistaken for a fork. Head skew beyond `maxHeadSkew` blocks also fails. Needs two or more endpoints ' +
    '(otherwise skipped); endpoints that do not answer are named, as a warning.',
  params: () =>
    z.object({
      maxHeadSkew: integer("Largest acceptable difference between the endpoints' heads, in blocks.", {
        min: 0,
        default: 10,
      }),
      recheck: duration('Wait before reading a disagreement again.', '2s', { timer: true }),
    }),
  example: { maxHeadSkew: 10, recheck: '2s' },
  async read(ctx, params): Promise<DivergenceObservation> {
    const endpoints = await ctx.l2.endpointClients();
    if (endpoints.length < 2) throw new NotApplicable('needs two or more L2 RPC URLs to compare');
    const views: EndpointView[] = await Promise.all(
      endpoints.map(async ({ label, client }) => {
        try {
          const block = await client.getBlock({ blockTag: 'latest' });
          return { label, head: { number: Number(block.number), timestamp: Number(block.timestamp) } };
        } catch (error) {
          return { label, error: errorMessage(error) };
        }
      }),
    );
    const live = views.filter((v) => v.head);
    // One endpoint answering is still a measurement of it (and a warning naming the others); none
    // answering measured nothing.
    if (live.length === 0) {
      throw new MeasurementError(
        `none of the ${views.length} L2 endpoints answered: ${views.map((v) => `${v.label}: ${v.error}`).join('; ')}`,
        { endpoints: views },
      );
    }
    const commonHeight = Math.min(...live.map((v) => v.head?.number ?? 0));
    // An endpoint that answered the head but not the hash has stopped answering: it is named as such,
    // not taken for a fork, and the others are still compared.
    const readHashes = () =>
      Promise.all(
        views.map(async (view, index) => {
          if (!view.head || view.error) return;
          try {
            view.hashAtCommon = await hashAt(endpoints[index]?.client as PublicClient, commonHeight);
          } catch (error) {
            view.hashAtCommon = undefined;
            view.error = errorMessage(error);
          }
        }),
      );
    await readHashes();
    if (!views.some((v) => v.hashAtCommon)) {
      throw new MeasurementError(
        `no L2 endpoint answered for block ${commonHeight}: ${views.map((v) => `${v.label}: ${v.error}`).join('; ')}`,
        { endpoints: views },
      );
    }
    let rechecked = false;
    if (dissenters(views).length > 0) {
      await ctx.sleep(params.recheck);
      await readHashes();
      rechecked = true;
    }
    return { commonHeight, endpoints: views, rechecked };
  },
  evaluate(params, observation) {
    const live = observation.endpoints.filter((e) => e.head && !e.error);
    const heights = live.map((e) => e.head?.number ?? 0);
    const times = live.map((e) => e.head?.timestamp ?? 0);
    const skew = Math.max(...heights) - Math.min(...heights);
    const skewMs = (Math.max(...times) - Math.min(...times)) * 1000;
    const split = dissenters(observation.endpoints);
    const dead = observation.endpoints.filter((e) => e.error);
    const observed = `head skew ${skew} blocks (${formatDuration(skewMs)}), ${split.length ? `${split.length} disagree` : 'hashes agree'}`;
    const problems = [
      split.length
        ? `${split.map((e) => e.label).join(', ')} ${split.length > 1 ? 'disagree' : 'disagrees'} on block ${observation.commonHeight} (${split.map((e) => e.hashAtCommon?.slice(0, 10)).join(', ')}…)${observation.rechecked ? ', still after a re-read' : ''}`
        : '',
      skew > params.maxHeadSkew ? `heads are ${skew} blocks apart, over ${params.maxHeadSkew}` : '',
    ].filter(Boolean);
    const alone = live.length < 2 ? '; one endpoint left: nothing to compare it with' : '';
    return {
      holds: problems.length === 0,
      concern: dead.length
        ? `${dead.map((e) => `${e.label} did not answer (${e.error})`).join(', ')}${alone}`
        : undefined,
      observed,
      threshold: `skew <= ${params.maxHeadSkew} blocks, same hash`,
      message: problems.length
        ? problems.join('; ')
        : live.length < 2
          ? `only ${live.map((e) => e.label).join('')} answered (head ${Math.max(...heights)}): nothing to compare`
          : `${live.length} endpoints agree on block ${observation.commonHeight}; heads ${Math.min(...heights)}–${Math.max(...heights)}`,
      // The skew is the headline; a hash disagreement fails too, so a fail may lie within this limit.
      value: { value: skew, unit: 'blocks', limit: { value: params.maxHeadSkew, kind: 'max' } },
      evidence: {
        commonHeight: observation.commonHeight,
        endpoints: observation.endpoints,
        skewBlocks: skew,
        skewMs,
      },
    };
  },
});
