/**
 * Every registered check's `example` — what `explain` prints for users to copy — validates through
 * the loader (no network) on a venue that meets its requirements, with no warnings, and `explain`
 * renders it with every parameter named.
 */
import { describe, expect, it } from 'vitest';
import { describeParams } from '../../src/checks/describe.js';
import { checkRegistry } from '../../src/checks/index.js';
import { explainCommand } from '../../src/commands/catalog.js';
import { CheckTester } from '../helpers/checkTester.js';

const definitions = [...checkRegistry.values()];

describe('every check type', () => {
  it('is in the registry (the examples below cover all of them)', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(19);
  });
});

describe.each(definitions.map((d) => [d.type, d] as const))('%s', (_type, definition) => {
  it('its example validates through the loader with no warnings', () => {
    const checklist = new CheckTester(definition).expectExampleValidates();
    expect(checklist.checks[0]?.type).toBe(definition.type);
  });

  it('explain renders the example and names every parameter', () => {
    const text = explainCommand(definition.type);
    expect(text).toContain(`type: ${definition.type}`);
    for (const param of describeParams(definition)) {
      expect(text, `explain ${definition.type} does not list ${param.name}`).toContain(`  ${param.name} (`);
      expect(param.doc, `${definition.type}.${param.name} has no doc`).not.toBe('');
    }
    expect(Object.keys(definition.params.shape).sort()).toEqual(
      describeParams(definition)
        .map((p) => p.name)
        .sort(),
    );
  });
});
