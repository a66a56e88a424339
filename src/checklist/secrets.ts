/**
 * A value taken from the environment (`${ETH_RPC_URL}`) is often a secret, and a problem's message may
 * echo the value it found ('got "…"', '"…" is not a 20-byte hex address'). Every problem is passed
 * through a Redactor that replaces such a value with the `${NAME}` it came from, as the file wrote it,
 * and then hides what has a secret's shape (secretShapes.ts): a key written into the file itself.
 */
import type { ChecklistProblem } from '../errors.js';
import type { Redactor } from '../rpc/redact.js';
import { hideSecretShapes } from './secretShapes.js';

/**
 * Shorter values are left alone: a secret is long, and hiding `5` or `30s` would also rewrite "at most
 * 5" in a message that never echoed the variable.
 */
const SHORTEST_HIDDEN = 8;

export function hideValueOf(secrets: Redactor, name: string, value: string): void {
  if (value.length < SHORTEST_HIDDEN) return;
  // A URL's path, query and user-info are hidden wherever they show up, even as a fragment…
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) secrets.addUrl(value);
  // …and the whole value reads as the variable it came from.
  secrets.add(value, `\${${name}}`);
}

/** `text` as a problem may show it: the run's secrets as their `${NAME}`, secret shapes hidden. */
export function shownText(text: string, secrets: Redactor): string {
  return hideSecretShapes(secrets.apply(text));
}

export function withoutSecrets(problem: ChecklistProblem, secrets: Redactor): ChecklistProblem {
  return {
    ...problem,
    message: shownText(problem.message, secrets),
    ...(problem.expected !== undefined ? { expected: shownText(problem.expected, secrets) } : {}),
    ...(problem.suggestion !== undefined
      ? {
          suggestion:
            typeof problem.suggestion === 'string'
              ? shownText(problem.suggestion, secrets)
              : problem.suggestion.map((s) => shownText(s, secrets)),
        }
      : {}),
  };
}
