/** Formats are pure renderers over one RunResult. */
import type { RunResult } from '../core/result.js';
import type { Format } from '../core/vocabulary.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';
import { renderTable } from './table.js';

export { FORMATS, type Format } from '../core/vocabulary.js';

export function render(format: Format, run: RunResult, options: { color: boolean; width?: number }): string {
  switch (format) {
    case 'table':
      return renderTable(run, options);
    case 'json':
      return renderJson(run);
    case 'junit':
      return renderJunit(run);
    case 'markdown':
      return renderMarkdown(run);
    case 'prometheus':
      return renderPrometheus(run);
  }
}
