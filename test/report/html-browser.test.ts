/**
 * The HTML report as a desk sees it: written by the real CLI from runs against the devnet, opened from
 * disk in headless Chromium (Debian's package), and read back from the rendered page.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/core/result.js';
import { devnetEnvironment } from '../../src/devnet/venue.js';
import { renderHtml } from '../../src/report/html.js';
import type { RunRecord } from '../../src/state/runs.js';
import { chromiumPath, launchChromium } from '../helpers/chromium.js';
import { cli } from '../helpers/cli.js';
import { sharedTestVenue, type TestVenue } from '../helpers/sharedVenue.js';
import { applyScenario } from '../helpers/venue.js';

const chromium = chromiumPath();

if (!chromium) console.warn("skipped: chromium is not on PATH (install Debian's chromium package)");

let venue: TestVenue;
let dir: string;
let browser: Browser;
const HEALTHY_RUNS = 3;

beforeAll(async () => {
  if (!chromium) return;
  venue = await sharedTestVenue();
  dir = await mkdtemp(join(tmpdir(), 'l2preflight-html-'));
  browser = await launchChromium(chromium);
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One run of the devnet checklist writing its HTML report; the JSON on stdout is what it measured. */
async function runDevnet(state: string, html: string) {
  const { code, stdout, stderr } = await cli(
    [
      'run',
      'checks/devnet.yaml',
      '--skip',
      'no-reorg',
      '--state',
      state,
      '--format',
      'json',
      '--report',
      `html=${html}`,
    ],
    devnetEnvironment(venue),
  );
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as RunResult };
}

interface PagePoint {
  value: number;
  startedAt: string;
  status: string;
  /** The centre of the drawn point on the screen. */
  y: number;
}

interface PageChart {
  id: string;
  status: string;
  points: PagePoint[];
  limit?: { value: number; kind: string; y: number };
}

/** Opens the file and reads every chart back from the rendered page, failing on any request or console error. */
async function openReport(file: string) {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const charts: PageChart[] = await page.$$eval('section[data-check]', (sections) =>
    sections.map((section) => {
      const centre = (element: { getBoundingClientRect(): { top: number; height: number } }) => {
        const box = element.getBoundingClientRect();
        return box.top + box.height / 2;
      };
      const line = section.querySelector('line.limit');
      return {
        id: section.getAttribute('data-check') ?? '',
        status: section.getAttribute('data-status') ?? '',
        points: [...section.querySelectorAll('circle')].map((circle) => ({
          value: Number(circle.getAttribute('data-value')),
          startedAt: circle.getAttribute('data-started-at') ?? '',
          status: circle.getAttribute('class')?.replace('s-', '') ?? '',
          y: centre(circle),
        })),
        ...(line
          ? {
              limit: {
                value: Number(line.getAttribute('data-limit')),
                kind: line.getAttribute('data-kind') ?? '',
                y: centre(line),
              },
            }
          : {}),
      };
    }),
  );
  const verdict = await page.getAttribute('header', 'data-verdict');
  await page.close();
  return { charts, verdict, problems, requests, url };
}

async function history(state: string): Promise<RunRecord[]> {
  const stored = JSON.parse(await readFile(join(state, 'devnet', 'runs.json'), 'utf8')) as {
    runs: RunRecord[];
  };
  return stored.runs;
}

/** Where a value sits between two drawn points of the same chart (linear in value, as the chart is). */
function yOf(value: number, a: PagePoint, b: PagePoint): number {
  return a.y + ((value - a.value) * (b.y - a.y)) / (b.value - a.value);
}

const state = () => join(dir, 'state');
const realHtml = () => join(dir, 'report.html');
let failing: RunResult;

describe.skipIf(!chromium)('the HTML report in Chromium', () => {
  beforeAll(async () => {
    for (let i = 0; i < HEALTHY_RUNS; i++) {
      const { code, report } = await runDevnet(state(), realHtml());
      const problems = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
      expect(code, problems.map((r) => `${r.id}: ${r.message}`).join('\n')).toBe(0);
    }
    await applyScenario(venue, 'stale-oracle');
    const { code, report } = await runDevnet(state(), realHtml());
    expect(code).toBe(1);
    failing = report;
  });

  it('shows the devnet runs, healthy then failing, each recorded value a point, requesting nothing', async () => {
    expect(failing.verdict).toBe('HOLD');
    const page = await openReport(realHtml());
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([page.url]); // the page itself, and nothing else
    expect(page.verdict).toBe('HOLD');

    const runs = await history(state());
    expect(runs).toHaveLength(HEALTHY_RUNS + 1);
    expect(runs.at(-1)?.startedAt).toBe(failing.startedAt);
    // the devnet checklist measures most of its checks: each of those has its chart
    expect(page.charts.filter((chart) => chart.points.length > 0).length).toBeGreaterThanOrEqual(8);
    for (const chart of page.charts) {
      const expected = runs.flatMap((run) => {
        const recorded = run.values?.[chart.id];
        return recorded
          ? [{ value: recorded.value, startedAt: run.startedAt, status: run.statuses[chart.id] }]
          : [];
      });
      const drawn = chart.points.map(({ value, startedAt, status }) => ({ value, startedAt, status }));
      expect(drawn, chart.id).toEqual(expected);
      const limit = chart.limit && { value: chart.limit.value, kind: chart.limit.kind };
      expect(limit, chart.id).toEqual(runs.at(-1)?.values?.[chart.id]?.limit);
      if (chart.limit) expectLimitPlaced(chart);
    }

    // the stale oracle: three healthy ages, then one of 3 hours, drawn above them and marked failed
    const oracle = page.charts.find((chart) => chart.id === 'eth-usd');
    const last = oracle?.points.at(-1);
    expect(oracle?.status).toBe('fail');
    expect(last?.status).toBe('fail');
    expect(last?.value).toBeGreaterThan(3 * 3_600 - 60);
    for (const point of oracle?.points.slice(0, HEALTHY_RUNS) ?? []) {
      expect(point.status).toBe('pass');
      expect(point.y).toBeGreaterThan(last?.y ?? Number.POSITIVE_INFINITY);
    }
    report(`real devnet report, ${runs.length} recorded runs`, (await stat(realHtml())).size);
  });

  it(`draws ${FABRICATED_RUNS} recorded runs and each limit where its value falls, in a file that stays small`, async () => {
    const runs = fabricatedHistory(failing, FABRICATED_RUNS);
    const file = join(dir, 'fabricated.html');
    const html = renderHtml(failing, runs);
    await writeFile(file, html);
    const page = await openReport(file);
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([page.url]);
    const charted = page.charts.filter((chart) => chart.points.length > 0);
    expect(charted.map((chart) => chart.id).sort()).toEqual(Object.keys(runs[0]?.values ?? {}).sort());
    for (const chart of charted) {
      expect(chart.points, chart.id).toHaveLength(FABRICATED_RUNS + 1); // this run last
      expect(chart.points.map((p) => p.value)).toEqual([
        ...runs.map((run) => run.values?.[chart.id]?.value),
        measuredValue(failing, chart.id),
      ]);
      if (!chart.limit) throw new Error(`${chart.id}: no limit line`);
      expectLimitPlaced(chart);
    }
    const bytes = Buffer.byteLength(html);
    report(`devnet checklist, ${FABRICATED_RUNS} fabricated runs + this one`, bytes);
    expect(bytes).toBeLessThan(400_000);
  });
});

const FABRICATED_RUNS = 100;

function measuredValue(run: RunResult, id: string): number | undefined {
  const result = run.results.find((r) => r.id === id);
  return result && 'value' in result ? result.value : undefined;
}

/**
 * `count` earlier records of the real run, hourly, each value wandering around the real one; a check
 * without a recorded limit gets one (the checks' own limits are filled in by their evaluators), so every
 * chart of the page has a line to place. Half of the limits are `min`, to draw both kinds.
 */
function fabricatedHistory(run: RunResult, count: number): RunRecord[] {
  const start = Date.parse(run.startedAt) - count * 3_600_000;
  const measured = run.results.flatMap((r) =>
    'value' in r && r.value !== undefined && r.unit !== undefined
      ? [{ ...r, value: r.value, unit: r.unit }]
      : [],
  );
  return Array.from({ length: count }, (_, i) => {
    const values: NonNullable<RunRecord['values']> = {};
    measured.forEach((r, n) => {
      const base = r.value === 0 ? 1 : Math.abs(r.value);
      const value = Number((base * (1 + 0.4 * Math.sin(i / 7 + n))).toPrecision(6));
      const limit =
        r.limit ??
        (n % 2 === 0
          ? { value: base * 1.3, kind: 'max' as const }
          : { value: base * 0.7, kind: 'min' as const });
      values[r.id] = { value, unit: r.unit, limit };
    });
    return {
      startedAt: new Date(start + i * 3_600_000).toISOString(),
      durationMs: 900,
      verdict: 'ROUTE',
      summary: run.summary,
      statuses: Object.fromEntries(run.results.map((r) => [r.id, r.status])),
      values,
    };
  });
}

/**
 * The limit line sits where its value falls on the chart's own scale (linear: read from the two points
 * farthest apart), and every point that breaks the limit is on its far side (screen y grows downwards).
 */
function expectLimitPlaced(chart: PageChart): void {
  const limit = chart.limit;
  if (!limit) return;
  const sorted = [...chart.points].sort((p, q) => p.value - q.value);
  const [a, b] = [sorted[0], sorted.at(-1)];
  if (a && b && a.value !== b.value) {
    // Coordinates are written to a tenth of a unit: the error grows with the distance extrapolated.
    const reach = Math.abs((limit.value - a.value) / (b.value - a.value));
    const tolerance = 0.5 + 0.1 * (1 + reach);
    expect(Math.abs(limit.y - yOf(limit.value, a, b)), chart.id).toBeLessThanOrEqual(tolerance);
  }
  // A point closer to the limit than the drawing's resolution (a tenth of a unit) is drawn on the line.
  const unitsPerTenth = a && b && a.y !== b.y ? (0.2 * Math.abs(b.value - a.value)) / Math.abs(b.y - a.y) : 0;
  for (const point of chart.points) {
    if (Math.abs(point.value - limit.value) <= unitsPerTenth) continue;
    const breaks = limit.kind === 'max' ? point.value > limit.value : point.value < limit.value;
    const above = point.y < limit.y;
    expect(above, `${chart.id} ${point.value} vs ${limit.kind} ${limit.value}`).toBe(
      limit.kind === 'max' ? breaks : !breaks,
    );
  }
}

/** The size figures the closing note asks for, printed with the test's output. */
function report(what: string, bytes: number): void {
  console.info(`HTML report size, ${what}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
}
