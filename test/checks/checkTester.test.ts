/** The CheckTester must be able to fail: it catches impure evaluates and params no loader produces. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCheck } from '../../src/checks/define.js';
import { duration } from '../../src/checks/params.js';
import { headAge } from '../../src/checks/sequencer/headAge.js';
import { CheckTester, contractAddress } from '../helpers/checkTester.js';

const counter = { calls: 0 };
const base = {
  requires: {},
  concern: 'sequencer' as const,
  summary: 's',
  description: 'd',
  params: z.object({ max: duration('Largest age.', '30s') }),
  example: { max: '30s' },
  async read() {
    return { ages: [3, 1, 2] };
  },
};

describe('CheckTester', () => {
  it('parses params through the loader: units and defaults, as a checklist would write them', () => {
    const tester = new CheckTester(headAge);
    expect(tester.params({ max: '10m' })).toEqual({ max: 600_000 });
    expect(tester.params({})).toEqual({ max: 30_000 });
  });

  it('refuses params the loader refuses, naming the problem', () => {
    expect(() => new CheckTester(headAge).params({ max: 30 })).toThrow(/the loader refuses.*\n.*max/);
    expect(() => new CheckTester(headAge).params({ mx: '30s' })).toThrow(/unknown key "mx"/);
  });

  it('resolves $name contracts to a fixed address per name', () => {
    expect(contractAddress('feed')).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(contractAddress('feed')).not.toBe(contractAddress('other'));
  });

  it('fails an evaluate that judges the same input differently the second time', () => {
    const flaky = defineCheck({
      ...base,
      type: 'test.flaky',
      evaluate() {
        counter.calls += 1;
        return { holds: counter.calls % 2 === 1, observed: 'o', threshold: 't', message: 'm' };
      },
    });
    // Not in the registry: the loader refuses an unknown type, so judge with parsed params directly.
    const tester = new CheckTester(flaky);
    tester.params = () => ({ max: 30_000 });
    expect(() => tester.evaluate({ name: 'x', params: {}, observation: { ages: [1] } })).toThrow(
      /judged the same input differently/,
    );
  });

  it('fails an evaluate that changes its observation', () => {
    const sorting = defineCheck({
      ...base,
      type: 'test.sorting',
      evaluate(_params, observation) {
        observation.ages.sort();
        return { holds: true, observed: 'o', threshold: 't', message: 'm' };
      },
    });
    const tester = new CheckTester(sorting);
    tester.params = () => ({ max: 30_000 });
    expect(() => tester.evaluate({ name: 'x', params: {}, observation: { ages: [3, 1, 2] } })).toThrow(
      /changed its observation/,
    );
  });

  describe('limit: value and limit must agree with the verdict', () => {
    // holds while the largest age is <= max; `limitAt` is where it says its limit is (wrongly, when not max).
    const ages = (name: string, limitAt: (max: number) => number, withLimit = true) =>
      defineCheck({
        ...base,
        type: `test.${name}`,
        evaluate(params, observation: { ages: number[] }) {
          const largest = Math.max(...observation.ages);
          const limit = { value: limitAt(params.max), kind: 'max' as const };
          return {
            holds: largest <= params.max,
            observed: 'o',
            threshold: 't',
            message: 'm',
            value: { value: largest, unit: 'seconds', ...(withLimit ? { limit } : {}) },
          };
        },
      });
    const judge = (check: ReturnType<typeof ages>, rule: 'decides' | 'headline', largest: number) => {
      const tester = new CheckTester(check, { limit: rule });
      tester.params = () => ({ max: 10 });
      return () => tester.evaluate({ name: 'x', params: {}, observation: { ages: [1, largest] } });
    };

    it('accepts a limit that agrees, on both sides of it', () => {
      const sound = ages('sound', (max) => max);
      for (const largest of [5, 10, 11]) expect(judge(sound, 'decides', largest)).not.toThrow();
    });

    it('fails a pass whose value lies beyond its limit, whatever the rule', () => {
      const low = ages('low', (max) => max - 5); // 7 holds (<= 10) but lies beyond the stated 5
      expect(judge(low, 'headline', 7)).toThrow(/beyond the limit yet the check holds/);
      expect(judge(low, 'decides', 7)).toThrow(/beyond the limit yet the check holds/);
    });

    it('fails a fail within its limit when the limit decides, not when the check judges more', () => {
      const high = ages('high', (max) => max + 5); // 12 fails (> 10) though within the stated 15
      expect(judge(high, 'decides', 12)).toThrow(/the check does not hold/);
      expect(judge(high, 'headline', 12)).not.toThrow();
    });

    it('fails a judgement with a value but no limit', () => {
      expect(
        judge(
          ages('bare', (max) => max, false),
          'headline',
          5,
        ),
      ).toThrow(/carries its limit/);
    });

    it("checks a case's expected limit exactly", () => {
      const tester = new CheckTester(ages('exact', (max) => max));
      tester.params = () => ({ max: 10 });
      const c = { name: 'x', params: {}, observation: { ages: [1] } };
      expect(() => tester.evaluate({ ...c, limit: { value: 10, kind: 'max' } })).not.toThrow();
      expect(() => tester.evaluate({ ...c, limit: { value: 10, kind: 'min' } })).toThrow(/limit/);
      expect(() => tester.evaluate({ ...c, limit: 'none' })).toThrow(/limit/);
    });
  });
});
