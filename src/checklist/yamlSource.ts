/**
 * Checks on the parsed YAML before any value is trusted: what the yaml library accepts but the
 * checklist must not (an unknown tag it drops, an alias to nothing, an alias bomb, a collection as a key,
 * a number literal that does not survive as a number). Each problem points at its node.
 */
import { type Document, isAlias, isCollection, isScalar, type Node, type Scalar, visit } from 'yaml';
import type { ChecklistProblem, SourcePosition } from '../errors.js';

/** yaml's own default: past it toJS throws ("Excessive alias count"). The loader passes it explicitly. */
export const MAX_ALIAS_COUNT = 100;

type At = (offset: number) => SourcePosition;

const startOf = (node: Node | null | undefined) => node?.range?.[0] ?? 0;

/** Syntax errors and warnings (an unresolved tag is only a warning to yaml: the value is silently a string). */
export function syntaxProblems(doc: Document, at: At): ChecklistProblem[] {
  const errors = doc.errors.map((error) => ({
    position: at(error.pos[0]),
    message:
      error.code === 'RESOURCE_EXHAUSTION'
        ? 'YAML nested too deeply to read'
        : `YAML syntax: ${error.message.split('\n')[0]}`,
    expected: 'valid YAML (check indentation and quoting)',
  }));
  const warnings = doc.warnings.map((warning) =>
    warning.code === 'TAG_RESOLVE_FAILED'
      ? {
          position: at(warning.pos[0]),
          message: `unknown YAML tag (${warning.message.replace(/^Unresolved tag:\s*/, '').split('\n')[0]})`,
          expected: 'a plain value without a tag (a checklist needs no "!tag")',
        }
      : {
          position: at(warning.pos[0]),
          message: `YAML: ${warning.message.split('\n')[0]}`,
          expected: 'valid YAML',
        },
  );
  return [...errors, ...warnings];
}

/**
 * Aliases to an anchor that is not (yet) defined, and keys that are collections or aliases (a JS
 * object key can only be text: yaml would stringify `[a, b]` into a key nobody wrote).
 */
export function structureProblems(doc: Document, at: At): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          problems.push({
            position: at(startOf(node)),
            message: `YAML alias *${node.source} refers to no anchor defined before it`,
            expected: `&${node.source} on a value above this line, or the value itself`,
          });
        }
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
    },
    Pair(_key, pair) {
      // The core schema has no merge keys: `<<` would be an unknown key with a baffling suggestion.
      if (isScalar(pair.key) && pair.key.value === '<<') {
        problems.push({
          position: at(startOf(pair.key)),
          message: 'YAML merge keys (<<) are not supported',
          expected: 'the keys written out where they apply',
        });
      } else if (pair.key !== null && !isScalar(pair.key)) {
        problems.push({
          position: at(startOf(pair.key as Node)),
          message: isCollection(pair.key)
            ? 'a YAML key that is a list or a map'
            : 'a YAML key that is an alias',
          expected: 'a plain key such as "max"',
        });
      }
    },
  });
  return problems;
}

/** The first alias in the document: where an alias bomb is reported. */
export function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * A number literal whose value is not what it says: `12e-400` underflows to 0, `1e999` overflows to
 * Infinity (only `.inf` may), and an integer past 2^53 is silently rounded (a chain id off by one).
 */
export function numberProblems(doc: Document, text: string, at: At): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value !== 'number' || !node.range) return;
      const literal = text.slice(node.range[0], node.range[1]);
      const mantissa = literal.split(/[eE]/)[0] ?? '';
      let message: string | undefined;
      if (node.value === 0 && /[1-9]/.test(mantissa))
        message = `the number ${literal} is too small: it reads as 0`;
      else if (!Number.isFinite(node.value) && !/inf/i.test(literal))
        message = `the number ${literal} is too large: it reads as Infinity`;
      else if (
        Number.isInteger(node.value) &&
        !Number.isSafeInteger(node.value) &&
        /^[-+]?[\d_]+$/.test(literal)
      )
        message = `the integer ${literal} is too large to be exact (above 2^53)`;
      if (message) problems.push({ position: at(node.range[0]), message, expected: 'a number in range' });
    },
  });
  return problems;
}

/** `version: 01` or `1.0` read as 1 by YAML; the format's version is written exactly `1`. */
export function versionProblem(doc: Document, text: string, at: At): ChecklistProblem | undefined {
  const node = doc.get('version', true);
  if (!isScalar(node) || node.value !== 1 || !node.range) return undefined;
  const literal = text.slice(node.range[0], node.range[1]);
  if (literal === '1') return undefined;
  return {
    position: at(node.range[0]),
    message: `version is written "${literal}"`,
    expected: 'version: 1 (exactly the integer 1)',
  };
}
