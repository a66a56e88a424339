/**
 * Formats are pure renderers over one RunResult. The table's is loaded only when a table is asked for:
 * cli-table3 and chalk are most of the report code a `--format json` run would otherwise load; the
 * HTML report's styles and charts are loaded only for it, too.
 */
import type { RunResult } from '../core/result.js';
import type { Format } from '../core/vocabulary.js';
import type { RunRecord } from '../state/runs.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';

export { FORMATS, type Format } from '../core/vocabulary.js';

export async function render(
  format: Format,
  run: RunResult,
  /**
   * `layout` is the table's (TableOptions): the other formats have one shape. `history`: the checklist's
   * recorded runs, oldest first, for the HTML report's charts (this run is appended when it is not last).
   */
  options: {
    color: boolean;
    width?: number;
    layout?: 'auto' | 'wide' | 'compact';
    history?: readonly RunRecord[];
  },
): Promise<string> {
  switch (format) {
    case 'table':
      return (await import('./table.js')).renderTable(run, options);
    case 'json':
      return renderJson(run);
    case 'junit':
      return renderJunit(run);
    case 'markdown':
      return renderMarkdown(run);
    case 'prometheus':
      return renderPrometheus(run);
    case 'html':
      return (await import('./html.js')).renderHtml(run, options.history);
  }
}
