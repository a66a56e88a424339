import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('devnet contract artifacts', () => {
  it('are what the pinned solc makes of contracts/src (run `npm run contracts` after editing)', () => {
    const result = spawnSync(process.execPath, ['scripts/compile-contracts.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
