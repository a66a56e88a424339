/**
 * The HTML report: one self-contained file a desk opens from a CI artifact or a shared drive. Inline
 * CSS and inline SVG only — no script, no font, no image, nothing fetched — and a Content-Security-Policy
 * that forbids any of it, so a message that somehow escaped its escaping still could not run or call out.
 */
import type { CheckResult, RunResult, Status, Verdict } from '../core/result.js';
import { formatDuration } from '../core/units.js';
import { blocking } from '../engine/status.js';
import { type RecordedValue, type RunRecord, recordOf } from '../state/runs.js';
import { formatValue } from './sparkline.js';
import { checksRunText, deadlineText, errorAdvice, escalationLines, visible } from './text.js';

/** Text for an HTML element or a double-quoted attribute: chains and RPCs write some of it. */
export function escapeHtml(text: string): string {
  return visible(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const e = escapeHtml;

const VERDICT_CLASS: Record<Verdict, string> = { ROUTE: 'route', HOLD: 'hold', 'NO VERDICT': 'none' };

/**
 * Renders the run and, for every check with a measured value, a chart of that value across `history`
 * (oldest first). The history normally ends with this run's record; when it does not, this run is
 * appended, so the chart's last point is always the figure the report shows.
 */
export function renderHtml(run: RunResult, history: readonly RunRecord[] = []): string {
  const runs = history.at(-1)?.startedAt === run.startedAt ? history : [...history, recordOf(run)];
  const s = run.summary;
  const blockers = blocking(run.results, run.failOn);
  const verdictLine = {
    ROUTE: `nothing at or above --fail-on ${run.failOn}`,
    HOLD: `${blockers.map((r) => r.id).join(', ')} at or above --fail-on ${run.failOn}`,
    'NO VERDICT': run.verdictReason,
  } satisfies Record<Verdict, string>;
  const venue = [
    run.venue.stack,
    run.venue.l2ChainId !== undefined ? `chain ${run.venue.l2ChainId}` : run.venue.network,
    run.venue.l1ChainId !== undefined ? `L1 ${run.venue.l1ChainId}` : undefined,
  ].filter((part): part is string => part !== undefined);
  const cut = deadlineText(run);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>l2preflight: ${e(run.verdict)} — ${e(run.venue.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="verdict ${VERDICT_CLASS[run.verdict]}" data-verdict="${e(run.verdict)}">
<h1><span class="badge">${e(run.verdict)}</span> ${e(run.venue.name)}</h1>
<p class="reason">${e(verdictLine[run.verdict])}</p>
<p class="meta">${venue.map(e).join(' · ')} · <code>${e(run.checklist)}</code> · ${e(run.startedAt)} · ${e(formatDuration(run.durationMs))}</p>
<p class="meta">${e(checksRunText(run))} · <b class="s-pass">${s.pass} pass</b> · <b class="s-warn">${s.warn} warn</b> · <b class="s-fail">${s.fail} fail</b> · <b class="s-error">${s.error} error</b> · <b class="s-skip">${s.skip} skip</b> · ${runs.length} recorded run${runs.length === 1 ? '' : 's'} charted</p>
${cut ? `<p class="meta">${e(cut)}</p>\n` : ''}</header>
<main>
${problemsFirst(run.results)
  .map((result) => checkSection(run, result, runs))
  .join('\n')}
</main>
<footer>
${endpointsList(run)}<p>${e(`${run.tool.name} ${run.tool.version}`)} · --fail-on ${e(run.failOn)}</p>
</footer>
</body>
</html>
`;
}

const READING_ORDER: Record<Status, number> = { fail: 0, error: 1, warn: 2, pass: 3, skip: 4 };

/** A desk reads what is wrong first: failures, then what could not be measured, then warnings; else the checklist's order. */
function problemsFirst(results: readonly CheckResult[]): CheckResult[] {
  return [...results].sort((a, b) => READING_ORDER[a.status] - READING_ORDER[b.status]);
}

function checkSection(run: RunResult, result: CheckResult, runs: readonly RunRecord[]): string {
  const judged = result.status === 'pass' || result.status === 'warn' || result.status === 'fail';
  const changed =
    result.previousStatus && result.previousStatus !== result.status
      ? ` <span class="was">was ${e(result.previousStatus)}</span>`
      : '';
  const threshold = result.status === 'skip' ? undefined : result.threshold;
  const figures = [
    judged ? `<dt>observed</dt><dd class="observed">${e(result.observed)}</dd>` : '',
    threshold ? `<dt>threshold</dt><dd class="threshold">${e(threshold)}</dd>` : '',
  ].join('');
  // An error measured nothing about the venue: it gets advice on the measurement, never the check's
  // remediation (which is for when the venue fails it).
  const advice =
    result.status === 'error'
      ? errorAdvice(run, result)
      : (result.status === 'fail' || result.status === 'warn') && result.remediation
        ? result.remediation
        : undefined;
  const problem = result.status === 'fail' || result.status === 'warn' || result.status === 'error';
  const escalation = problem ? escalationLines(result) : [];
  const chart = chartOf(result, runs);
  return `<section class="check s-${result.status}" id="${e(`check-${result.id}`)}" data-check="${e(result.id)}" data-status="${result.status}">
<div class="head"><span class="pill">${result.status}</span>${changed}<h2>${e(result.id)}</h2><p class="type">${e(result.type)} · ${e(result.severity)}</p></div>
<div class="body">
${figures ? `<dl>${figures}</dl>\n` : ''}<p class="message">${e(result.message)}</p>
${advice ? `<p class="advice"><b>${result.status === 'error' ? 'could not measure' : 'what to do'}:</b> ${e(advice)}</p>\n` : ''}${escalation.length ? `<ul class="escalation">${escalation.map((line) => `<li><b>${e(line.label)}:</b> ${line.label === 'runbook' ? link(line.text) : e(line.text)}</li>`).join('')}</ul>\n` : ''}</div>
${chart}
</section>`;
}

/** Which endpoints answered (their URLs are redacted by the engine, and the output again by `run`). */
function endpointsList(run: RunResult): string {
  if (run.endpoints.length === 0) return '';
  const items = run.endpoints.map((endpoint) => {
    const head = endpoint.head
      ? `head ${endpoint.head.block}, ${formatDuration(endpoint.head.ageMs)} old`
      : 'no head';
    return `<li>${e(endpoint.chain)} <code>${e(endpoint.url)}</code>: ${endpoint.requests} requests, ${endpoint.failures} failed, ${e(head)}</li>`;
  });
  return `<ul class="endpoints">${items.join('')}</ul>\n`;
}

/** A runbook is a URL: a link when it is http(s), plain text otherwise (never a javascript: link). */
function link(url: string): string {
  let safe = false;
  try {
    const { protocol } = new URL(url);
    safe = protocol === 'http:' || protocol === 'https:';
  } catch {
    // not a URL: shown as text
  }
  return safe ? `<a href="${e(url)}" rel="noopener noreferrer">${e(url)}</a>` : e(url);
}

const CHART = { width: 300, height: 70, pad: 5 } as const;

/**
 * The check's value in every recorded run that measured it (x: the run's place in the history, so every
 * chart of the page shares one time axis), a point coloured by that run's status, and the current
 * limit as a line with the side that fails it shaded. Empty when no run measured a value.
 */
function chartOf(result: CheckResult, runs: readonly RunRecord[]): string {
  const points = runs.flatMap((record, index) => {
    const recorded = record.values?.[result.id];
    return recorded && Number.isFinite(recorded.value) ? [{ index, record, recorded }] : [];
  });
  const last = points.at(-1);
  if (!last) return '<div class="chart empty"></div>';
  const limit =
    (result.status === 'pass' || result.status === 'warn' || result.status === 'fail'
      ? result.limit
      : undefined) ?? [...points].reverse().find((p) => p.recorded.limit)?.recorded.limit;
  const values = points.map((p) => p.recorded.value);
  if (limit && Number.isFinite(limit.value)) values.push(limit.value);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const margin = hi > lo ? (hi - lo) * 0.08 : Math.abs(hi) * 0.1 || 1;
  lo -= margin;
  hi += margin;
  const { width, height, pad } = CHART;
  const x = (index: number) =>
    runs.length === 1 ? width / 2 : pad + (index / (runs.length - 1)) * (width - 2 * pad);
  const y = (value: number) => pad + ((hi - value) / (hi - lo)) * (height - 2 * pad);
  const r = (n: number) => Number(n.toFixed(1));
  // A run that did not measure the check breaks the line rather than bridging the gap.
  const path = points
    .map(
      (p, i) =>
        `${i > 0 && points[i - 1]?.index === p.index - 1 ? 'L' : 'M'}${r(x(p.index))} ${r(y(p.recorded.value))}`,
    )
    .join('');
  const unit = last.recorded.unit;
  let limitSvg = '';
  let limitText = '';
  if (limit && Number.isFinite(limit.value)) {
    const ly = r(y(limit.value));
    const bad = limit.kind === 'max' ? `0" height="${ly}` : `${ly}" height="${r(height - ly)}`;
    limitSvg = `<rect class="bad" x="0" y="${bad}" width="${width}"/><line class="limit" x1="0" x2="${width}" y1="${ly}" y2="${ly}" data-limit="${limit.value}" data-kind="${limit.kind}"/>`;
    limitText = ` · limit ${limit.kind === 'max' ? '≤' : '≥'} ${e(formatValue(limit.value, unit))}`;
  }
  const circles = points
    .map(
      (p) =>
        // A record without this check's status is drawn neutral: colouring it `pass` would claim a verdict.
        `<circle cx="${r(x(p.index))}" cy="${r(y(p.recorded.value))}" class="s-${p.record.statuses[result.id] ?? 'unknown'}" data-value="${p.recorded.value}" data-started-at="${e(p.record.startedAt)}"/>`,
    )
    .join('');
  // This run is the history's last record: when it measured nothing (error, skip), the newest point is
  // an older run's, and the chart must not present it as the venue's state now.
  const current = runs.length - 1;
  const measuredNow = last.index === current;
  const unmeasured = measuredNow
    ? ''
    : `<line class="unmeasured" x1="${r(x(current))}" x2="${r(x(current))}" y1="0" y2="${height}" data-unmeasured="true"/>`;
  const recorded = `${points.length} recorded run${points.length === 1 ? '' : 's'}`;
  const label = measuredNow
    ? `${result.id}: ${formatValue(last.recorded.value, unit)} now, over ${recorded}`
    : `${result.id}: not measured in this run; last ${formatValue(last.recorded.value, unit)} at ${last.record.startedAt}, over ${recorded}`;
  return `<figure class="chart" data-unit="${unit}">
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${e(label)}">${limitSvg}<path d="${path}"/>${circles}${unmeasured}</svg>
<figcaption>${points.length} run${points.length === 1 ? '' : 's'} · ${e(
    rangeText(
      points.map((p) => p.recorded.value),
      unit,
    ),
  )}${limitText}${measuredNow ? '' : ' · <strong>not measured in this run</strong>'}</figcaption>
</figure>`;
}

function rangeText(values: number[], unit: RecordedValue['unit']): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? formatValue(lo, unit) : `${formatValue(lo, unit)} – ${formatValue(hi, unit)}`;
}

const STATUS_COLOURS: Record<Status, string> = {
  pass: '#1a7f37',
  warn: '#b35900',
  fail: '#cf222e',
  error: '#8250df',
  skip: '#6e7781',
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header{padding:18px 16px 10px;border-bottom:4px solid}
header.route{border-color:${STATUS_COLOURS.pass}}header.hold{border-color:${STATUS_COLOURS.fail}}header.none{border-color:${STATUS_COLOURS.error}}
h1{margin:0 0 4px;font-size:22px}
.badge{display:inline-block;padding:2px 10px;border-radius:6px;color:#fff;font-size:18px;vertical-align:2px}
.route .badge{background:${STATUS_COLOURS.pass}}.hold .badge{background:${STATUS_COLOURS.fail}}.none .badge{background:${STATUS_COLOURS.error}}
.reason{margin:4px 0;font-weight:600}
.meta{margin:2px 0;color:#57606a;font-size:13px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
main{padding-top:10px}
.check{display:grid;grid-template-columns:190px 1fr ${CHART.width + 2}px;gap:6px 16px;align-items:start;background:#fff;border:1px solid #d0d7de;border-left:5px solid;border-radius:6px;padding:8px 12px;margin:0 0 6px}
${(Object.keys(STATUS_COLOURS) as Status[]).map((s) => `.s-${s}{color:${STATUS_COLOURS[s]};border-left-color:${STATUS_COLOURS[s]}}.s-${s} .pill{background:${STATUS_COLOURS[s]}}circle.s-${s}{fill:${STATUS_COLOURS[s]}}`).join('\n')}
.check>*{color:#1f2328}
.pill{display:inline-block;min-width:44px;text-align:center;padding:0 6px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
.was{font-size:12px;color:#57606a}
h2{margin:2px 0 0;font-size:15px;word-break:break-word}
.type{margin:0;color:#57606a;font-size:12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:0}
dt{color:#57606a}dd{margin:0;font-weight:600}
.message,.advice{margin:2px 0}
.advice{color:#3d444d}
.escalation{margin:2px 0;padding-left:18px;font-size:13px}
.chart{margin:0}
.chart svg{display:block;background:#fbfcfd;border:1px solid #eaeef2;border-radius:4px}
.chart path{fill:none;stroke:#57606a;stroke-width:1.2}
.chart circle{r:2.6px;stroke:#fff;stroke-width:.6}
circle.s-unknown{fill:#afb8c1}
.chart line.unmeasured{stroke:${STATUS_COLOURS.error};stroke-width:1.5;stroke-dasharray:2 2}
.chart circle:last-of-type{r:4px}
.chart .limit{stroke:${STATUS_COLOURS.fail};stroke-width:1;stroke-dasharray:4 3}
.chart .bad{fill:${STATUS_COLOURS.fail};fill-opacity:.07}
figcaption{font-size:11px;color:#57606a}
footer{padding:12px 16px 24px;color:#57606a;font-size:12px}
.endpoints{margin:0;padding-left:18px}
@media (max-width:860px){.check{grid-template-columns:1fr}}
`.trim();
