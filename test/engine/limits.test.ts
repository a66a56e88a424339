/** The run's signal reaching every check's own controller through one listener. */
import { describe, expect, it } from 'vitest';
import { childController } from '../../src/engine/limits.js';

describe('childController', () => {
  it("aborts every live child with the parent's reason, through one listener on the parent", () => {
    const parent = new AbortController();
    let added = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    parent.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      added += 1;
      add(...args);
    };
    const children = Array.from({ length: 50 }, () => childController(parent.signal));
    const reason = new Error('deadline');
    parent.abort(reason);
    expect(added).toBe(1);
    for (const { controller } of children) expect(controller.signal.reason).toBe(reason);
  });

  it('leaves a released child alone', () => {
    const parent = new AbortController();
    const done = childController(parent.signal);
    const live = childController(parent.signal);
    done.release();
    parent.abort(new Error('interrupted'));
    expect(done.controller.signal.aborted).toBe(false);
    expect(live.controller.signal.aborted).toBe(true);
  });

  it('is born aborted under a parent that already is', () => {
    const parent = new AbortController();
    const reason = new Error('over');
    parent.abort(reason);
    expect(childController(parent.signal).controller.signal.reason).toBe(reason);
  });
});
