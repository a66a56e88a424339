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
});
