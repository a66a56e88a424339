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

  describe('applyDeep', () => {
    const redactor = new Redactor();
    redactor.addUrl('https://rpc.example/v2/abcdef123456');

    it('redacts a secret however deep it sits in a result, leaving the result itself unchanged', () => {
      const result = {
        id: 'head',
        message: 'ok',
        evidence: { endpoints: [{ url: 'x' }, { note: 'failed at https://rpc.example/v2/abcdef123456' }] },
      };
      const before = structuredClone(result);
      expect(redactor.applyDeep(result)).toEqual({
        id: 'head',
        message: 'ok',
        evidence: { endpoints: [{ url: 'x' }, { note: 'failed at https://rpc.example/…' }] },
      });
      expect(result).toEqual(before);
    });

    it('returns plain data without a secret as it is, and still copies other objects into plain ones', () => {
      const clean = { id: 'head', values: [1, 'two', null, { deep: true }] };
      expect(redactor.applyDeep(clean)).toBe(clean);
      const withDate = { id: 'head', evidence: { at: new Date(0) } };
      const copied = redactor.applyDeep(withDate);
      expect(copied).not.toBe(withDate);
      expect(copied.evidence.at).toEqual({});
    });
  });
});
