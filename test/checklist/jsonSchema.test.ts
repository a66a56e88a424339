import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../../src/checklist/jsonSchema.js';
import { checkRegistry } from '../../src/checks/index.js';
import { ROOT } from '../helpers/cli.js';

describe('checklist JSON Schema', () => {
  it('is what the shipped schema/checklist.schema.json says (run `npm run schema` after changing a check)', async () => {
    expect(await readFile(`${ROOT}/schema/checklist.schema.json`, 'utf8')).toBe(renderJsonSchema());
  });

  it('declares every check type with its parameters, defaults and no unknown keys', () => {
    const schema = JSON.parse(renderJsonSchema());
    const variants = schema.properties.checks.items.anyOf as {
      title: string;
      properties: Record<string, { default?: unknown; description?: string }>;
      additionalProperties: boolean;
    }[];
    expect(variants.map((v) => v.title).sort()).toEqual([...checkRegistry.keys()].sort());
    const headAge = variants.find((v) => v.title === 'sequencer.head-age');
    expect(headAge?.properties.max).toMatchObject({
      default: '30s',
      description: 'Largest acceptable age of the latest block.',
    });
    expect(headAge?.additionalProperties).toBe(false);
  });

  it('offers owner, runbook (a URI) and escalation in defaults and on every check type', () => {
    const schema = JSON.parse(renderJsonSchema());
    const defaults = schema.properties.defaults.properties;
    const variants = schema.properties.checks.items.anyOf as { properties: Record<string, unknown> }[];
    for (const properties of [defaults, ...variants.map((v) => v.properties)]) {
      expect(properties.owner).toMatchObject({ type: 'string' });
      expect(properties.runbook).toMatchObject({ type: 'string', format: 'uri' });
      expect(properties.escalation).toMatchObject({ type: 'string' });
    }
  });
});
