/** JUnit XML for CI systems: one testcase per check. */
import type { CheckResult, RunResult } from '../engine/result.js';

// XML 1.0 allows tab, newline and carriage return among the control characters; nothing else.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(ILLEGAL_XML, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function body(result: CheckResult): string {
  const lines = [result.message];
  if (result.status !== 'skip' && result.status !== 'error') {
    lines.push(`observed: ${result.observed}`, `threshold: ${result.threshold}`);
  }
  if (result.remediation) lines.push(`remediation: ${result.remediation}`);
  return escapeXml(lines.join('\n'));
}

function testcase(result: CheckResult, failOn: RunResult['failOn']): string {
  const open = `    <testcase name="${escapeXml(result.id)}" classname="${escapeXml(result.type)}" time="${seconds(result.durationMs)}"`;
  const message = escapeXml(result.message);
  switch (result.status) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n      <failure message="${message}" type="fail">${body(result)}</failure>\n    </testcase>`;
    case 'warn':
      return failOn === 'warn'
        ? `${open}>\n      <failure message="${message}" type="warn">${body(result)}</failure>\n    </testcase>`
        : `${open}>\n      <system-out>warning: ${body(result)}</system-out>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${message}" type="error">${body(result)}</error>\n    </testcase>`;
    case 'skip':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
  }
}

export function renderJunit(run: RunResult): string {
  const failures = run.results.filter(
    (r) => r.status === 'fail' || (r.status === 'warn' && run.failOn === 'warn'),
  ).length;
  const counts = `tests="${run.results.length}" failures="${failures}" errors="${run.summary.error}" skipped="${run.summary.skip}" time="${seconds(run.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="l2preflight" ${counts}>`,
    `  <testsuite name="${escapeXml(run.venue.name)}" ${counts} timestamp="${escapeXml(run.startedAt)}">`,
    ...run.results.map((r) => testcase(r, run.failOn)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
