/** Parameter documentation derived from a check's schema: one source of truth for explain and list. */
import * as z from 'zod';
import type { AnyCheckDefinition } from './define.js';
import { type ParamMeta, paramMeta } from './params.js';

export interface ParamDoc extends ParamMeta {
  name: string;
  required: boolean;
}

function unwrap(schema: z.ZodType): { schema: z.ZodType; optional: boolean } {
  let current = schema;
  let optional = false;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault
  ) {
    optional = true;
    if (paramMeta(current)) break;
    current = current.unwrap() as z.ZodType;
  }
  return { schema: current, optional };
}

export function describeParams(definition: AnyCheckDefinition): ParamDoc[] {
  return Object.entries(definition.params.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { schema, optional } = unwrap(field);
    const meta = paramMeta(field) ?? paramMeta(schema) ?? { kind: 'value', doc: '' };
    return { name, ...meta, required: !optional && meta.default === undefined };
  });
}
