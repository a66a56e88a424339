/**
 * The runner's limits, driven through runChecklist with a stub session and scripted checks on fake
 * timers: no chain, no sleeping, nothing that depends on the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MeasurementError, NotApplicable } from '../../src/checks/define.js';
import { type RunOptions, runChecklist } from '../../src/engine/run.js';
import { checklistOf, fakeCheck, hangs, instance, stubSession } from './stubSession.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const run = (checks: Parameters<typeof checklistOf>[0], options: RunOptions = {}) =>
  runChecklist(checklistOf(checks), { session: () => stubSession(), ...options });

/** The run's outcome if it has finished by now (after the timers advanced so far), else a failure. */
async function finished<T>(run: Promise<T>): Promise<T> {
  const pending = Symbol('pending');
  const first = await Promise.race([run, Promise.resolve(pending)]);
  if (first === pending) throw new Error('the run has not finished');
  return first as T;
}

const answers = (value: unknown) => fakeCheck(async () => value);

describe('the runner on a stub session', () => {
  it('turns a judgement into a result, with the check’s own fields', async () => {
    const { run: report } = await run([instance('ok', answers(42), { tags: ['t'], remediation: 'none' })]);
    expect(report.results).toEqual([
      expect.objectContaining({
        id: 'ok',
        status: 'pass',
        observed: '42',
        threshold: 'anything',
        message: 'read 42',
        tags: ['t'],
        remediation: 'none',
      }),
    ]);
    expect(report.verdict).toBe('ROUTE');
  });

  it('ends a check that never settles at its timeout, as error, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const seesSignal = fakeCheck((ctx) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    const outcome = run([instance('hangs', seesSignal, { timeoutMs: 500 })]);
    await vi.advanceTimersByTimeAsync(499);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { run: report } = await finished(outcome);
    expect(report.results[0]).toMatchObject({
      status: 'error',
      message: 'could not measure: timed out after 500ms',
    });
    expect(signal?.aborted).toBe(true);
    expect(report.cutByDeadline).toEqual([]);
    expect(report.verdict).toBe('NO VERDICT');
  });

  it('takes the run’s --timeout when the check sets none', async () => {
    const outcome = run([instance('hangs', hangs)], { timeoutMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await finished(outcome)).run.results[0]?.message).toBe('could not measure: timed out after 2s');
  });

  it('ends unfinished checks at the run deadline and names them as cut; finished ones keep their result', async () => {
    const outcome = run([instance('slow', hangs), instance('fast', answers('x'))], { deadlineMs: 800 });
    await vi.advanceTimersByTimeAsync(800);
    const { run: report } = await finished(outcome);
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['slow', 'error'],
      ['fast', 'pass'],
    ]);
    expect(report.results[0]?.message).toBe('could not measure: run deadline of 800ms reached');
    expect(report.cutByDeadline).toEqual(['slow']);
    expect(report.deadlineMs).toBe(800);
  });

  it('ends at once, without reading, a check the pool starts after the deadline', async () => {
    const read = vi.fn(async () => 'late');
    const outcome = run([instance('first', hangs), instance('late', fakeCheck(read))], {
      deadlineMs: 100,
      concurrency: 1,
    });
    await vi.advanceTimersByTimeAsync(100);
    const { run: report } = await finished(outcome);
    expect(read).not.toHaveBeenCalled();
    expect(report.results[1]).toMatchObject({
      status: 'error',
      message: 'could not measure: run deadline of 100ms reached',
      durationMs: 0,
    });
    expect(report.cutByDeadline).toEqual(['first', 'late']);
  });

  it('ends every check at once when the caller aborts, and does not call it the deadline', async () => {
    const interrupt = new AbortController();
    const outcome = run([instance('a', hangs), instance('b', hangs)], { signal: interrupt.signal });
    await vi.advanceTimersByTimeAsync(10);
    interrupt.abort();
    // No timer needs to fire: the abort alone settles the run.
    await vi.advanceTimersByTimeAsync(0);
    const { run: report } = await finished(outcome);
    expect(report.results.map((r) => r.message)).toEqual([
      'could not measure: the run was interrupted',
      'could not measure: the run was interrupted',
    ]);
    expect(report.cutByDeadline).toEqual([]);
  });

  it('starts no check of a run whose signal was aborted before it began', async () => {
    const read = vi.fn(async () => 'x');
    const { run: report } = await run([instance('a', fakeCheck(read))], { signal: AbortSignal.abort() });
    expect(read).not.toHaveBeenCalled();
    expect(report.results[0]?.status).toBe('error');
  });

  it('keeps at most `concurrency` checks in flight, and reports them in checklist order', async () => {
    let inFlight = 0;
    let most = 0;
    const counted = (ms: number) =>
      fakeCheck(async (ctx) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await ctx.sleep(ms);
        inFlight -= 1;
        return ms;
      });
    const checks = [50, 10, 30, 20, 40].map((ms, i) => instance(`c${i}`, counted(ms)));
    const outcome = run(checks, { concurrency: 2 });
    await vi.advanceTimersByTimeAsync(200);
    const { run: report } = await outcome;
    expect(most).toBe(2);
    expect(report.results.map((r) => r.status === 'pass' && r.observed)).toEqual([
      '50',
      '10',
      '30',
      '20',
      '40',
    ]);
  });

  it('makes a thrown error an error and NotApplicable a skip, never a pass', async () => {
    const { run: report } = await run([
      instance(
        'broken',
        fakeCheck(() => Promise.reject(new MeasurementError('the feed is gone'))),
      ),
      instance(
        'n/a',
        fakeCheck(() => Promise.reject(new NotApplicable('not on this stack'))),
      ),
    ]);
    expect(report.results.map((r) => [r.status, r.message])).toEqual([
      ['error', 'could not measure: the feed is gone'],
      ['skip', 'not applicable: not on this stack'],
    ]);
  });

  it('skips a check by --skip or its own skip without running it', async () => {
    const read = vi.fn(async () => 'x');
    const { run: report } = await run(
      [instance('a', fakeCheck(read), { tags: ['slow'] }), instance('b', fakeCheck(read), { skip: 'off' })],
      { skip: ['slow'] },
    );
    expect(read).not.toHaveBeenCalled();
    expect(report.results.map((r) => r.message)).toEqual(['skipped by --skip', 'off']);
  });

  it('gives the check the session’s readers, and refuses the ones the venue lacks', async () => {
    const { run: report } = await runChecklist(
      checklistOf([
        instance(
          'evm',
          fakeCheck(async (ctx) => ctx.l2),
        ),
        instance(
          'l1',
          fakeCheck(async (ctx) => ctx.l1),
        ),
        instance(
          'stack',
          fakeCheck(async (ctx) => ctx.stack),
        ),
      ]),
      {
        session: () =>
          stubSession({ stack: 'dydx-v4', capabilities: { stack: 'dydx-v4', evm: false, l1: false } }),
      },
    );
    expect(report.results.map((r) => [r.status, r.message])).toEqual([
      ['skip', 'not applicable: dydx-v4 is not an EVM chain: this check reads EVM state (blocks, contracts)'],
      ['error', 'could not measure: this check reads L1, and the checklist declares no venue.l1'],
      ['pass', 'read dydx-v4'],
    ]);
  });

  it('builds the session from the run’s signal, which the deadline aborts', async () => {
    let signal: AbortSignal | undefined;
    const outcome = runChecklist(checklistOf([instance('a', hangs)]), {
      deadlineMs: 50,
      session: (s) => {
        signal = s;
        return stubSession();
      },
    });
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    await outcome;
    expect(signal?.aborted).toBe(true);
  });
});
