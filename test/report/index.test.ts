import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { FORMATS, render } from '../../src/report/index.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderTable } from '../../src/report/table.js';
import { fixtureRun } from './fixtures.js';

describe('render', () => {
  it('offers table, json, junit, markdown, prometheus and html', () => {
    expect(FORMATS).toEqual(['table', 'json', 'junit', 'markdown', 'prometheus', 'html']);
  });

  it('dispatches each format to its renderer', async () => {
    const run = fixtureRun();
    const options = { color: false, width: 100 };
    expect(await render('table', run, options)).toBe(renderTable(run, options));
    expect(await render('json', run, options)).toBe(renderJson(run));
    expect(await render('junit', run, options)).toBe(renderJunit(run));
    expect(await render('html', run, options)).toBe(renderHtml(run));
  });
});
