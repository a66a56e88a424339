/**
 * `init`: writes a commented starter checklist — the shipped one for a preset, or a generic EVM one —
 * and beside it a copy of this version's JSON Schema, which its editor line names. A copy next to the
 * file survives a commit and a move to another machine; a path into the installation would not.
 * Never overwrites a checklist without --force.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseChecklist } from '../checklist/load.js';
import { suggest } from '../checklist/suggest.js';
import { packageRoot } from '../core/packageRoot.js';
import { UsageError } from '../errors.js';
import { PRESETS, presetEnvironment } from '../venues/presets.js';

/** The schema's file name next to the checklist; the editor line names it relatively. */
export const SCHEMA_COPY = 'l2preflight.schema.json';

export async function initCommand(
  file: string | undefined,
  options: { venue?: string; force?: boolean },
): Promise<string> {
  const preset = options.venue === undefined ? undefined : PRESETS.get(options.venue);
  if (options.venue !== undefined && !preset) {
    const hint = suggest(options.venue, PRESETS.keys());
    throw new UsageError(
      `unknown venue preset "${options.venue}"${hint ? `; did you mean "${hint}"?` : ''}`,
      [`presets: ${[...PRESETS.keys()].join(', ')} (or no --venue for a generic EVM starter)`],
    );
  }
  // In the current directory: checks/<preset>.yaml is where a checkout keeps the shipped one.
  const target = file ?? `${preset?.name ?? 'venue'}.yaml`;
  const source = await readFile(join(packageRoot(), 'checks', `${preset?.name ?? 'starter'}.yaml`), 'utf8');
  // The template names itself (`l2preflight run checks/base.yaml`): the copy names where it was written.
  const text = source
    .replace(/^# yaml-language-server: .*$/m, `# yaml-language-server: $schema=${SCHEMA_COPY}`)
    .replaceAll(`checks/${preset?.name ?? 'venue'}.yaml`, target);
  const checklist = parseChecklist(text, target, { env: {} });

  await mkdir(dirname(resolve(target)), { recursive: true });
  try {
    await writeFile(target, text, { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${target} already exists; nothing was written`, [
        'choose another file, or pass --force to overwrite it',
      ]);
    }
    throw error;
  }
  // Always this version's: the copy is the tool's, regenerated like any build output.
  await copyFile(
    join(packageRoot(), 'schema', 'checklist.schema.json'),
    join(dirname(resolve(target)), SCHEMA_COPY),
  );
  const env = [
    ...new Set([...(preset ? presetEnvironment(preset) : ['L2_RPC_URL']), ...referencedVariables(text)]),
  ];
  return [
    `wrote ${target}: ${checklist.checks.length} checks for ${checklist.venue.name} (${checklist.venue.stack})`,
    `  and ${join(dirname(target), SCHEMA_COPY)} beside it, for editor completion (commit both)`,
    'next:',
    `  export ${env.map((name) => `${name}=https://…`).join(' ')}   # else ${preset ? 'public endpoints' : 'the default in the file'}`,
    `  l2preflight validate ${target}`,
    `  l2preflight run ${target}`,
    '',
  ].join('\n');
}

/** Variables the checklist reads itself (`${NAME}` outside comments), such as a reference chain's RPC. */
function referencedVariables(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .flatMap((line) =>
      [...line.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] as string),
    );
}
