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
      class Endpoint {
        readonly label = 'l2 #1';
      }
      const endpoint = new Endpoint();
      const copied = redactor.applyDeep({ id: 'head', evidence: { endpoint } });
      expect(copied.evidence.endpoint).not.toBe(endpoint);
      expect(Object.getPrototypeOf(copied.evidence.endpoint)).toBe(Object.prototype);
      expect(copied.evidence.endpoint).toEqual({ label: 'l2 #1' });
    });

    it('copies from the first entry that changed, keeping the order and every other entry', () => {
      const result = { a: 'x', b: 'https://rpc.example/v2/abcdef123456', c: ['y', 'z'], d: 4 };
      const copied = redactor.applyDeep(result);
      expect(Object.entries(copied)).toEqual([
        ['a', 'x'],
        ['b', 'https://rpc.example/…'],
        ['c', ['y', 'z']],
        ['d', 4],
      ]);
      expect(copied.c).toBe(result.c);
    });
  });
});
