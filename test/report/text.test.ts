/** What the human formats tell a user to do about an `error`: it follows why nothing was measured. */
import { describe, expect, it } from 'vitest';
import type { CheckResult, ErrorResult } from '../../src/core/result.js';
import { ERROR_KINDS } from '../../src/core/vocabulary.js';
import { errorAdvice } from '../../src/report/text.js';
import { fixtureResults, fixtureRun } from './fixtures.js';

const errorOf = (kind: ErrorResult['errorKind']): CheckResult => {
  const error = fixtureResults().find((r): r is ErrorResult => r.status === 'error');
  if (!error) throw new Error('the fixture has no error result');
  return { ...error, errorKind: kind };
};

describe('errorAdvice', () => {
  it.each([
    ['timeout', "raise the check's `timeout`"],
    ['stale-read', 'serves an old head'],
    ['chain-mismatch', 'serves another chain'],
    ['clock', "this machine's clock is behind the chain head"],
    ['measurement', 'the chain answered, but not with something the check can judge'],
    ['internal', 'a bug in l2preflight'],
    ['rpc', 'check the endpoint the message names'],
    ['malformed-response', 'check the endpoint the message names'],
  ] as const)('%s: %s', (kind, advice) => {
    expect(errorAdvice(fixtureRun(), errorOf(kind))).toContain(advice);
  });

  it('gives every kind some advice, and the deadline wins over the kind', () => {
    for (const kind of ERROR_KINDS) {
      if (kind === 'not-applicable') continue;
      expect(errorAdvice(fixtureRun(), errorOf(kind)).length).toBeGreaterThan(20);
    }
    const cut = errorOf('timeout');
    expect(errorAdvice(fixtureRun({ cutByDeadline: [cut.id] }), cut)).toContain('the run deadline ended it');
  });
});
