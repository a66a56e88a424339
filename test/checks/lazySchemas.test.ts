/**
 * A check's parameter schema is built when first read, not when the registry is imported: every start
 * imports all checks, and a checklist uses a few (the registry's import time is part of each start).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCheck } from '../../src/checks/define.js';
import { checkRegistry } from '../../src/checks/index.js';

const CHECKS = fileURLToPath(new URL('../../src/checks/', import.meta.url));

function declaration(params: () => z.ZodObject) {
  return {
    type: 'test.lazy',
    concern: 'sequencer' as const,
    summary: 's',
    description: 'd',
    requires: {},
    example: {},
    params,
    read: async () => 1,
    evaluate: () => ({ holds: true, observed: 'o', threshold: 't', message: 'm' }),
  };
}

describe('check parameter schemas', () => {
  it('are built on first read, once, and not by defineCheck', () => {
    let built = 0;
    const check = defineCheck(
      declaration(() => {
        built += 1;
        return z.object({ max: z.number() });
      }),
    );
    expect(built).toBe(0);
    const first = check.params;
    expect(built).toBe(1);
    // One schema object per check, as when the schema was a plain property.
    expect(check.params).toBe(first);
    expect(built).toBe(1);
    expect(Object.keys(check.params.shape)).toEqual(['max']);
  });

  it('are declared as functions by the check modules, so importing the registry builds none', () => {
    // A schema built at a module's top level cannot be seen from its definition (the getter hides it):
    // what a regression looks like is `params: z.object(...)` or a top-level `const x = z.object(...)`
    // passed as `params: x`, in the module's source.
    const modules = readdirSync(CHECKS, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('/'));
    expect(modules.length).toBeGreaterThanOrEqual(checkRegistry.size);
    for (const file of modules) {
      const text = readFileSync(join(CHECKS, file), 'utf8');
      for (const [, value] of text.matchAll(/^ {2}params: ([^\n]*)$/gm)) {
        expect(value, file).not.toMatch(/^z\./);
        const name = /^(\w+),$/.exec(value ?? '')?.[1];
        if (name !== undefined && text.includes(`const ${name} =`))
          expect(text, `${file}: ${name}`).toContain(`const ${name} = () =>`);
      }
    }
  });
});
