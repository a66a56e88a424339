/**
 * Issue #16's targets over one benchmark's figures, each written as the issue writes it: `goal` is the
 * target, `measured` the same quantity from this run (a ratio where the issue names a ratio), `met`
 * whether it holds.
 */

const MB = 1024 * 1024;

/**
 * @param {Record<string, { median: number, requests?: number, calls?: number }>} scenarios
 * @param {{ delayMs: number }} settings
 * @param {{ growthBytes: number } | undefined} watchRss
 */
export function targets(scenarios, settings, watchRss) {
  const { 'node-start': node, help, validate, 'run-7': run7, 'run-200': run200, 'cast-7': cast } = scenarios;
  const list = [];
  const add = (scenario, goal, value, measured, met) => list.push({ scenario, goal, value, measured, met });
  for (const [name, s] of [
    ['help', help],
    ['validate', validate],
  ]) {
    if (!node || !s) continue;
    const extra = s.median - node.median;
    add(name, 'node start + ≤ 150 ms', extra, `node start + ${Math.round(extra)} ms`, extra <= 150);
  }
  if (node && run7) {
    const ratio = run7.median / (node.median + 2 * settings.delayMs);
    add('run-7', '≤ 2 × (node start + 2 round trips)', ratio, `${ratio.toFixed(2)} ×`, ratio <= 2);
  }
  if (run7 && cast) {
    const ratio = cast.median / run7.median;
    add('cast-7', 'cast script ≥ 30 × run-7', ratio, `${ratio.toFixed(1)} × run-7`, ratio >= 30);
  }
  if (run7 && run200) {
    const ratio = run200.median / run7.median;
    add('run-200', '≤ 1.5 × run-7', ratio, `${ratio.toFixed(2)} ×`, ratio <= 1.5);
    if (run7.requests && run200.requests !== undefined) {
      const requests = run200.requests / run7.requests;
      add('run-200', 'requests ≤ 2 × run-7', requests, `${requests.toFixed(2)} ×`, requests <= 2);
    }
  }
  // A scheduled job's steady state: the same target, with the history every run reads and appends full.
  const full = scenarios['run-200-history'];
  if (run7 && full) {
    const ratio = full.median / run7.median;
    add('run-200-history', '≤ 1.5 × run-7', ratio, `${ratio.toFixed(2)} ×`, ratio <= 1.5);
  }
  if (watchRss) {
    const grown = watchRss.growthBytes / MB;
    add(
      'watch',
      'RSS floor growth after warm-up < 10 MB',
      grown,
      `${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB`,
      grown < 10,
    );
  }
  return list;
}

const ms = (value) => (value === undefined ? '' : String(Math.round(value)));
const count = (value) => (value === undefined ? '' : String(value));

/** One plain-text table: a row per scenario, a further row for a scenario's second target. */
export function table(order, scenarios, targetList) {
  const header = [
    'scenario',
    'median ms',
    'min',
    'max',
    'HTTP req',
    'RPC calls',
    'target',
    'measured',
    'met',
  ];
  const rows = [header];
  for (const name of order) {
    const s = scenarios[name];
    if (!s) continue;
    const mine = targetList.filter((t) => t.scenario === name);
    const numbers = [ms(s.median), ms(s.min), ms(s.max), count(s.requests), count(s.calls)];
    if (mine.length === 0) rows.push([s.label ?? name, ...numbers, '', '', '']);
    mine.forEach((t, i) => {
      rows.push([
        i === 0 ? (s.label ?? name) : '',
        ...(i === 0 ? numbers : ['', '', '', '', '']),
        t.goal,
        t.measured,
        t.met ? 'met' : 'NOT MET',
      ]);
    });
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const numeric = new Set([1, 2, 3, 4, 5, 7]);
  const line = (r) =>
    r
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
