import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../src/checklist/load.js';
import { ChecklistError } from '../../src/errors.js';
import { PRESETS } from '../../src/venues/presets.js';

const checklist = (venue: string) =>
  `version: 1\nname: preset test\nvenue:\n${venue}\nchecks:\n  - id: head\n    type: sequencer.head-age\n  - id: up\n    type: sequencer.uptime-feed\n    feed: $sequencerUptimeFeed\n`;

function problemsOf(text: string, env: Record<string, string> = {}): string {
  try {
    parseChecklist(text, 'venue.yaml', { env });
  } catch (error) {
    if (error instanceof ChecklistError)
      return (
        error.message +
        error.problems
          .map((p) => `\n${p.position.line}:${p.position.column} ${p.message} — ${p.expected ?? ''}`)
          .join('')
      );
    throw error;
  }
  return '';
}

describe('venue presets', () => {
  it('fill the stack, both chains with their public RPC, and the contracts from one line', () => {
    const { venue } = parseChecklist(checklist('  preset: base'), 'base.yaml', { env: {} });
    expect(venue).toMatchObject({
      name: 'Base',
      stack: 'op-stack',
      l2: { chainId: 8453, rpc: ['https://mainnet.base.org'] },
      l1: { chainId: 1 },
    });
    expect(venue.contracts.sequencerUptimeFeed).toBe('0xBCF85224fc0756B9Fa45aA7892530B47e10b6433');
    expect(venue.contracts.portal).toBe('0x49048044D57e1C92A77f79988d21Fa8fAF74E97e');
  });

  it('take the RPC from the environment variable when it is set', () => {
    const env = { BASE_RPC_URL: 'https://base.example/key123', ETH_RPC_URL: 'https://eth.example/key456' };
    const { venue } = parseChecklist(checklist('  preset: base'), 'base.yaml', { env });
    expect(venue.l2?.rpc).toEqual(['https://base.example/key123']);
    expect(venue.l1?.rpc).toEqual(['https://eth.example/key456']);
  });

  it("let the checklist's own contracts and chains override the preset's", () => {
    const { venue } = parseChecklist(
      checklist(
        '  preset: op-mainnet\n  l2:\n    chainId: 10\n    rpc: ["http://127.0.0.1:8545"]\n  contracts:\n    ethUsdFeed: "0x000000000000000000000000000000000000dEaD"',
      ),
      'op.yaml',
      { env: {} },
    );
    expect(venue.l2?.rpc).toEqual(['http://127.0.0.1:8545']);
    expect(venue.contracts.ethUsdFeed).toBe('0x000000000000000000000000000000000000dEaD');
    expect(venue.contracts.btcUsdFeed).toBe('0xD702DD976Fb76Fffc2D3963D037dfDae5b04E593');
  });

  it('refuse a checklist that contradicts its preset, naming line and column', () => {
    const text = checklist(
      '  preset: arbitrum-one\n  stack: op-stack\n  l2:\n    chainId: 10\n    rpc: ["http://127.0.0.1:8545"]',
    );
    const problems = problemsOf(text);
    expect(problems).toContain('5:10 venue.stack op-stack contradicts preset arbitrum-one (arbitrum)');
    expect(problems).toContain('7:14 venue.l2.chainId 10 contradicts preset arbitrum-one (chain 42161)');
  });

  it('suggest the preset meant by a typo, and require l2 without a preset', () => {
    expect(problemsOf(checklist('  preset: bsae'))).toContain(
      'unknown venue preset "bsae" (did you mean "base"?)',
    );
    expect(problemsOf(checklist('  stack: evm'))).toContain('venue.l2 is missing');
  });

  it('carry a source for every contract, and put each on the chain it lives on', () => {
    for (const preset of PRESETS.values()) {
      for (const [name, contract] of Object.entries(preset.contracts)) {
        expect(contract.source, `${preset.name}.${name}`).not.toBe('');
        if (contract.on === 'l1') expect(preset.l1, `${preset.name}.${name}`).toBeDefined();
      }
    }
  });
});
