/** JUnit XML for CI systems: one testcase per check. */
import type { CheckResult, RunResult } from '../core/result.js';
import { errorAdvice, escalationLines, venueLabels } from './text.js';

// XML 1.0 allows tab, newline and carriage return among the control characters, and no lone
// surrogates or U+FFFE/U+FFFF; a CI parser rejects the whole report over one such character.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

function escapeText(text: string): string {
  return text
    .replace(ILLEGAL_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** Parsers fold raw line breaks and tabs in attribute values into spaces; character references survive. */
function escapeAttr(text: string): string {
  return escapeText(text).replaceAll('\t', '&#9;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function body(run: RunResult, result: CheckResult): string {
  const lines = [result.message];
  if (result.status === 'pass' || result.status === 'warn' || result.status === 'fail') {
    lines.push(`observed: ${result.observed}`, `threshold: ${result.threshold}`);
  } else if (result.status === 'error' && result.threshold !== undefined) {
    lines.push(`threshold: ${result.threshold}`);
  }
  // An error measured nothing: what to do about the measurement, never the check's fail remediation.
  if (result.status === 'error') lines.push(`what to do: ${errorAdvice(run, result)}`);
  else if (result.remediation) lines.push(`remediation: ${result.remediation}`);
  // Who answers, for a failure and an error alike: a check that cannot measure still has an owner.
  lines.push(...escalationLines(result).map(({ label, text }) => `${label}: ${text}`));
  return escapeText(lines.join('\n'));
}

/** A warning fails the build only when the run was asked to hold on warnings. */
const countsAsFailure = (result: CheckResult, failOn: RunResult['failOn']) =>
  result.status === 'fail' || (result.status === 'warn' && failOn === 'warn');

function testcase(run: RunResult, result: CheckResult, venue?: string): string {
  const failOn = run.failOn;
  const classname = venue === undefined ? result.type : `${venue}.${result.type}`;
  const open = `    <testcase name="${escapeAttr(result.id)}" classname="${escapeAttr(classname)}" time="${seconds(result.durationMs)}"`;
  const child = (xml: string) => `${open}>\n      ${xml}\n    </testcase>`;
  const message = escapeAttr(result.message);
  switch (result.status) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
    case 'warn':
      return countsAsFailure(result, failOn)
        ? child(`<failure message="${message}" type="${result.status}">${body(run, result)}</failure>`)
        : child(`<system-out>warning: ${body(run, result)}</system-out>`);
    case 'error':
      return child(`<error message="${message}" type="error">${body(run, result)}</error>`);
    case 'skip':
      return child(`<skipped message="${message}"/>`);
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Counted from the testcases written below, so the totals always agree with the body. */
function countsOf(run: RunResult): Counts {
  const count = (keep: (r: CheckResult) => boolean) => run.results.filter(keep).length;
  return {
    tests: run.results.length,
    failures: count((r) => countsAsFailure(r, run.failOn)),
    errors: count((r) => r.status === 'error'),
    skipped: count((r) => r.status === 'skip'),
  };
}

const attributes = (c: Counts, durationMs: number) =>
  `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(durationMs)}"`;

/**
 * `venue`: in a comparison, the venue's label (its name, with its checklist when two share a name),
 * which also leads each testcase's classname: CI reporters key cases on suite, class and name, and two
 * venues' cases under one key would let one's pass hide the other's failure.
 */
function testsuite(run: RunResult, venue?: string): string[] {
  return [
    `  <testsuite name="${escapeAttr(venue ?? run.venue.name)}" ${attributes(countsOf(run), run.durationMs)} timestamp="${escapeAttr(run.startedAt)}">`,
    // Skipped testcases fail no build: the verdict says when nothing critical was measured at all.
    '    <properties>',
    ...[
      ['verdict', run.verdict],
      ['verdictReason', run.verdictReason],
      ['checksRun', String(run.checksRun)],
      ['checksInChecklist', String(run.checksInChecklist)],
      ...(run.cutByDeadline.length > 0 ? [['cutByDeadline', run.cutByDeadline.join(',')]] : []),
    ].map(([name, value]) => `      <property name="${name}" value="${escapeAttr(value ?? '')}"/>`),
    '    </properties>',
    ...run.results.map((r) => testcase(run, r, venue)),
    '  </testsuite>',
  ];
}

export function renderJunit(run: RunResult): string {
  return renderJunitSuites([run]);
}

/**
 * One testsuite per venue (a comparison of several checklists); the testsuites totals are their sums.
 * The slowest venue's time is the comparison's: the venues ran side by side.
 */
export function renderJunitSuites(runs: readonly RunResult[]): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const c of runs.map(countsOf)) {
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  }
  const time = Math.max(0, ...runs.map((run) => run.durationMs));
  const labels = venueLabels(runs);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="l2preflight" ${attributes(total, time)}>`,
    ...(runs.length === 1
      ? runs.flatMap((run) => testsuite(run))
      : runs.flatMap((run, i) => testsuite(run, labels[i]))),
    '</testsuites>',
    '',
  ].join('\n');
}
