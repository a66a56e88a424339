/** A main() that never settles must not end the process as a silent exit 0 (a script would read ROUTE). */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardVerdict, INTERNAL_ERROR_EXIT, NO_VERDICT_MESSAGE } from '../src/verdictGuard.js';

/** A stand-in for `process`: the event loop emptying is emitting 'beforeExit' by hand. */
function fakeProcess() {
  const events = new EventEmitter();
  const written: string[] = [];
  const exits: number[] = [];
  return {
    once: (event: 'beforeExit', listener: () => void) => events.once(event, listener),
    off: (event: 'beforeExit', listener: () => void) => events.off(event, listener),
    stderr: { write: (text: string) => written.push(text) },
    exit: (code: number) => {
      exits.push(code);
    },
    emptyLoop: () => events.emit('beforeExit'),
    written,
    exits,
  };
}

describe('guardVerdict', () => {
  it('turns an event loop that empties before main() settles into an internal error, exit 70', () => {
    const target = fakeProcess();
    void guardVerdict(new Promise<void>(() => {}), target);
    target.emptyLoop();
    expect(target.exits).toEqual([INTERNAL_ERROR_EXIT]);
    expect(INTERNAL_ERROR_EXIT).toBe(70);
    expect(target.written).toEqual([NO_VERDICT_MESSAGE]);
    expect(NO_VERDICT_MESSAGE).toBe(
      'internal error: l2preflight ended without a verdict (please report it)\n',
    );
  });

  it('stays out of the way once main() has settled, resolved or rejected', async () => {
    for (const work of [Promise.resolve('done'), Promise.reject(new Error('bug'))]) {
      const target = fakeProcess();
      await guardVerdict(work, target).catch(() => undefined);
      target.emptyLoop();
      expect(target.exits).toEqual([]);
      expect(target.written).toEqual([]);
    }
  });
});
