/** The redactor: longest secret first, and a secret added after use still applies. */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/rpc/redact.js';

describe('Redactor', () => {
  it('replaces a URL before a fragment of it, and applies secrets added after it was used', () => {
    const redactor = new Redactor();
    redactor.addUrl('https://rpc.example/v2/abcdef123456');
    expect(redactor.apply('at https://rpc.example/v2/abcdef123456 and /v2/abcdef123456')).toBe(
      'at https://rpc.example/… and …',
    );
    expect(redactor.apply('key 0xsecretsecret')).toBe('key 0xsecretsecret');
    redactor.add('0xsecretsecret');
    expect(redactor.apply('key 0xsecretsecret')).toBe('key ***');
  });
});
