// Civil re-deliveries (sources.md section 4): after every pull the current civil rows are
// exactly the rows of the latest complete delivery of each file — the delivery order decides,
// not 登记时间. Files go through the real civil connector over a temp inbox, the real
// normalization and ingest, into the mirror on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { createCivilConnector } from '../../connectors/civil/connector.ts';
import { eventsForPerson, listPulls, loadRoster, rawHash, readResults } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import type { NormalizeFn } from '../../pipeline/ingest.ts';
import { matchPeriod } from '../../pipeline/match.ts';
import type { CivilRaw, PullCounts, Result, RosterEntry } from '../../schemas/types.ts';
import { deliver, HEADER, tempDirs } from '../connectors/fixtures.ts';
import { forEachDatabase, identityNumber } from '../mirror/db-targets.ts';
import { FakeConnector } from './fake-connector.ts';

const AS_OF = '2026-11-28';
const PERIOD = '2026-11';
const COLUMNS = HEADER.split(',');
const FILES = ['HH_440106_20261103.csv', 'HH_440106_20261104.csv'] as const;
const NAMES = ['甲', '乙', '丙', '丁'];
const PERSONS = NAMES.map((_, i) => identityNumber(`44010619410302${String(i + 1).padStart(3, '0')}`));

/** What one CSV line holds: a row (its fields in header order) or a blank line. */
type Line = { fields: string[] } | { blank: string };

interface RowSpec {
  person: number;
  /** day of November the cremation took place */
  cremated: number;
  /** 登记时间 as day of November and minute of the day */
  registeredDay: number;
  registeredMinute: number;
  /** the identity number as a spreadsheet mangled it: a rejection */
  mangled: boolean;
  /** the date given as 死亡日期 instead of 火化日期 */
  asDeathDate: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

function rowOf(spec: RowSpec): Line {
  const date = `2026-11-${pad(spec.cremated)}`;
  const registered = `2026-11-${pad(spec.registeredDay)} ${pad(Math.floor(spec.registeredMinute / 60))}:${pad(spec.registeredMinute % 60)}:00`;
  const id = spec.mangled ? '4.40106E+17' : PERSONS[spec.person];
  return { fields: [NAMES[spec.person], id, '男', '1941-03-02', spec.asDeathDate ? date : '', spec.asDeathDate ? '' : date, '广州市殡仪馆', registered] };
}

function fileText(lines: readonly Line[]): string {
  return [HEADER, ...lines.map((l) => ('fields' in l ? l.fields.join(',') : l.blank))].join('\n');
}

/** The raw record the hub must hold as current for each line holding a row: record id → raw hash. */
function expectedCurrent(files: ReadonlyMap<string, readonly Line[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, lines] of files) {
    lines.forEach((l, i) => {
      if (!('fields' in l)) return;
      const raw: CivilRaw = { file, line: i + 2, row: Object.fromEntries(COLUMNS.map((c, k) => [c, l.fields[k]])) };
      out.set(`${file}:${i + 2}`, rawHash(raw));
    });
  }
  return out;
}

const rowLines = (lines: readonly Line[]): Set<number> => new Set(lines.flatMap((l, i) => ('fields' in l ? [i + 2] : [])));

async function currentCivil(db: Db): Promise<Map<string, string>> {
  const { rows } = await db.query<{ record_id: string; raw_hash: string }>(
    `SELECT record_id, raw_hash FROM current_source_records WHERE channel = 'civil' AND outcome <> 'withdrawn' ORDER BY record_id`,
  );
  return new Map(rows.map((r) => [r.record_id, r.raw_hash]));
}

async function assertFlagFollowsRule(db: Db): Promise<void> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM current_source_records c FULL JOIN current_source_records_by_order o USING (arrival_seq)
      WHERE c.arrival_seq IS NULL OR o.arrival_seq IS NULL`,
  );
  assert.equal(rows[0].n, 0, 'is_current agrees with current_source_records_by_order');
}

const roster: RosterEntry[] = PERSONS.map((personId, i) => ({
  personId, name: NAMES[i], sex: '1', birthDate: '1941-03-02', areaCode: '440106', benefitStatus: 'normal', accountStatus: 'active',
  lastCertifiedMonth: '2026-06', startedMonth: '2010-01', paidThrough: '2026-10', monthlyAmountFen: 20000,
}));

/** A death on the date the fake health record carries. */
const healthDeath: NormalizeFn = (_channel, _dataset, raw) => {
  const r = raw as { idNumber: string; deathDate: string };
  return { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: r.idNumber, name: '', date: r.deathDate, detail: { dateKind: 'death' } } };
};

async function emptyMirror(db: Db): Promise<void> {
  await db.exec('TRUNCATE rejections, source_records, raw_pages, cursors, pulls, t1_recipients, results, cases, feedback_items RESTART IDENTITY CASCADE');
  await loadRoster(db, roster);
}

async function matchAndRead(db: Db, runId: string): Promise<Result[]> {
  await db.exec('TRUNCATE results, cases');
  await matchPeriod({ db, period: PERIOD, asOf: AS_OF, runId, openedAt: '2026-11-29T09:00:00+08:00' });
  const out: Result[] = [];
  for await (const r of readResults(db, PERIOD)) out.push(r);
  return out;
}

forEachDatabase('civil re-deliveries', ({ db }) => {
  let dirs: ReturnType<typeof tempDirs>;
  let runs = 0;
  beforeEach(async () => {
    dirs = tempDirs();
    await emptyMirror(db());
  });
  afterEach(() => fs.rmSync(dirs.root, { recursive: true, force: true }));

  /** One incremental pull of the inbox, as a nightly run does; its counts and withdrawals. */
  async function pull(): Promise<{ counts: PullCounts; withdrawn: number }> {
    const runId = `run-${++runs}`;
    const connector = createCivilConnector({ inboxDir: dirs.inbox, outboxDir: dirs.outbox });
    const counts = await ingestDataset({ db: db(), connector, dataset: 'cremation', asOf: AS_OF, runId });
    const [row] = await listPulls(db(), runId);
    return { counts, withdrawn: row.withdrawn };
  }

  const write = (file: string, lines: readonly Line[], encoding: 'gbk' | 'utf8-bom' = 'gbk') => deliver(dirs.inbox, file, fileText(lines), encoding);
  const recordIds = async (personId: string) => (await eventsForPerson(db(), personId)).map((e) => e.recordId);

  it('(a) a row inserted at line 2, registered a minute before the row it pushes down: both persons count, once each', async () => {
    const [file] = FILES;
    const first = rowOf({ person: 0, cremated: 3, registeredDay: 3, registeredMinute: 601, mangled: false, asDeathDate: false });
    const inserted = rowOf({ person: 1, cremated: 2, registeredDay: 3, registeredMinute: 600, mangled: false, asDeathDate: false });
    write(file, [first]);
    await pull();
    assert.deepEqual(await recordIds(PERSONS[0]), [`${file}:2`]);

    write(file, [inserted, first]);
    const second = await pull();
    assert.deepEqual(second.counts, { pulled: 2, staged: 2, rejected: 0, skipped: 0 });
    assert.deepEqual(await recordIds(PERSONS[1]), [`${file}:2`], 'the inserted cremation counts although registered earlier');
    assert.deepEqual(await recordIds(PERSONS[0]), [`${file}:3`], 'the pushed-down row counts on its new line only');
    assert.deepEqual(await currentCivil(db()), expectedCurrent(new Map([[file, [inserted, first]]])));
    await assertFlagFollowsRule(db());
  });

  it('(b) a line blanked in one delivery and restored byte for byte in the next counts again; blanked again, it is withdrawn again', async () => {
    const [file] = FILES;
    const a = rowOf({ person: 0, cremated: 3, registeredDay: 3, registeredMinute: 600, mangled: false, asDeathDate: false });
    const b = rowOf({ person: 1, cremated: 4, registeredDay: 4, registeredMinute: 600, mangled: false, asDeathDate: false });
    write(file, [a, b]);
    await pull();
    write(file, [a, { blank: '' }]);
    const blanked = await pull();
    assert.equal(blanked.withdrawn, 1);
    assert.deepEqual(await recordIds(PERSONS[1]), []);

    write(file, [a, b]);
    const restored = await pull();
    assert.deepEqual(restored.counts, { pulled: 2, staged: 2, rejected: 0, skipped: 0 }, 'both rows count as what they became the first time');
    assert.equal(restored.withdrawn, 0);
    assert.deepEqual(await recordIds(PERSONS[1]), [`${file}:3`]);
    const versions = await db().query<{ outcome: string; is_current: boolean }>(
      `SELECT outcome, is_current FROM source_records WHERE record_id = $1 ORDER BY arrival_seq`, [`${file}:3`]);
    assert.deepEqual(versions.rows.map((v) => [v.outcome, v.is_current]), [['staged', true], ['withdrawn', false]], 'the row is the same version, current again; nothing was added');

    write(file, [a, { blank: ',,,,,,,' }]);
    const again = await pull();
    assert.equal(again.withdrawn, 1);
    assert.deepEqual(await recordIds(PERSONS[1]), []);
    await assertFlagFollowsRule(db());
  });

  it('civil versions carry the delivery that made them current; the ingest of other sources orders by update time as before', async () => {
    const [file] = FILES;
    write(file, [rowOf({ person: 0, cremated: 3, registeredDay: 3, registeredMinute: 600, mangled: false, asDeathDate: false })]);
    await pull();
    const civil = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM source_records WHERE channel = 'civil' AND delivery_seq IS NULL`);
    assert.equal(civil.rows[0].n, 0);
    // a source without delivery order: an older version served later stays behind the newer one
    const health = new FakeConnector('health', ['deaths']);
    const raw = (v: string) => ({ certificateNo: 'DC-1', idNumber: PERSONS[2], deathDate: v });
    health.put('deaths', { recordId: 'DC-1', raw: raw('2026-11-05'), updatedAt: '2026-11-06T10:00:00+08:00' });
    await ingestDataset({ db: db(), connector: health, dataset: 'deaths', asOf: AS_OF, runId: 'h1', normalize: healthDeath });
    health.put('deaths', { recordId: 'DC-1', raw: raw('2026-11-01'), updatedAt: '2026-11-02T10:00:00+08:00' });
    await db().query(`DELETE FROM cursors WHERE channel = 'health'`);
    await ingestDataset({ db: db(), connector: health, dataset: 'deaths', asOf: AS_OF, runId: 'h2', normalize: healthDeath });
    assert.deepEqual((await eventsForPerson(db(), PERSONS[2])).map((e) => e.date), ['2026-11-05']);
    const marked = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM source_records WHERE channel = 'health' AND delivery_seq IS NOT NULL`);
    assert.equal(marked.rows[0].n, 0);
    await assertFlagFollowsRule(db());
  });

  it('incremental pulls after any sequence of re-deliveries give the current rows and the results of a fresh pull of the final files', async function () {
    this.timeout(600_000);
    const spec = fc.record({
      person: fc.nat({ max: PERSONS.length - 1 }),
      cremated: fc.integer({ min: 1, max: 20 }),
      registeredDay: fc.integer({ min: 1, max: 20 }),
      registeredMinute: fc.integer({ min: 0, max: 1439 }),
      mangled: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      asDeathDate: fc.boolean(),
    });
    const op = fc.oneof(
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), row: spec }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('blank' as const), at: fc.nat(), form: fc.constantFrom('', ',,,,,,,', ' , ,,\u3000') }),
      fc.record({ op: fc.constant('restore' as const), at: fc.nat(), back: fc.nat() }),
      fc.record({ op: fc.constant('edit' as const), at: fc.nat(), row: spec }),
      fc.record({ op: fc.constant('reorder' as const), a: fc.nat(), b: fc.nat() }),
    );
    const delivery = fc.record({ file: fc.constantFrom(...FILES), ops: fc.array(op, { minLength: 0, maxLength: 3 }), utf8: fc.boolean() });
    const first = fc.array(spec, { minLength: 1, maxLength: 4 });

    await fc.assert(
      fc.asyncProperty(first, fc.array(delivery, { minLength: 1, maxLength: 5 }), async (initial, deliveries) => {
        fs.rmSync(dirs.inbox, { recursive: true, force: true });
        fs.mkdirSync(dirs.inbox);
        await emptyMirror(db());
        const files = new Map<string, Line[]>();
        // every delivery of each file so far, for `restore`
        const history = new Map<string, Line[][]>();
        const bytesOf = new Map<string, string>();

        const send = async (file: string, lines: Line[], utf8: boolean): Promise<void> => {
          const before = files.get(file);
          const text = `${utf8 ? 'u' : 'g'}${fileText(lines)}`;
          const changed = bytesOf.get(file) !== text;
          write(file, lines, utf8 ? 'utf8-bom' : 'gbk');
          files.set(file, lines);
          bytesOf.set(file, text);
          history.set(file, [...(history.get(file) ?? []), lines]);
          const { counts, withdrawn } = await pull();
          assert.equal(counts.pulled, counts.staged + counts.rejected + counts.skipped);
          assert.equal(counts.pulled, changed ? rowLines(lines).size : 0, 'a changed file counts every row it holds; an unchanged one is not read');
          const gone = before && changed ? [...rowLines(before)].filter((n) => !rowLines(lines).has(n)).length : 0;
          assert.equal(withdrawn, gone, 'the lines that held a row and no longer do are withdrawn');
          assert.deepEqual(await currentCivil(db()), expectedCurrent(files), 'the current rows are the latest delivery of each file');
          await assertFlagFollowsRule(db());
        };

        await send(FILES[0], initial.map(rowOf), false);
        for (const d of deliveries) {
          const lines = [...(files.get(d.file) ?? [])];
          for (const o of d.ops) {
            const at = lines.length === 0 ? 0 : o.op === 'reorder' ? 0 : o.at % lines.length;
            switch (o.op) {
              case 'insert':
                lines.splice(o.at % (lines.length + 1), 0, rowOf(o.row));
                break;
              case 'delete':
                lines.splice(at, 1);
                break;
              case 'blank':
                if (lines.length > 0) lines[at] = { blank: o.form };
                break;
              case 'restore': {
                // what this line held in an earlier delivery of the file, byte for byte
                const past = history.get(d.file) ?? [];
                const earlier = past.length === 0 ? undefined : past[o.back % past.length][at];
                if (earlier && lines.length > 0) lines[at] = earlier;
                break;
              }
              case 'edit':
                if (lines.length > 0) lines[at] = rowOf(o.row);
                else lines.push(rowOf(o.row));
                break;
              case 'reorder':
                if (lines.length > 1) {
                  const i = o.a % lines.length;
                  const j = o.b % lines.length;
                  [lines[i], lines[j]] = [lines[j], lines[i]];
                }
                break;
            }
          }
          await send(d.file, lines, d.utf8);
        }

        const incremental = { current: await currentCivil(db()), results: await matchAndRead(db(), 'match-incremental') };
        // a fresh mirror pulls the final files once
        await emptyMirror(db());
        await pull();
        const fresh = { current: await currentCivil(db()), results: await matchAndRead(db(), 'match-fresh') };
        assert.deepEqual(incremental.current, fresh.current);
        assert.deepEqual(incremental.results, fresh.results);
        assert.ok(incremental.results.length === PERSONS.length);
      }),
      { numRuns: 12 },
    );
  });
});
