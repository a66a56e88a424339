/**
 * The JSON Schema of the checklist format, generated from the same zod declarations that validate
 * it (each check type's parameters included), for editor completion via yaml-language-server.
 */
import * as z from 'zod';
import { checkRegistry } from '../checks/index.js';
import { PRESETS } from '../venues/presets.js';
import { commonCheckShape, defaultsSchema, drillSchema, venueSchema } from './schema.js';

export function checklistJsonSchema(): Record<string, unknown> {
  const checks = [...checkRegistry.values()].map((definition) =>
    z
      .strictObject({ ...commonCheckShape, ...definition.params.shape, type: z.literal(definition.type) })
      .meta({ title: definition.type, description: definition.summary }),
  );
  const checklist = z
    .strictObject({
      version: z.literal(1),
      name: z.string(),
      venue: venueSchema.extend({
        preset: z
          .enum([...PRESETS.keys()] as [string, ...string[]])
          .optional()
          .meta({ description: 'A built-in venue: chain ids, stack, RPC defaults and well-known contracts' }),
      }),
      defaults: defaultsSchema,
      drill: drillSchema.optional(),
      checks: z.array(z.union(checks)).min(1),
    })
    .meta({ title: 'l2preflight checklist (version 1)' });
  return z.toJSONSchema(checklist, {
    io: 'input',
    unrepresentable: 'any',
    // `kind` and `doc` feed `explain`; JSON Schema says the same with `description` and `default`.
    override: ({ jsonSchema }) => {
      delete (jsonSchema as Record<string, unknown>).kind;
      delete (jsonSchema as Record<string, unknown>).doc;
    },
  }) as Record<string, unknown>;
}

export function renderJsonSchema(): string {
  return `${JSON.stringify(checklistJsonSchema(), null, 2)}\n`;
}
