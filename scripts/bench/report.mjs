/**
 * Issue #16's targets as ratios over one benchmark's figures, and the table that shows them. Every
 * ratio is "measured / allowed": at most 1 is met (cast's is "cast / run", at least 30).
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
  const within = (scenario, name, value, limit, unit = 'ms') =>
    list.push({ scenario, name, value, limit, ratio: value / limit, met: value <= limit, unit });
  if (node && help) within('help', '≤ node start + 150 ms', help.median, node.median + 150);
  if (node && validate) within('validate', '≤ node start + 150 ms', validate.median, node.median + 150);
  if (node && run7) {
    within(
      'run-7',
      '≤ 2 × (node start + 2 round trips)',
      run7.median,
      2 * (node.median + 2 * settings.delayMs),
    );
  }
  if (run7 && cast) {
    const ratio = cast.median / run7.median;
    list.push({
      scenario: 'cast-7',
      name: 'cast script ≥ 30 × run-7',
      value: cast.median,
      limit: 30 * run7.median,
      ratio,
      met: ratio >= 30,
      unit: 'ms',
    });
  }
  if (run7 && run200) {
    within('run-200', '≤ 1.5 × run-7', run200.median, 1.5 * run7.median);
    if (run7.requests && run200.requests !== undefined) {
      within('run-200', 'requests ≤ 2 × run-7', run200.requests, 2 * run7.requests, 'requests');
    }
  }
  if (watchRss) within('watch', 'RSS growth after warm-up < 10 MB', watchRss.growthBytes / MB, 10, 'MB');
  return list;
}

const ms = (value) => (value === undefined ? '' : String(Math.round(value)));
const count = (value) => (value === undefined ? '' : String(value));

function ratioText(target) {
  if (target.scenario === 'cast-7') return `${target.ratio.toFixed(1)}× faster`;
  return `${target.ratio.toFixed(2)}`;
}

function limitText(target) {
  if (target.unit === 'requests') return `${target.name} (${Math.round(target.limit)})`;
  if (target.unit === 'MB') return `${target.name} (${target.value.toFixed(1)} MB)`;
  if (target.scenario === 'cast-7') return target.name;
  return `${target.name} (${Math.round(target.limit)} ms)`;
}

/** One plain-text table: a row per scenario, a further row for a scenario's second target. */
export function table(order, scenarios, targetList) {
  const header = ['scenario', 'median ms', 'min', 'max', 'HTTP req', 'RPC calls', 'target', 'ratio', 'met'];
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
        limitText(t),
        ratioText(t),
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
