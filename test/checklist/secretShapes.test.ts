/**
 * The shapes a checklist error hides wherever it prints text (message, expected, suggestion, the
 * source line), and the ordinary values it must leave as written.
 */
import { describe, expect, it } from 'vitest';
import { hideSecretShapes } from '../../src/checklist/secretShapes.js';

const KEY = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('hideSecretShapes', () => {
  it.each([
    [
      'a URL without its scheme',
      'got "base-mainnet.g.alchemy.com/v2/SECRETKEYabcdef123456"',
      'got "base-mainnet.g.alchemy.com/…"',
    ],
    [
      'a URL whose scheme lost its colon',
      'https//base-mainnet.g.alchemy.com/v2/KEY',
      'https//base-mainnet.g.alchemy.com/…',
    ],
    ['a URL without scheme, with a query', 'rpc.example.com:8545?key=abc', 'rpc.example.com:8545/…'],
    ['user-info without a scheme', 'user:pw@rpc.example.com', 'rpc.example.com/…'],
    [
      'a URL with its scheme',
      '["https://user:pw@rpc.example/v2/LITERALKEY?x=SECRET", 5]',
      '["https://rpc.example/…", 5]',
    ],
    ['a private key', `PRIVATE_KEY=${KEY}`, 'PRIVATE_KEY=0x…'],
    [
      'a private key with 0x',
      `"0x${KEY}" is not a 20-byte hex address`,
      '"0x…" is not a 20-byte hex address',
    ],
    ['a 32-digit hex key (Infura)', 'key 9aa3d95b3bc440fa88ea12eaa4456161 end', 'key 0x… end'],
    ['a base62 key', 'alchemy key Zk3x9QaP0LmN7bVc2RtY8uWe4SdF6gHj done', 'alchemy key … done'],
    [
      'a JWT',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      '….….…',
    ],
  ])('hides %s', (_name, text, shown) => {
    expect(hideSecretShapes(text)).toBe(shown);
  });

  it.each([
    ['an address', 'feed: 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'],
    [
      'durations, amounts, ratios and check types',
      'sequencer.head-age oracle.chainlink 1h30m 7d12h 1_000_000 USD 0.5% 30000ms',
    ],
    [
      'a long check id with capitals and digits',
      'check Base-Mainnet-Sequencer-Head-Age-2: max: expected a duration, got 30',
    ],
    ['a contract reference', 'unknown contract "$ethUsdFeedOnBaseMainnetPrimary2"'],
    ['versions and fractions', 'v1.2.3/x 1.5/2'],
    ['file paths', 'see ./checklists/base.yaml and test/checklist/foo.ts'],
    ['an e-mail address', 'escalation: "#perps-oncall, then oncall@team.example"'],
    ['a URL with nothing after its host', 'https://rpc.example http://127.0.0.1:8545 rpc.example.com'],
    ['a documentation example in a message', 'e.g. https://wiki.example/runbooks/head-fresh'],
  ])('leaves %s as written', (_name, text) => {
    expect(hideSecretShapes(text)).toBe(text);
  });

  it('still hides a key written on a documentation host', () => {
    expect(hideSecretShapes('https://rpc.example/v2/KEY123456')).toBe('https://rpc.example/…');
  });
});
