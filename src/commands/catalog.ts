/** `list` and `explain`: generated from the check registry, never from a parallel table. */
import { stringify } from 'yaml';
import { suggest } from '../checklist/suggest.js';
import { describeParams } from '../checks/describe.js';
import { checkRegistry } from '../checks/index.js';
import { describeRequirements } from '../checks/requires.js';
import { UsageError } from '../errors.js';
import { PRESETS, presetEnvironment } from '../venues/presets.js';

export function listCommand(): string {
  const width = Math.max(...[...checkRegistry.keys()].map((t) => t.length));
  const lines = ['Check types (l2preflight explain TYPE for parameters and an example):', ''];
  for (const [type, definition] of checkRegistry)
    lines.push(`  ${type.padEnd(width)}  ${definition.summary}`);
  lines.push('', 'Venue presets (venue: { preset: NAME }; l2preflight init --venue NAME):', '');
  for (const preset of PRESETS.values()) {
    lines.push(
      `  ${preset.name.padEnd(width)}  ${preset.summary}; endpoints from ${presetEnvironment(preset).join(', ')}`,
    );
    const contracts = Object.keys(preset.contracts);
    if (contracts.length > 0)
      lines.push(`  ${''.padEnd(width)}  contracts: ${contracts.map((n) => `$${n}`).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function explainCommand(type: string): string {
  const definition = checkRegistry.get(type);
  if (!definition) {
    const hint = suggest(type, checkRegistry.keys());
    throw new UsageError(`unknown check type "${type}"${hint ? `; did you mean "${hint}"?` : ''}`, [
      'run `l2preflight list` to see every check type',
    ]);
  }
  const params = describeParams(definition);
  const lines = [
    `${definition.type} — ${definition.summary}`,
    '',
    definition.description,
    '',
    `Concern: ${definition.concern} (its row when \`run\` compares several checklists)`,
    '',
    'Needs:',
  ];
  for (const need of describeRequirements(definition.requires)) lines.push(`  ${need}`);
  lines.push('', 'Parameters:');
  for (const p of params) {
    const byStack = Object.entries(definition.stackDefaults ?? {})
      .map(([stack, values]) => [stack, (values as Record<string, unknown>)[p.name]] as const)
      .filter(([, value]) => value !== undefined)
      .map(([stack, value]) => `; on ${stack} ${String(value)}`)
      .join('');
    const status = p.required
      ? 'required'
      : p.default !== undefined
        ? `default ${String(p.default)}${byStack}`
        : `optional${byStack}`;
    lines.push(`  ${p.name} (${p.kind}, ${status})`, `      ${p.doc}`);
  }
  lines.push(
    '',
    'Every check also takes: id (required, unique), severity (critical | warning), tags, description,',
    'remediation, timeout, skip: "reason".',
    '',
    'Example:',
    '',
    stringify([{ id: definition.type.split('.').pop(), type: definition.type, ...definition.example }])
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  return `${lines.join('\n')}\n`;
}
