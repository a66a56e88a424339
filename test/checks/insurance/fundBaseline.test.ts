/** A drawdown baseline of 0 was trusted and the drawdown silently skipped (issue #13 item 9). */
import { describe, expect, it } from 'vitest';
import { type FundObservation, fund } from '../../../src/checks/insurance/fund.js';

const params = fund.params.parse({
  holder: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  assets: [{ native: true, price: '1 USD' }],
  min: '1 USD',
  maxDrawdown: '20%',
});

const observation = (totalUsd: number, previous?: number, historyProblem?: string): FundObservation => ({
  assets: [{ asset: 'native', balance: `${totalUsd} native`, priceUsd: 1, valueUsd: totalUsd }],
  previous:
    previous === undefined
      ? undefined
      : { totalUsd: previous, savedAt: '2026-11-28T09:00:00.000Z', samples: 3 },
  historyProblem,
});

describe('insurance.fund drawdown baseline', () => {
  it.each([
    [
      'a high-water mark of 0',
      observation(100, 0),
      /highest value recorded over the last 1d is 0\.00 USD, no baseline/,
    ],
    [
      'no history and an unusable file',
      observation(100, undefined, 'the recorded values were unusable (x)'),
      /unusable/,
    ],
  ])('warns, saying drawdown was not checked, with %s', (_name, seen, concern) => {
    const judgement = fund.evaluate(params, seen, Date.now());
    expect(judgement.holds).toBe(true);
    expect(judgement.concern).toMatch(concern);
    expect(judgement.concern).toContain('drawdown not checked this run');
  });

  it('says nothing on a first run (no history at all)', () => {
    expect(fund.evaluate(params, observation(100), Date.now()).concern).toBeUndefined();
  });

  it('measures a fall from a positive high-water mark', () => {
    const judgement = fund.evaluate(params, observation(50, 100), Date.now());
    expect(judgement.holds).toBe(false);
    expect(judgement.message).toContain('down 50.0%');
  });
});
