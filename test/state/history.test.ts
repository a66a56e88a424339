/**
 * The typed, chain-scoped history (src/state/history.ts) on a real state directory: records of another
 * chain or genesis and malformed records are set aside with a note, never used and never a crash; the
 * files earlier versions wrote (by hand, per check) still load.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fundRecord } from '../../src/checks/insurance/fund.js';
import { priceRecord } from '../../src/checks/oracle/market.js';
import { probeRecord } from '../../src/checks/reorg/probe.js';
import { outageRecord } from '../../src/checks/sequencer/outages.js';
import { checkHistory } from '../../src/state/checkHistory.js';
import { type ChainScope, chainScope, parseRecord, typedHistory } from '../../src/state/history.js';
import { StateStore } from '../../src/state/store.js';

const GENESIS = `0x${'11'.repeat(32)}`;
const OTHER_GENESIS = `0x${'22'.repeat(32)}`;
const HASH = `0x${'ab'.repeat(32)}`;
const HOLDER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const SCOPE: ChainScope = { chainId: 901, genesis: GENESIS };

const counter = z.object({ version: z.literal(1), count: z.number().int().min(0) });

let dir: string;
let store: StateStore;
const KEY = ['venue', 'checks', 'under-test'];
const fileOf = () => store.fileFor(KEY);
const history = <S extends z.ZodType<Record<string, unknown>>>(schema: S, scope?: ChainScope) =>
  typedHistory(checkHistory(store, KEY), schema, { name: 'the run history' }, async () => scope);
const put = (data: unknown) => writeFile(fileOf(), typeof data === 'string' ? data : JSON.stringify(data));
const setAside = async () =>
  (await readdir(join(dir, 'venue', 'checks'))).filter((f) => f.includes('.corrupt-'));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2p-history-'));
  store = new StateStore(dir);
  await history(counter).write({ version: 1, count: 0 }); // creates the directory
});

describe('parseRecord: one place judges a record', () => {
  it('gives the record of this chain, without the scope fields', () => {
    expect(parseRecord(counter, { version: 1, count: 3, chainId: 901, genesis: GENESIS }, SCOPE)).toEqual({
      version: 1,
      count: 3,
    });
  });

  it.each([
    ['another chain id', { version: 1, count: 3, chainId: 10, genesis: GENESIS }, 'another chain (chain 10'],
    [
      'the same chain id, another genesis (a restarted devnet)',
      { version: 1, count: 3, chainId: 901, genesis: OTHER_GENESIS },
      'genesis 0x22222222…',
    ],
    ['no chain at all', { version: 1, count: 3 }, 'without a chain id and genesis'],
  ])('refuses a record with %s', (_name, data, problem) => {
    expect(parseRecord(counter, data, SCOPE)).toContain(problem);
  });

  it.each([
    ['null', null, 'not a record'],
    ['an array', [1, 2], 'not a record'],
    ['a number', 7, 'not a record'],
    ['a field of the wrong type', { version: 1, count: 'lots' }, 'count is "lots", expected number'],
    ['a missing field', { version: 1 }, 'count is missing, expected number'],
    ['a value out of range', { version: 1, count: -1 }, 'count is -1, below 0'],
    ['another version', { version: 2, count: 1 }, 'version is 2, expected 1'],
  ])('says what is wrong with %s, never throws', (_name, data, problem) => {
    expect(parseRecord(counter, data)).toContain(problem);
  });

  it('says where in a nested record the fault is', () => {
    const record = { version: 1, savedAt: 'x', head: 5, blocks: [{ number: 5, hash: HASH }, { number: 4 }] };
    expect(parseRecord(probeRecord, record)).toBe('undefined is not a block hash (at blocks[1].hash)');
  });
});

describe('typedHistory on a state directory', () => {
  it('writes the scope beside the fields, and reads the record back', async () => {
    await history(counter, SCOPE).write({ version: 1, count: 2 });
    expect(JSON.parse(await readFile(fileOf(), 'utf8'))).toEqual({
      version: 1,
      count: 2,
      chainId: 901,
      genesis: GENESIS,
    });
    expect(await history(counter, SCOPE).read()).toEqual({ value: { version: 1, count: 2 } });
  });

  it('ignores a record of another genesis: not used, set aside with a note, then replaced', async () => {
    await history(counter, { chainId: 901, genesis: OTHER_GENESIS }).write({ version: 1, count: 9 });
    const read = await history(counter, SCOPE).read();
    expect(read.value).toBeUndefined();
    expect(read.problem).toMatch(
      /^the run history was unusable \(recorded on another chain \(chain 901, genesis 0x22222222…\): the chain was reset or the checklist changed venue\) and was set aside to .*under-test\.json\.corrupt-/,
    );
    expect(await setAside()).toHaveLength(1);
    await history(counter, SCOPE).write({ version: 1, count: 1 });
    expect(await history(counter, SCOPE).read()).toEqual({ value: { version: 1, count: 1 } });
  });

  it('drops a malformed record with a note, never a crash', async () => {
    await put({ version: 1, count: 'many', chainId: 901, genesis: GENESIS });
    expect(await history(counter, SCOPE).read()).toEqual({
      problem: expect.stringContaining('the run history was unusable (count is "many", expected number)'),
    });
    await put('{"version":1,"cou');
    expect((await history(counter, SCOPE).read()).problem).toContain('not valid JSON');
  });

  it('gives update nothing, not a foreign record, to build on', async () => {
    await history(counter, { chainId: 10, genesis: GENESIS }).write({ version: 1, count: 41 });
    const seen: unknown[] = [];
    await history(counter, SCOPE).update((current) => {
      seen.push(current);
      return { version: 1, count: (current?.count ?? 0) + 1 };
    });
    expect(seen).toEqual([undefined]);
    expect(await history(counter, SCOPE).read()).toEqual({ value: { version: 1, count: 1 } });
  });

  it('keeps no scope on a venue without an EVM chain (dYdX v4)', async () => {
    await history(counter).write({ version: 1, count: 5 });
    expect(JSON.parse(await readFile(fileOf(), 'utf8'))).toEqual({ version: 1, count: 5 });
  });

  it('says an unreadable file could not be read, and does not throw', async () => {
    const blocked = new StateStore(join(dir, 'venue', 'checks', 'under-test.json', 'below'));
    const read = await typedHistory(
      checkHistory(blocked, KEY),
      counter,
      { name: 'the run history' },
      async () => SCOPE,
    ).read();
    expect(read.value).toBeUndefined();
    expect(read.problem).toMatch(/^the run history could not be read/);
  });
});

describe("records in the format earlier versions wrote load as they are (users' state directories)", () => {
  const scoped = (record: Record<string, unknown>) => ({ ...record, chainId: 901, genesis: GENESIS });
  it.each([
    [
      'reorg.probe',
      probeRecord,
      {
        version: 1,
        chainId: 901,
        genesis: GENESIS,
        savedAt: '2026-11-27T10:00:00.000Z',
        head: 5,
        blocks: [{ number: 5, hash: HASH }],
      },
      { version: 1, savedAt: '2026-11-27T10:00:00.000Z', head: 5, blocks: [{ number: 5, hash: HASH }] },
    ],
    [
      'sequencer.outages',
      outageRecord,
      { version: 1, chainId: 901, genesis: GENESIS, samples: [{ at: 1764237600.5, block: 12, age: 1.25 }] },
      { version: 1, samples: [{ at: 1764237600.5, block: 12, age: 1.25 }] },
    ],
    [
      'insurance.fund (version 2: samples)',
      fundRecord(HOLDER),
      {
        version: 2,
        chainId: 901,
        genesis: GENESIS,
        holder: HOLDER,
        samples: [{ totalUsd: 8_040_000, savedAt: '2026-11-27T10:00:00.000Z' }],
      },
      { version: 2, holder: HOLDER, samples: [{ totalUsd: 8_040_000, savedAt: '2026-11-27T10:00:00.000Z' }] },
    ],
    [
      'insurance.fund (version 1: the last run only)',
      fundRecord(HOLDER),
      {
        version: 1,
        chainId: 901,
        genesis: GENESIS,
        holder: HOLDER,
        totalUsd: 8_040_000,
        savedAt: '2026-11-27T10:00:00.000Z',
      },
      { version: 2, holder: HOLDER, samples: [{ totalUsd: 8_040_000, savedAt: '2026-11-27T10:00:00.000Z' }] },
    ],
  ])('%s', async (_name, schema, onDisk, parsed) => {
    await put(onDisk);
    expect(await history(schema as z.ZodType<Record<string, unknown>>, SCOPE).read()).toEqual({
      value: parsed,
    });
    // and what is written back is the same format, scope beside the fields
    await history(schema as z.ZodType<Record<string, unknown>>, SCOPE).write(parsed);
    expect(JSON.parse(await readFile(fileOf(), 'utf8'))).toEqual(scoped(parsed));
  });

  it('oracle.market (dYdX v4: no chain scope)', async () => {
    const record = {
      version: 1,
      ticker: 'ETH-USD',
      reference: '1:0xfeed',
      price: 3035.49,
      since: '2026-11-27T10:00:00.000Z',
      referencePriceThen: 3035.12,
    };
    await put(record);
    expect(await history(priceRecord('ETH-USD', '1:0xfeed')).read()).toEqual({ value: record });
  });

  it('insurance.fund: a record of another holder or a negative value is set aside, never a baseline', async () => {
    const sample = { totalUsd: 1, savedAt: '2026-11-27T10:00:00.000Z' };
    await put(scoped({ version: 2, holder: GENESIS.slice(0, 42), samples: [sample] }));
    expect((await history(fundRecord(HOLDER), SCOPE).read()).problem).toContain(
      'recorded for another holder',
    );
    await put(scoped({ version: 2, holder: HOLDER, samples: [sample, { ...sample, totalUsd: -5 }] }));
    expect((await history(fundRecord(HOLDER), SCOPE).read()).problem).toContain(
      'a totalUsd is negative (-5)',
    );
    await put(scoped({ version: 3, holder: HOLDER }));
    expect((await history(fundRecord(HOLDER), SCOPE).read()).problem).toContain(
      'not an l2preflight fund history',
    );
  });
});

describe('chainScope', () => {
  it('reads genesis once for the run, and again only after a failed read', async () => {
    let reads = 0;
    let fail = true;
    const scope = chainScope({
      chainId: 901,
      block: async () => {
        reads += 1;
        if (fail) throw new Error('endpoint down');
        return { hash: GENESIS };
      },
    });
    await expect(scope()).rejects.toThrow('endpoint down');
    fail = false;
    expect(await Promise.all([scope(), scope()])).toEqual([SCOPE, SCOPE]);
    expect(await scope()).toEqual(SCOPE);
    expect(reads).toBe(2);
  });

  it('is none without an EVM L2', async () => {
    expect(await chainScope(undefined)()).toBeUndefined();
  });
});
