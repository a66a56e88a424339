/**
 * Checks on the parsed YAML before any value is trusted: what the yaml library accepts but the
 * checklist must not (an unknown tag it drops, an alias to nothing, an alias bomb, a collection as a key,
 * a number literal that does not survive as a number). Each problem points at its node.
 */
import { type Document, isAlias, isCollection, isScalar, type Node, type Scalar, visit } from 'yaml';
import type { ChecklistProblem, SourcePosition } from '../errors.js';
import { indentProblem } from './yamlIndent.js';
import { walk } from './yamlWalk.js';

/** yaml's own default: past it toJS throws ("Excessive alias count"). The loader passes it explicitly. */
export const MAX_ALIAS_COUNT = 100;

type At = (offset: number) => SourcePosition;

const startOf = (node: Node | null | undefined) => node?.range?.[0] ?? 0;

/** yaml's codes for what is most often one line indented out of step with its neighbours. */
const INDENT_CODES = new Set([
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
  'MISSING_CHAR',
  'BAD_INDENT',
  'UNEXPECTED_TOKEN',
]);

/** A quote opened and never closed: the first line with an odd number of them, and the last one's column. */
function unclosedQuote(text: string): { line: number; column: number } | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const index = lines.findIndex((line) => {
    const code = line.replace(/\\./g, '__');
    return (code.match(/"/g)?.length ?? 0) % 2 === 1 || /:\s+'[^']*$/.test(code);
  });
  if (index < 0) return undefined;
  const code = (lines[index] ?? '').replace(/\\./g, '__');
  const column = /:\s+'[^']*$/.test(code) ? code.lastIndexOf("'") : code.lastIndexOf('"');
  return { line: index + 1, column: column + 1 };
}

/** The line yaml stumbled on, when it is not `key: value` or a list item in a way YAML can read. */
function lineShapeProblem(text: string, position: SourcePosition): ChecklistProblem | undefined {
  const source = text.split(/\r\n|\r|\n/)[position.line - 1] ?? '';
  const code = source.replace(/\s+#.*$/, '').trim();
  const indent = source.length - source.trimStart().length;
  const glued = /^(-\s+)?([A-Za-z_][\w.-]*):(?![\s/])\S/.exec(code);
  if (glued?.[2]) {
    return {
      position: { ...position, column: indent + (glued[1]?.length ?? 0) + glued[2].length + 1 },
      message: `YAML syntax: "${glued[2]}:" needs a space after the ":"`,
      expected: `${glued[2]}: value`,
    };
  }
  const second = /^((?:-\s+)?[A-Za-z_][\w.-]*:\s+)([A-Za-z_][\w.-]*):(?:\s|$)/.exec(code);
  if (second?.[1] && second[2]) {
    return {
      position: { ...position, column: indent + second[1].length + 1 },
      message: `YAML syntax: a second "key:" on the line of "${second[1].trim()}": each key of a map goes on a line of its own`,
      expected: `"${second[2]}:" on the next line, indented under "${second[1].replace(/^-\s+/, '').trim()}"`,
    };
  }
  const key = /^([A-Za-z_][\w.-]*)\s+\S/.exec(code)?.[1];
  if (key && !/^[^\s]+:(\s|$)/.test(code)) {
    return {
      position: { ...position, column: indent + 1 },
      message: `YAML syntax: "${code.length > 40 ? `${code.slice(0, 37)}…` : code}" is not "key: value": is a ":" missing after "${key}"?`,
      expected: `${key}: value`,
    };
  }
  return undefined;
}

/**
 * The first YAML error, said plainly: one indentation mistake makes yaml report a cascade of errors
 * from that line on, which would only bury the one that matters. The rest are not reported (they are
 * most likely its consequences); fixing it and validating again shows any that remain.
 */
function firstSyntaxProblem(doc: Document, text: string, at: At): ChecklistProblem | undefined {
  const error = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (!error) return undefined;
  const position = at(error.pos[0]);
  const yamlSays = error.message.split('\n')[0] ?? '';
  if (error.code === 'RESOURCE_EXHAUSTION') return { position, message: 'YAML nested too deeply to read' };
  if (error.code === 'TAB_AS_INDENT')
    return {
      position,
      message: 'YAML syntax: a tab in the indentation (YAML indents with spaces only)',
      expected: 'spaces in place of the tab, lined up with the lines around it',
    };
  if (error.code === 'MISSING_CHAR' && /closing ["']?quote/i.test(yamlSays)) {
    const quote = unclosedQuote(text);
    if (quote)
      return {
        position: { ...position, ...quote },
        message: 'YAML syntax: a quote opened on this line is never closed',
        expected: 'the closing quote at the end of the value',
      };
  }
  if (INDENT_CODES.has(error.code)) {
    const indent = indentProblem(text, position);
    if (indent)
      return {
        position: { ...position, line: indent.line, column: indent.column },
        message: `YAML syntax: ${indent.message}`,
        expected: indent.expected,
      };
    const shape = lineShapeProblem(text, position);
    if (shape) return shape;
  }
  return {
    position,
    message: `YAML syntax: ${yamlSays}`,
    expected: 'valid YAML (check indentation and quoting)',
  };
}

/**
 * The first syntax error (see firstSyntaxProblem), else the warnings (an unresolved tag is only a
 * warning to yaml: the value is silently a string).
 */
export function syntaxProblems(doc: Document, at: At, text = ''): ChecklistProblem[] {
  const first = firstSyntaxProblem(doc, text, at);
  if (first) return [first];
  return doc.warnings.map((warning) =>
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
}

/**
 * Aliases to an anchor that is not (yet) defined, and keys that are collections or aliases (a JS
 * object key can only be text: yaml would stringify `[a, b]` into a key nobody wrote).
 */
export function structureProblems(doc: Document, at: At): ChecklistProblem[] {
  const problems: ChecklistProblem[] = [];
  const anchors = new Set<string>();
  walk(doc, {
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
  walk(doc, {
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
