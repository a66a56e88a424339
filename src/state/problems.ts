/**
 * A run whose state directory cannot be used still reports and exits with its verdict: what could not
 * be read or saved becomes one warning (not one per check, not a stack trace), naming the directory
 * and the cause.
 */
import type { StateProblem } from './store.js';

/** One line for every problem of a run, or undefined when there was none. */
export function stateWarning(dir: string, problems: readonly StateProblem[]): string | undefined {
  const first = problems[0];
  if (!first) return undefined;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more like it)` : '';
  const effects = [
    problems.some((p) => p.action === 'read')
      ? 'checks that compare with earlier runs say in their result what they could not compare'
      : '',
    // A history that could not be read is not rewritten either (this run alone would replace it).
    'this run is not remembered in full',
  ].filter(Boolean);
  return `state directory ${dir} cannot be used: ${first.message}${more}; ${effects.join(', and ')}. The report and the verdict stand`;
}
