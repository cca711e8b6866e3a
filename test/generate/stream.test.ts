// Issue 12 item 1: the monthly mix (`mix: 'month'`) and the streamed generator
// (`generateWorldFiles`). The hub's agreement with both is test/e2e/month-mix.test.ts; here the
// files themselves: the schema, the same bytes for the same seed, the roster and results sorted
// and matching, counts that are exactly the records a first pull sees, bounded state.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { DIRT, SCENARIO_KINDS, generateWorld, generateWorldFiles, type Expected } from '../../sandbox/generate.ts';
import type { World } from '../../sandbox/world.ts';
import { CompactIdSet } from '../../sandbox/generate/id-set.ts';
import { MONTH_SHARES } from '../../sandbox/generate/scenarios.ts';
import { jsonMembers, jsonObject } from '../../bench/json-members.ts';
import { compareResults } from '../../bench/month-verify.ts';
import type { Result } from '../../schemas/types.ts';

const ALIVE = ['ministry/AUTH', 'ministry/TRAVEL', 'ministry/MEDICAL', 'health/vaccinations', 'health/checkups'];

function pulled(e: Expected): number {
  return Object.values(e.counts).reduce((n, c) => n + c.pulled, 0);
}

/** Records a first pull sees, per `<channel>/<dataset>`, counted from the world file independently of the generator's ledger. */
function seenPerDataset(w: World): Record<string, number> {
  const cut = (stamp: string): boolean => Date.parse(/T/.test(stamp) ? stamp : `${stamp.replace(' ', 'T')}+08:00`) <= Date.parse(`${w.asOf}T23:59:59.999+08:00`);
  const out: Record<string, number> = {};
  const add = (key: string, n: number): void => { out[key] = (out[key] ?? 0) + n; };
  for (const [d, rows] of Object.entries(w.sources.ministry ?? {})) add(`ministry/${d}`, rows!.filter((r) => r.aae036.slice(0, 10) <= w.asOf).length);
  for (const [d, rows] of Object.entries(w.sources.bigdata ?? {})) add(`bigdata/${d}`, rows!.filter((r) => cut(r.GXSJ)).length);
  const late = w.faults?.police?.lateItems ?? {};
  for (const [c, rows] of Object.entries(w.sources.police ?? {})) add(`police-${c}/hukou`, [...rows, ...(late[c] ?? [])].filter((r) => cut(r.gxsj)).length);
  for (const [d, rows] of Object.entries(w.sources.health ?? {})) add(`health/${d}`, rows!.filter((r) => cut(r.updatedAt.trim())).length);
  return out;
}

describe('the monthly mix', () => {
  let month: ReturnType<typeof generateWorld>;
  before(() => {
    month = generateWorld({ persons: 20_000, seed: 'month-mix', mix: 'month', faults: false });
  });

  it('leaves the catalogue worlds as they were: mix catalogue is the default', () => {
    const a = generateWorld({ persons: 800, seed: 'same' });
    const b = generateWorld({ persons: 800, seed: 'same', mix: 'catalogue' });
    assert.equal(JSON.stringify(b.world), JSON.stringify(a.world));
    assert.equal(JSON.stringify(b.expected), JSON.stringify(a.expected));
    assert.notEqual(JSON.stringify(generateWorld({ persons: 800, seed: 'same', mix: 'month' }).world), JSON.stringify(a.world));
    assert.throws(() => generateWorld({ persons: 10, seed: 1, mix: 'weekly' as 'month' }), /mix must be 'catalogue' or 'month'/);
  });

  it('yields about three source records per person, mostly alive signals', () => {
    const perPerson = pulled(month.expected) / 20_000;
    assert.ok(perPerson > 2.8 && perPerson < 3.2, `records per person ${perPerson.toFixed(2)}`);
    const alive = ALIVE.reduce((n, k) => n + month.expected.counts[k].pulled, 0);
    assert.ok(alive / pulled(month.expected) > 0.85, `alive signals ${(alive / pulled(month.expected)).toFixed(3)} of the records`);
  });

  it('makes deaths, sentences, cancellations and second pensions at monthly rates, still every scenario and dirt item once', () => {
    for (const kind of SCENARIO_KINDS) assert.ok((month.expected.catalog.scenarios[kind] ?? 0) > 0, kind);
    for (const item of DIRT) assert.ok((month.expected.catalog.dirt[item.name] ?? 0) > 0, item.name);
    const of = (re: RegExp): number => Object.entries(month.expected.catalog.scenarios).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
    const once = (re: RegExp): number => SCENARIO_KINDS.filter((k) => re.test(k)).length;
    const deaths = of(/death|died/) - once(/death|died/);
    // drawn deaths: MONTH_SHARES.deaths of the persons (a binomial draw: within four standard deviations)
    const mean = 20_000 * MONTH_SHARES.deaths;
    assert.ok(Math.abs(deaths - mean) < 4 * Math.sqrt(mean) + 1, `deaths drawn ${deaths}, expected about ${mean}`);
    assert.ok(of(/^imprison|^released/) - once(/^imprison|^released/) < 10);
    const ineligible = Object.values(month.expected.results).filter((r) => r.decision === 'ineligible').length;
    assert.ok(ineligible / 20_000 < 0.01, `ineligible ${ineligible}`);
    const deathRecords = ['ministry/DEATH', 'bigdata/death', 'health/death-certificates', 'civil/cremation', 'bigdata/cremation'].reduce((n, k) => n + month.expected.counts[k].pulled, 0);
    assert.ok(deathRecords / 20_000 < 0.02, `death records ${deathRecords}`);
  });
});

describe('streamed generation (generateWorldFiles)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifecert-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a world and expectation of the same shape, valid, sorted, and counting what a first pull sees', () => {
    const r = generateWorldFiles({ persons: 2500, seed: 'stream', mix: 'month' }, join(dir, 'a.json'), { chunk: 600 });
    assert.deepEqual(r.paths, { world: join(dir, 'a.json'), expected: join(dir, 'a.expected.json') });
    const world = JSON.parse(readFileSync(r.paths.world, 'utf8')) as World;
    const expected = JSON.parse(readFileSync(r.paths.expected, 'utf8')) as Expected;
    assert.deepEqual(Object.keys(world), ['worldVersion', 'period', 'asOf', 'roster', 'sources', 'faults']);
    assert.deepEqual(Object.keys(world.sources), ['ministry', 'bigdata', 'police', 'civil', 'health']);
    assert.deepEqual(Object.keys(expected), ['worldVersion', 'seed', 'period', 'asOf', 'counts', 'rejections', 'skips', 'results', 'catalog']);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/world.schema.json'), 'utf8'));
    const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(world), JSON.stringify(validate.errors?.slice(0, 5)));

    const ids = world.roster.map((e) => e.personId);
    assert.equal(ids.length, 2500);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `roster not sorted or repeated at ${ids[i]}`);
    assert.deepEqual(Object.keys(expected.results), ids, 'one result per roster entry, in the same order');
    assert.equal(Object.values(expected.catalog.scenarios).reduce((a, b) => a + b, 0), 2500);
    for (const kind of SCENARIO_KINDS) assert.ok((expected.catalog.scenarios[kind] ?? 0) > 0, kind);

    // counts: the ledger's, and independently the records the world holds that a first pull sees (civil aside)
    const seen = seenPerDataset(world);
    for (const [key, c] of Object.entries(expected.counts)) {
      assert.equal(c.pulled, c.staged + c.rejected + c.skipped, key);
      assert.equal(expected.rejections.filter((x) => `${x.channel}/${x.dataset}` === key).length, c.rejected, key);
      assert.equal(expected.skips.filter((x) => `${x.channel}/${x.dataset}` === key).length, c.skipped, key);
      if (key !== 'civil/cremation') assert.equal(c.pulled, seen[key] ?? 0, key);
    }
    assert.equal(r.records, pulled(expected));
    // record ids unique per dataset across chunks
    for (const [d, rows] of Object.entries(world.sources.ministry ?? {})) assert.equal(new Set(rows!.map((x) => x.recordId)).size, rows!.length, d);
    for (const [d, rows] of Object.entries(world.sources.health ?? {})) {
      const idField = { 'death-certificates': 'certificateNo', vaccinations: 'vaccinationId', checkups: 'checkupId' }[d]!;
      const nonEmpty = rows!.map((x) => x[idField]).filter((x) => x !== '');
      assert.equal(new Set(nonEmpty).size, nonEmpty.length, d);
    }
    assert.ok(Object.values(world.faults!.police!.lateItems!).some((rows) => rows.length > 0), 'faults on: late police items');
  });

  it('gives the same bytes for the same seed and options, other bytes for another chunk size', () => {
    const a = generateWorldFiles({ persons: 1500, seed: 9, mix: 'month', faults: false }, { dir: join(dir, 'x') }, { chunk: 400 });
    const b = generateWorldFiles({ persons: 1500, seed: 9, mix: 'month', faults: false }, { dir: join(dir, 'y') }, { chunk: 400 });
    assert.equal(readFileSync(b.paths.world, 'utf8'), readFileSync(a.paths.world, 'utf8'));
    assert.equal(readFileSync(b.paths.expected, 'utf8'), readFileSync(a.paths.expected, 'utf8'));
    const c = generateWorldFiles({ persons: 1500, seed: 9, mix: 'month', faults: false }, { dir: join(dir, 'z') }, { chunk: 1500 });
    assert.notEqual(readFileSync(c.paths.world, 'utf8'), readFileSync(a.paths.world, 'utf8'));
    // the catalogue mix streams too
    const cat = generateWorldFiles({ persons: 300, seed: 9 }, { dir: join(dir, 'cat') }, { chunk: 100 });
    assert.equal(Object.keys((JSON.parse(readFileSync(cat.paths.expected, 'utf8')) as Expected).results).length, 300);
    assert.throws(() => generateWorldFiles({ persons: 10, seed: 1 }, { dir: join(dir, 'bad') }, { chunk: 0 }), /chunk must be a positive integer/);
  });

  it('streams back through bench/json-members.ts exactly as JSON.parse reads it', () => {
    const r = generateWorldFiles({ persons: 900, seed: 'members', mix: 'month' }, { dir: join(dir, 'm') }, { chunk: 250 });
    const world = JSON.parse(readFileSync(r.paths.world, 'utf8')) as World;
    const expected = JSON.parse(readFileSync(r.paths.expected, 'utf8')) as Expected;
    assert.deepEqual([...jsonMembers(r.paths.world, 'roster')].map(([k, v]) => { assert.equal(k, null); return v; }), world.roster);
    assert.deepEqual(Object.fromEntries(jsonMembers(r.paths.expected, 'results')), expected.results);
    assert.deepEqual(jsonObject(r.paths.expected, 'counts'), expected.counts);
    assert.deepEqual([...jsonMembers(r.paths.world, 'absent')], []);
    assert.deepEqual([...jsonMembers(r.paths.world, 'civil')], [], 'only top-level keys');
  });

  it("lets the bench compare a hub's results with the expectation streamed, finding every difference", async () => {
    const r = generateWorldFiles({ persons: 400, seed: 'verify', mix: 'month' }, { dir: join(dir, 'v') }, { chunk: 150 });
    const expected = JSON.parse(readFileSync(r.paths.expected, 'utf8')) as Expected;
    const asHub = Object.values(expected.results).map((e) => ({ ...e, period: expected.period, evidence: [] }) as unknown as Result);
    assert.deepEqual(await compareResults(asHub, r.paths.expected), { compared: 400, differences: 0 });
    const wrong = asHub.map((x, i) => (i === 7 ? { ...x, decision: x.decision === 'eligible' ? 'suspect' : 'eligible' } as Result : x));
    const one = await compareResults(wrong, r.paths.expected);
    assert.equal(one.differences, 1);
    assert.match(one.firstDifference!, new RegExp(`^${asHub[7].personId} decision: got`));
    const missing = await compareResults(asHub.filter((_, i) => i !== 0 && i !== 399), r.paths.expected);
    assert.equal(missing.differences, 2);
    assert.match(missing.firstDifference!, /expected a result, the hub published none/);
    const extra = await compareResults([...asHub.slice(0, 10), { ...asHub[10], personId: `${asHub[10].personId.slice(0, 17)}Z` }, ...asHub.slice(11)], r.paths.expected);
    assert.equal(extra.differences, 2, 'one unexpected, one missing');
    await assert.rejects(compareResults([asHub[1], asHub[0]], r.paths.expected), /out of personId order/);
  });
});

describe('CompactIdSet', () => {
  it('holds identity numbers in 8 bytes each: no false hits, no misses, growing as it fills', () => {
    const set = new CompactIdSet(4);
    const seen = new Set<string>();
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      const id = `44${pad(i % 97 + 100, 4)}${1920 + (i % 80)}${pad((i % 12) + 1, 2)}${pad((i % 28) + 1, 2)}${pad(i % 1000, 3)}X`;
      assert.equal(set.has(id), seen.has(id));
      set.add(id);
      seen.add(id);
    }
    assert.equal(set.size, seen.size);
    for (const id of seen) assert.ok(set.has(id));
    assert.ok(!set.has('440106195001010011'));
    assert.throws(() => set.add('44010619500101001'), /not an 18-character identity number/);
  });
});
