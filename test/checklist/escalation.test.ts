/**
 * owner, runbook and escalation: on a check or in defaults, the check's own value winning field by
 * field; a runbook that is not an http(s) URL is refused at its line; misspellings get a suggestion.
 */
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';

function checklist(defaults: string, checks: string): string {
  return `version: 1
name: Test
venue:
  stack: evm
  l2:
    chainId: 901
    rpc: ["http://127.0.0.1:1"]
defaults:
  timeout: 20s
${defaults}checks:
${checks}`;
}

const DEFAULTS = `  owner: perps-risk
  runbook: https://wiki.example/runbooks/venue
  escalation: "#perps-oncall, then the desk lead"
`;

function problems(text: string) {
  try {
    parseChecklist(text, 'test.yaml', { env: {} });
  } catch (error) {
    if (error instanceof ChecklistError) return error.problems;
    throw error;
  }
  throw new Error('expected a ChecklistError');
}

describe('escalation paths in the checklist', () => {
  it("gives every check the defaults' owner, runbook and escalation unless it names its own, field by field", () => {
    const parsed = parseChecklist(
      checklist(
        DEFAULTS,
        `  - id: head
    type: sequencer.head-age
  - id: cadence
    type: sequencer.cadence
    owner: sequencer-team
    runbook: https://wiki.example/runbooks/cadence
`,
      ),
      'x.yaml',
      { env: {} },
    );
    const [head, cadence] = parsed.checks;
    expect(head).toMatchObject({
      owner: 'perps-risk',
      runbook: 'https://wiki.example/runbooks/venue',
      escalation: '#perps-oncall, then the desk lead',
    });
    expect(cadence).toMatchObject({
      owner: 'sequencer-team',
      runbook: 'https://wiki.example/runbooks/cadence',
      escalation: '#perps-oncall, then the desk lead',
    });
  });

  it('leaves them out when neither the check nor the defaults name them', () => {
    const [head] = parseChecklist(checklist('', '  - id: head\n    type: sequencer.head-age\n'), 'x.yaml', {
      env: {},
    }).checks;
    expect(head && 'owner' in head).toBe(false);
    expect(head && 'runbook' in head).toBe(false);
    expect(head && 'escalation' in head).toBe(false);
  });

  it('refuses a runbook that is not an http(s) URL, at its line and column, on a check and in defaults', () => {
    const onCheck = problems(
      checklist('', '  - id: head\n    type: sequencer.head-age\n    runbook: wiki/runbooks/head\n'),
    );
    expect(onCheck).toHaveLength(1);
    expect(onCheck[0]?.message).toBe(
      'check head: runbook: expected the runbook as an http(s) URL, e.g. https://wiki.example/runbooks/head-fresh',
    );
    expect(onCheck[0]?.position).toEqual({ file: 'test.yaml', line: 13, column: 14 });
    const inDefaults = problems(
      checklist('  runbook: ftp://wiki.example/x\n', '  - id: head\n    type: sequencer.head-age\n'),
    );
    expect(inDefaults[0]?.message).toContain('defaults.runbook: expected the runbook as an http(s) URL');
    expect(inDefaults[0]?.position).toEqual({ file: 'test.yaml', line: 10, column: 12 });
  });

  it('refuses an empty owner or escalation rather than show a blank line under a failure', () => {
    const [problem] = problems(
      checklist('', '  - id: head\n    type: sequencer.head-age\n    escalation: "  "\n'),
    );
    expect(problem?.message).toBe(
      'check head: escalation: expected who to call as text (or remove the key), got "  "',
    );
    const [owner] = problems(checklist('  owner: 42\n', '  - id: head\n    type: sequencer.head-age\n'));
    expect(owner?.message).toContain('defaults.owner: expected the owner as text');
  });

  it('suggests the spelling of a misspelt key, on a check and in defaults', () => {
    const [onCheck] = problems(
      checklist('', '  - id: head\n    type: sequencer.head-age\n    runbok: https://wiki.example/x\n'),
    );
    expect(onCheck?.message).toBe('check head: unknown key "runbok"');
    expect(onCheck?.suggestion).toBe('runbook');
    expect(onCheck?.expected).toContain('escalation');
    const [inDefaults] = problems(
      checklist('  escalaton: call someone\n', '  - id: head\n    type: sequencer.head-age\n'),
    );
    expect(inDefaults?.message).toBe('defaults: unknown key "escalaton"');
    expect(inDefaults?.suggestion).toBe('escalation');
  });
});
