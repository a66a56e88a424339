import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { initCommand } from '../../src/commands/init.js';
import { cli, ROOT } from '../helpers/cli.js';

describe('l2preflight init', () => {
  it('writes the preset checklist, and beside it the schema its editor line names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
    const file = join(dir, 'desk', 'base.yaml');
    const { code, stdout } = await cli(['init', '--venue', 'base', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${file}: 15 checks for Base (op-stack)`);
    expect(stdout).toContain('export BASE_RPC_URL=https://… ETH_RPC_URL=https://…');
    const text = await readFile(file, 'utf8');
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1] as string;
    // A path relative to the file, to a copy that moves and is committed with it: never into the install.
    expect(schema).toBe('l2preflight.schema.json');
    expect(await readFile(resolve(dirname(file), schema), 'utf8')).toBe(
      await readFile(join(ROOT, 'schema', 'checklist.schema.json'), 'utf8'),
    );
    expect(text).toContain(`#   l2preflight run ${file}\n`);
    expect(text).not.toContain('checks/base.yaml');
    const validate = await cli(['validate', file]);
    expect(validate.code).toBe(0);
  });

  it('writes into the current directory by default, so it works inside the checkout too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
    const written = await cli(['init', '--venue', 'base'], {}, dir);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain('wrote base.yaml: 15 checks for Base (op-stack)');
    expect(await readFile(join(dir, 'base.yaml'), 'utf8')).toContain('#   l2preflight run base.yaml\n');
    const starter = await cli(['init'], {}, dir);
    expect(starter.code, starter.stderr).toBe(0);
    expect(await readFile(join(dir, 'venue.yaml'), 'utf8')).toContain(
      '#   l2preflight validate venue.yaml && l2preflight run venue.yaml',
    );
    expect((await cli(['validate', 'base.yaml'], {}, dir)).code).toBe(0);
  });

  it("names the variables the checklist reads itself: dYdX's markets read their reference through ETH_RPC_URL", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
    const { code, stdout } = await cli(['init', '--venue', 'dydx-v4', join(dir, 'dydx.yaml')]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'export DYDX_INDEXER_URL=https://… DYDX_RPC_URL=https://… DYDX_REST_URL=https://… ETH_RPC_URL=https://…',
    );
  });

  it('never overwrites an existing file without --force', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
    const file = join(dir, 'mine.yaml');
    await writeFile(file, 'my own checklist\n');
    const refused = await cli(['init', '--venue', 'op-mainnet', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists; nothing was written');
    expect(await readFile(file, 'utf8')).toBe('my own checklist\n');
    const forced = await cli(['init', '--venue', 'op-mainnet', '--force', file]);
    expect(forced.code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('preset: op-mainnet');
  });

  it('writes a generic EVM starter without --venue, and suggests the preset meant by a typo', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
    const file = join(dir, 'venue.yaml');
    expect((await cli(['init', file])).code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('stack: evm');
    const typo = await cli(['init', '--venue', 'arbitrum', join(dir, 'x.yaml')]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "arbitrum-one"?');
  });

  it('list shows the presets with their contracts next to the check types', async () => {
    const { stdout } = await cli(['list']);
    expect(stdout).toContain('governance.exit-window');
    expect(stdout).toMatch(/base +Base \(chain 8453\) on Ethereum.*endpoints from BASE_RPC_URL, ETH_RPC_URL/);
    expect(stdout).toContain('$sequencerUptimeFeed');
  });

  it.each(['starter', 'base', 'op-mainnet', 'arbitrum-one', 'dydx-v4'])(
    '%s: writes owner, runbook and escalation commented out in defaults and on head-fresh, valid once uncommented',
    async (name) => {
      const dir = await mkdtemp(join(tmpdir(), 'l2p-init-'));
      const file = join(dir, `${name}.yaml`);
      await initCommand(file, { venue: name === 'starter' ? undefined : name });
      const text = await readFile(file, 'utf8');
      const defaults = /^defaults:\n((?: {2}.*\n)+)/m.exec(text)?.[1] ?? '';
      expect(defaults).toMatch(/^ {2}# Who answers when a check fails/m);
      expect(defaults).toMatch(/^ {2}# owner: \S+ +# the team or person who owns these checks$/m);
      expect(defaults).toMatch(
        /^ {2}# runbook: https:\/\/\S+ +# an http\(s\) URL: what to do when a check fails$/m,
      );
      expect(defaults).toMatch(/^ {2}# escalation: ".+" +# who to call, free text$/m);
      // Commented out: nothing changes until the user fills them in.
      const asWritten = parseChecklist(text, file, { env: {} });
      expect(asWritten.checks.some((c) => c.owner || c.runbook || c.escalation)).toBe(false);

      const filledIn = parseChecklist(text.replace(/^( *)# (owner|runbook|escalation): /gm, '$1$2: '), file, {
        env: {},
      });
      const [head, next] = filledIn.checks;
      expect(head).toMatchObject({
        id: 'head-fresh',
        owner: 'sequencer-watch',
        runbook: 'https://wiki.example.com/runbooks/head-fresh',
      });
      expect(head?.escalation).toContain('sequencer-watch');
      expect(next).toMatchObject({
        owner: 'perps-risk',
        runbook: 'https://wiki.example.com/runbooks/venue',
        escalation: '#perps-oncall, then the desk lead',
      });
    },
  );
});
