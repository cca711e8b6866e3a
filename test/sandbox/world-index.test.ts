// The sandbox serving a world file from its index on disk (world-index.ts): every dataset
// answers exactly as the in-memory world does — pages, positions, run-time changes — and a
// malformed file is refused with a coded error naming where.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorCodeOf } from '../../lib/errors.ts';
import { generateWorld, writeWorld } from '../../sandbox/generate.ts';
import { readWorld, WorldFileError } from '../../sandbox/read-world.ts';
import type { RecordStore } from '../../sandbox/record-store.ts';
import { servedFromIndex, servedFromMemory, type RecordChannel, type ServedWorld } from '../../sandbox/served-world.ts';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { WorldDataError } from '../../sandbox/sorted-records.ts';
import { indexWorldFile, recordFields, type WorldIndex } from '../../sandbox/world-index.ts';
import type { SourceRow, World } from '../../sandbox/world.ts';
import { envelope, FakeClock, queryBody, securityHeader, signedFetch, smallWorld, soapCall, xmlRecords } from './helpers.ts';

function datasetsOf(world: World): Array<[RecordChannel, string]> {
  const out: Array<[RecordChannel, string]> = [];
  for (const channel of ['ministry', 'bigdata', 'police', 'health'] as const) {
    for (const name of Object.keys(world.sources[channel] ?? {})) out.push([channel, name]);
  }
  return out;
}

function storesOf(served: ServedWorld, channel: RecordChannel, dataset: string): RecordStore {
  const f = recordFields(channel, dataset);
  assert.ok(f, `${channel}/${dataset} has id and time fields`);
  return served.records(channel, dataset, f.idField, f.timeField);
}

/** Every question a simulator asks of a store, asked of both. */
function assertSameStore(mem: RecordStore, file: RecordStore, where: string, changed = false): void {
  assert.equal(file.length, mem.length, `${where}: length`);
  assert.equal(file.jsonSlice(0, file.length), mem.jsonSlice(0, mem.length), `${where}: every record, in order`);
  assert.deepEqual(file.slice(0, file.length), mem.slice(0, mem.length), `${where}: rows`);
  for (const size of [1, 7, 100]) {
    for (let from = 0; from < mem.length + size; from += size) {
      assert.equal(file.jsonSlice(from, from + size), mem.jsonSlice(from, from + size), `${where}: page ${from}+${size}`);
    }
  }
  const probes = new Set<number>([0, Number.MAX_SAFE_INTEGER]);
  for (let i = 0; i < mem.length; i++) {
    assert.equal(file.timeAt(i), mem.timeAt(i), `${where}: time at ${i}`);
    assert.equal(file.idAt(i), mem.idAt(i), `${where}: id at ${i}`);
    if (i % 3 === 0) [mem.timeAt(i) - 1, mem.timeAt(i), mem.timeAt(i) + 1].forEach((t) => probes.add(t));
  }
  for (const t of probes) {
    assert.equal(file.firstAtOrAfter(t), mem.firstAtOrAfter(t), `${where}: firstAtOrAfter ${t}`);
    assert.equal(file.firstAfter(t), mem.firstAfter(t), `${where}: firstAfter ${t}`);
  }
  for (let i = 0; i < mem.length; i += 2) {
    for (const id of [mem.idAt(i), `${mem.idAt(i)}0`, '', '~']) {
      assert.equal(file.firstAfterKey(mem.timeAt(i), id), mem.firstAfterKey(mem.timeAt(i), id), `${where}: firstAfterKey ${mem.timeAt(i)} ${id}`);
    }
  }
  // a simulator's rendering, pre-rendered by the file while it is unchanged (once changed, or held in
  // memory, the simulator renders per page)
  const render = (row: SourceRow): string => `<r n="${row[mem.idField] ?? ''}">${JSON.stringify(row)}</r>`;
  const other = (row: SourceRow): string => `${row[mem.timeField] ?? ''};`;
  file.prerender(render);
  mem.prerender(render);
  const rendered = (from: number, to: number) => file.prerenderedBytes(from, to, render)?.toString('utf8');
  assert.equal(mem.prerenderedBytes(0, mem.length, render), undefined, `${where}: nothing pre-rendered in memory`);
  if (changed) {
    assert.equal(rendered(0, file.length), undefined, `${where}: a changed dataset is not served from the pre-rendered texts`);
  } else {
    assert.equal(rendered(0, file.length), mem.slice(0, mem.length).map(render).join(''), `${where}: every record rendered`);
    for (const size of [1, 7, 100]) {
      for (let from = 0; from < mem.length + size; from += size) {
        assert.equal(rendered(from, from + size), mem.slice(from, from + size).map(render).join(''), `${where}: rendered page ${from}+${size}`);
      }
    }
  }
  // another function than the one pre-rendered is not answered from the pre-rendered texts
  assert.equal(file.prerenderedBytes(0, file.length, other), undefined, `${where}: another rendering`);
}

/** Apply the same change to both; they must agree on its outcome (status or error). */
function both(mem: RecordStore, file: RecordStore, change: (s: RecordStore) => unknown): void {
  const outcome = (s: RecordStore) => {
    try {
      return { value: change(s) };
    } catch (err) {
      return { error: `${(err as Error).name}: ${(err as Error).message}` };
    }
  };
  assert.deepEqual(outcome(file), outcome(mem));
}

describe('sandbox: a world file served from its index on disk', function () {
  this.timeout(120_000);
  let dir: string;
  let world: World;
  let index: WorldIndex;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-world-index-'));
    const generated = generateWorld({ persons: 600, seed: 'world-index', faults: true });
    const paths = writeWorld(generated, { dir });
    world = readWorld(paths.world);
    index = indexWorldFile(paths.world);
  });
  after(() => {
    index?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds what the file holds besides the records: dates, faults, civil files, police cities, the roster counted', () => {
    assert.equal(index.period, world.period);
    assert.equal(index.asOf, world.asOf);
    assert.deepEqual(index.faults, world.faults);
    assert.deepEqual(index.civil, world.sources.civil);
    assert.deepEqual(index.policeCities, Object.keys(world.sources.police ?? {}));
    assert.equal(index.rosterSize, world.roster.length);
    const records = datasetsOf(world).reduce((n, [c, d]) => n + ((world.sources[c] as Record<string, SourceRow[]>)[d]?.length ?? 0), 0);
    assert.equal(index.records, records);
    assert.ok(records > 1000, `a world with records (${records})`);
    // the index: a few typed arrays, at most 16 bytes a record
    assert.ok(index.indexBytes <= 16 * records, `${index.indexBytes} bytes for ${records} records`);
    for (const d of index.datasets.values()) assert.ok(d.verbatim, `${d.label}: the generator writes each record as JSON.stringify does`);
  });

  it('answers every dataset as the in-memory world does', () => {
    const mem = servedFromMemory(world);
    const file = servedFromIndex(index);
    for (const [channel, dataset] of datasetsOf(world)) {
      assertSameStore(storesOf(mem, channel, dataset), storesOf(file, channel, dataset), `${channel}/${dataset}`);
    }
  });

  it('reads the file in chunks of any size to the same index', () => {
    const small = indexWorldFile(index.file, { chunkBytes: 61 });
    try {
      const a = servedFromIndex(index);
      const b = servedFromIndex(small);
      for (const [channel, dataset] of datasetsOf(world)) {
        const x = storesOf(a, channel, dataset);
        const y = storesOf(b, channel, dataset);
        assert.equal(y.jsonSlice(0, y.length), x.jsonSlice(0, x.length), `${channel}/${dataset}`);
      }
      assert.deepEqual(small.civil, index.civil);
      assert.equal(small.rosterSize, index.rosterSize);
    } finally {
      small.close();
    }
  });

  it('pre-renders a dataset to a scratch file whose runs read back as rendered, across write batches', () => {
    const auth = index.datasets.get('ministry/AUTH');
    assert.ok(auth && auth.length > 20, 'a ministry dataset of some size');
    // multi-byte text (names in Chinese) moves every later offset by more than its length in characters
    const render = (row: SourceRow): string => `<record>${row.recordId}|${row.aac003 ?? ''}|${row.aae036}</record>`;
    const rows = auth.rows(0, auth.length);
    assert.ok(rows.some((r) => /[^\x00-\x7f]/.test(r.aac003 ?? '')), 'some names outside ASCII');
    for (const batch of [1, 7, 1000]) {
      const texts = auth.prerender(render, batch);
      assert.equal(texts.length, auth.length);
      assert.equal(texts.bytes(0, auth.length).toString('utf8'), rows.map(render).join(''), `batch ${batch}: the whole dataset`);
      for (const [from, to] of [[0, 1], [6, 8], [7, 7], [13, 20], [auth.length - 1, auth.length]]) {
        assert.equal(texts.bytes(from, to).toString('utf8'), rows.slice(from, to).map(render).join(''), `batch ${batch}: records ${from}..${to}`);
      }
      assert.throws(() => texts.bytes(0, auth.length + 1), RangeError);
    }
  });

  it('keeps run-time changes (replaced, added, late records) over the file exactly as the in-memory world does', () => {
    const mem = servedFromMemory(world);
    const file = servedFromIndex(index);
    for (const [channel, dataset] of datasetsOf(world)) {
      const m = storesOf(mem, channel, dataset);
      const f = storesOf(file, channel, dataset);
      if (m.length < 4) continue;
      const where = `${channel}/${dataset}`;
      const stamp = (row: SourceRow, ms: number): SourceRow => ({ ...row, [m.timeField]: chinaStamp(m.timeField, ms) });
      const first = m.at(0);
      const mid = m.at(m.length >> 1);
      const last = m.at(m.length - 1);
      // a newer version of the first record; the same again is not newer
      both(m, f, (s) => s.upsert(stamp(first, m.timeAt(m.length >> 1))));
      both(m, f, (s) => s.upsert(stamp(first, m.timeAt(m.length >> 1))));
      // a record the source did not hold, at the time of another (tie broken by id)
      both(m, f, (s) => s.upsert(stamp({ ...mid, [m.idField]: `${mid[m.idField]}-NEW` }, m.timeAt(m.length >> 1))));
      // a late record with an id and time already held, and one before everything
      both(m, f, (s) => s.insert({ ...last }));
      both(m, f, (s) => s.insert(stamp({ ...mid, [m.idField]: 'A-LATE' }, m.timeAt(0) - 1000)));
      // an unreadable update time is refused the same way
      both(m, f, (s) => s.upsert({ ...mid, [m.timeField]: 'yesterday' }));
      // the late duplicate and its original replaced together by one newer version
      both(m, f, (s) => s.upsert(stamp(last, m.timeAt(m.length - 1) + 1000)));
      assertSameStore(m, f, `${where} after changes`, true);
    }
  });

  it('serves the same bytes over HTTP as the in-memory world, before and after a PUT', async () => {
    const clock = new FakeClock();
    const civilA = fs.mkdtempSync(path.join(dir, 'civil-'));
    const civilB = fs.mkdtempSync(path.join(dir, 'civil-'));
    const quiet = { ...world, faults: {} };
    const memSb = await startSandbox({ world: quiet, civilDir: civilA, now: clock.now });
    const quietIndex = indexWorldFile(writeQuiet(index.file, path.join(dir, 'quiet.json')));
    const fileSb = await startSandbox({ world: quietIndex, civilDir: civilB, now: clock.now });
    try {
      const city = index.policeCities[0];
      const bodies = async (sb: Sandbox): Promise<string[]> => {
        const out: string[] = [];
        for (const q of ['page=1&size=50', 'page=3&size=7', 'updatedFrom=2026-11-01T00:00:00%2B08:00&size=200']) {
          out.push(await (await fetch(`${sb.url}/health/v2/checkups?${q}`, { headers: { 'X-Api-Key': 'sandbox-health-api-key' } })).text());
        }
        const token = (await (
          await fetch(`${sb.url}/police/${city}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials&client_id=lifecert-hub&client_secret=sandbox-police-secret',
          })
        ).json()) as { access_token: string };
        for (const q of ['since=2000-01-01&offset=0&limit=500', 'since=2026-11-01&offset=3&limit=5']) {
          out.push(await (await fetch(`${sb.url}/police/${city}/hukou/changes?${q}`, { headers: { authorization: `Bearer ${token.access_token}` } })).text());
        }
        for (const [dataType, pageNo, pageSize] of [['AUTH', 1, 500], ['AUTH', 2, 3], ['DEATH', 1, 50], ['MEDICAL', 4, 11]] as const) {
          const xml = envelope(securityHeader(clock.t), queryBody({ dataType, startDate: '20000101', endDate: '20261231', pageNo, pageSize }));
          out.push((await soapCall(sb, 'QueryCertData', xml)).text);
        }
        let cursor: string | null = null;
        do {
          const query: Array<[string, string]> = [['limit', '37']];
          if (cursor) query.push(['cursor', cursor]);
          const text = await (await signedFetch(sb, 'GET', '/bigdata/api/v1/datasets/hukou/records', query, undefined, clock.t)).text();
          out.push(text);
          cursor = (JSON.parse(text) as { data: { nextCursor: string | null } }).data.nextCursor;
        } while (cursor !== null);
        return out;
      };
      const before = await bodies(fileSb);
      assert.deepEqual(before, await bodies(memSb));
      // the ministry's pages (pre-rendered by the file-backed sandbox) hold the records asked for
      assert.equal(xmlRecords(before[5]).length, Math.min(500, world.sources.ministry?.AUTH?.length ?? 0), 'a page of AUTH records');
      const row = { ...world.sources.bigdata?.hukou?.[0] } as SourceRow;
      row.GXSJ = '2026-11-27 10:00:00';
      for (const sb of [memSb, fileSb]) sb.putRecord('bigdata', 'hukou', row.JLID, row);
      // a changed ministry dataset is rendered per page again: the new version served at its place
      const auth = { ...world.sources.ministry?.AUTH?.[0] } as SourceRow;
      auth.aae036 = '2026-11-27 10:00:00';
      auth.aac003 = '张三丰';
      for (const sb of [memSb, fileSb]) sb.putRecord('ministry', 'AUTH', auth.recordId, auth);
      const after = await bodies(fileSb);
      assert.deepEqual(after, await bodies(memSb));
      assert.notDeepEqual(after[5], before[5], 'the PUT shows in the ministry page');
    } finally {
      await memSb.close();
      await fileSb.close();
      quietIndex.close();
    }
  });

  describe('a malformed file', () => {
    const refused = (text: string, pattern: RegExp, errorClass: typeof WorldFileError | typeof WorldDataError = WorldFileError) => {
      const file = path.join(dir, 'bad.json');
      fs.writeFileSync(file, text);
      assert.throws(
        () => indexWorldFile(file),
        (err: unknown) => {
          assert.ok(err instanceof errorClass, `${String(err)} is a ${errorClass.name}`);
          assert.match((err as Error).message, pattern);
          if (errorClass === WorldFileError) assert.equal(errorCodeOf(err), 'LIFECERT_SANDBOX_WORLD_INVALID');
          return true;
        },
      );
    };
    const good = () => JSON.stringify(smallWorld());

    it('is refused with LIFECERT_SANDBOX_WORLD_INVALID naming the byte where it breaks', () => {
      const text = good();
      refused(text.slice(0, text.length >> 1), /bad\.json: the world file is not valid JSON: .* at byte \d+/);
      refused(`${text} x`, /unexpected data after the world object at byte \d+/);
      refused(text.replace('"sources":{', '"sources":['), /sources: an object expected at byte \d+/);
      refused(text.replace('"DEATH":[', '"DEATH":{'), /sources\.ministry\.DEATH: an array expected at byte \d+/);
      refused(text.replace('{"recordId":"D3"', '{"recordId":3'), /ministry\/DEATH record #1 \(at byte \d+\) is not an object of string values/);
      refused(text.replace('{"recordId":"D3",', '{"recordId":"D3",,'), /ministry\/DEATH record #1: .*\(record at byte \d+\)/);
    });

    it('is refused when it breaks world.schema.json outside the records', () => {
      refused(good().replace('"period":"2026-11"', '"period":"2026-13"'), /does not follow world\.schema\.json:\n {2}\/period/);
      refused(good().replace('"bigdata":{', '"bigdata":{"weather":[],'), /does not follow world\.schema\.json/);
      refused(JSON.stringify({ ...smallWorld(), roster: undefined }), /does not follow world\.schema\.json/);
    });

    it('is refused, as the in-memory sandbox refuses it, when a record has no readable update time', () => {
      refused(good().replace('"aae036":"2026-11-03 09:00:00"', '"aae036":"soon"'), /ministry\/DEATH record #1 \(recordId D3\): the update time aae036 'soon' is unreadable/, WorldDataError);
    });

    it('may carry a source no simulator serves, as world.schema.json allows (skipped unread)', () => {
      const file = path.join(dir, 'extra.json');
      fs.writeFileSync(file, good().replace('"sources":{', '"sources":{"tax":{"x":[{"a":1}]},'));
      const extra = indexWorldFile(file);
      extra.close();
      assert.deepEqual([...extra.datasets.keys()].filter((k) => k.startsWith('tax')), []);
    });

    it('cannot be read at all: the same error', () => {
      assert.throws(() => indexWorldFile(path.join(dir, 'no-such-world.json')), (err: unknown) => errorCodeOf(err) === 'LIFECERT_SANDBOX_WORLD_INVALID' && /cannot read world file/.test((err as Error).message));
    });
  });
});

/** The world file without faults (so that every-N-th-call faults do not differ between two sandboxes' call counts). */
function writeQuiet(file: string, to: string): string {
  const w = readWorld(file);
  fs.writeFileSync(to, JSON.stringify({ ...w, faults: {} }));
  return to;
}

/** An update time in the field's own form, `ms` epoch. */
function chinaStamp(field: string, ms: number): string {
  const d = new Date(ms + 8 * 3600_000).toISOString();
  if (field === 'updatedAt') return `${d.slice(0, 19)}+08:00`;
  return `${d.slice(0, 10)} ${d.slice(11, 19)}`;
}
