import { describe, expect, it } from 'vitest';
import { checkRegistry } from '../../src/checks/index.js';
import { explainCommand } from '../../src/commands/catalog.js';
import { CONCERNS } from '../../src/core/vocabulary.js';

describe('check concerns', () => {
  it.each([...checkRegistry.values()].map((d) => [d.type, d] as const))(
    '%s declares one of the concerns a comparison shows',
    (_type, definition) => {
      expect(CONCERNS).toContain(definition.concern);
    },
  );

  it('every concern has a check type to answer it', () => {
    const declared = new Set([...checkRegistry.values()].map((d) => d.concern));
    expect(CONCERNS.filter((c) => !declared.has(c))).toEqual([]);
  });

  it('explain names the concern', () => {
    expect(explainCommand('reorg.probe')).toContain('Concern: reorgs');
  });
});
