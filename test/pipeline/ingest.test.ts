import assert from 'node:assert/strict';
import type { PulledRecord } from '../../connectors/kit/connector.ts';
import { eventsForPerson } from '../../mirror/events.ts';
import { listPulls } from '../../mirror/pulls.ts';
import { loadCursor } from '../../mirror/staging.ts';
import { IngestAbortedError, IngestError, IngestRunError } from '../../pipeline/errors.ts';
import { ingestAll, ingestDataset } from '../../pipeline/ingest.ts';
import type { NormalizeFn, PageProgress } from '../../pipeline/ingest.ts';
import type { Db } from '../../mirror/db.ts';
import type { Normalized, PullCounts } from '../../schemas/types.ts';
import { forEachDatabase, identityNumber, resetMirror } from '../mirror/db-targets.ts';
import { FakeConnector } from './fake-connector.ts';

const ASOF = '2026-11-28';
const FIXED_NOW = () => Date.UTC(2026, 10, 28, 18, 0, 0); // 2026-11-29T02:00:00+08:00

interface TestRaw {
  id: string;
  sfzh: string;
  rq: string;
  note?: string;
}

/** A small normalization for the tests: bad ids rejected, 'OUT' skipped, the rest staged as deaths. */
const testNormalize: NormalizeFn = (channel, _dataset, raw, ctx): Normalized => {
  const r = raw as TestRaw;
  if (r.sfzh === 'OUT') return { outcome: 'skipped', reasonCode: 'NOT_RESIDENT_ID', personId: null };
  if (!/^\d{17}[\dX]$/.test(r.sfzh)) return { outcome: 'rejected', reasonCode: 'ID_FORMAT', field: 'sfzh', message: `not an identity number: ${r.sfzh}`, personId: null };
  if (r.rq > ctx.asOf) return { outcome: 'rejected', reasonCode: 'DATE_FUTURE', field: 'rq', message: 'after the as-of date', personId: r.sfzh };
  return { outcome: 'staged', event: { kind: 'DEATH', origin: channel.startsWith('police') ? 'police' : 'health', personId: r.sfzh, name: '', date: r.rq, detail: { dateKind: 'death' } } };
};

const P = Array.from({ length: 6 }, (_, i) => identityNumber(`4401061950010100${i}`));

function record(id: string, updatedAt: string, sfzh: string, rq = '2026-11-01', note?: string): PulledRecord {
  const raw: TestRaw = { id, sfzh, rq };
  if (note !== undefined) raw.note = note;
  return { recordId: id, raw, updatedAt };
}

/** 14 records over 4 days: staged, rejected, skipped, and one from after the as-of day. */
function seed(source: FakeConnector, dataset = 'deaths'): void {
  const day = (d: number, h: number) => `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+08:00`;
  source.put(dataset,
    record('A1', day(20, 9), P[0]), record('A2', day(20, 9), P[1]), record('A3', day(20, 10), 'bad-id'),
    record('A4', day(21, 8), 'OUT'), record('A5', day(21, 8), P[2], '2026-11-29'), record('A6', day(21, 9), P[3]),
    record('A7', day(22, 9), P[4]), record('A8', day(22, 9), P[5]), record('A9', day(22, 9), '12345'),
    record('B1', day(23, 9), P[0], '2026-10-01'), record('B2', day(24, 9), P[1], '2026-10-02'), record('B3', day(25, 9), 'OUT'),
    record('B4', day(27, 23), P[2], '2026-10-03'), record('Z9', day(29, 0), P[3], '2026-11-28'),
  );
}

const EXPECTED: PullCounts = { pulled: 13, staged: 8, rejected: 3, skipped: 2 };

async function dump(db: Db): Promise<{ records: unknown[]; rejections: unknown[]; cursor: unknown }> {
  const records = await db.query(
    `SELECT channel, dataset, record_id, raw_hash, raw::text AS raw, source_updated_at, outcome, reason_code, person_id, is_current,
            event_id, origin, kind, name, date, end_date, detail
       FROM source_records ORDER BY channel, dataset, record_id, raw_hash`);
  const rejections = await db.query(
    `SELECT channel, dataset, record_id, raw_hash, raw::text AS raw, field, reason_code, message, person_id
       FROM rejections ORDER BY channel, dataset, record_id, raw_hash`);
  return { records: records.rows, rejections: rejections.rows, cursor: await loadCursor(db, 'health', 'deaths') };
}

const sum = (c: PullCounts) => c.staged + c.rejected + c.skipped;

forEachDatabase('ingest', ({ db }) => {
  let source: FakeConnector;
  beforeEach(async () => {
    await resetMirror(db());
    source = new FakeConnector('health', ['deaths']);
    seed(source);
  });

  const ingest = (extra: Partial<Parameters<typeof ingestDataset>[0]> = {}) =>
    ingestDataset({ db: db(), connector: source, dataset: 'deaths', asOf: ASOF, runId: 'run-1', normalize: testNormalize, now: FIXED_NOW, ...extra });

  it('pulls every page: pulled = staged + rejected + skipped, duplicates across pages counted once', async () => {
    const pages: PageProgress[] = [];
    const counts = await ingest({ onPage: (p) => pages.push(p) });
    assert.deepEqual(counts, EXPECTED);
    assert.equal(counts.pulled, sum(counts));
    assert.ok(pages.length >= 5);
    const served = pages.reduce((n, p) => n + p.page.pulled, 0);
    assert.equal(served, 13, 'the page tallies add up to the pull');
    assert.ok(source.pagesServed * source.pageSize > 13, 'paging did serve records twice');
    const [pull] = await listPulls(db(), 'run-1');
    assert.deepEqual(
      { status: pull.status, pulled: pull.pulled, staged: pull.staged, rejected: pull.rejected, skipped: pull.skipped, pages: pull.pages, error: pull.error },
      { status: 'succeeded', ...EXPECTED, pages: pages.length, error: null },
    );
    assert.equal(pull.finishedAt, '2026-11-29T02:00:00+08:00');
    const archived = await db().query<{ n: number }>(`SELECT count(*) AS n FROM raw_pages WHERE pull_id = $1`, [pull.pullId]);
    assert.equal(archived.rows[0].n, pages.length);
    assert.deepEqual(await loadCursor(db(), 'health', 'deaths'), { since: '2026-11-27T23:00:00+08:00' }, 'never past the as-of day');
    const events = await eventsForPerson(db(), P[0]);
    assert.deepEqual(events.map((e) => [e.recordId, e.receivedAt]), [['B1', '2026-11-29T02:00:00+08:00'], ['A1', '2026-11-29T02:00:00+08:00']]);
  });

  it('re-pulling changes nothing; a new run counts re-served records again, as what they became the first time', async () => {
    await ingest();
    const before = await dump(db());
    // from scratch: every record served again, and normalization now stages everything
    await db().query(`DELETE FROM cursors`);
    const stageAll: NormalizeFn = (channel, dataset, raw, ctx) => {
      const n = testNormalize(channel, dataset, raw, ctx);
      return n.outcome === 'staged' ? n : { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: P[5], name: '', date: '2026-11-01', detail: {} } };
    };
    const counts = await ingest({ runId: 'run-2', normalize: stageAll });
    assert.deepEqual(counts, EXPECTED, 'each record counts as what it became the first time');
    assert.deepEqual(await dump(db()), before);
  });

  it('an interrupted pull resumed from its cursor ends in exactly the state of an uninterrupted one', async () => {
    await ingest();
    const uninterrupted = await dump(db());

    await resetMirror(db());
    const controller = new AbortController();
    await assert.rejects(
      ingest({ signal: controller.signal, onPage: (p) => { if (p.seq === 2) controller.abort(); } }),
      (e: unknown) => e instanceof IngestAbortedError && e.pagesCommitted === 2,
    );
    const [aborted] = await listPulls(db(), 'run-1');
    assert.equal(aborted.status, 'aborted');
    assert.ok(aborted.pulled < EXPECTED.pulled && aborted.pulled === aborted.staged + aborted.rejected + aborted.skipped);
    const resumed = await ingest({ runId: 'run-1b' });
    assert.equal(resumed.pulled, sum(resumed));
    assert.deepEqual(await dump(db()), uninterrupted);
  });

  it('a failure half way keeps every committed page and its cursor; the next pull finishes the job', async () => {
    await ingest();
    const uninterrupted = await dump(db());
    await resetMirror(db());

    source.failAt = { dataset: 'deaths', page: 2, error: new Error('connection reset by source') };
    await assert.rejects(ingest(), (e: unknown) => {
      assert.ok(e instanceof IngestError);
      assert.equal(e.code, 'LIFECERT_PIPELINE_DATASET_FAILED');
      assert.equal(e.pagesCommitted, 2);
      assert.match(e.message, /health\/deaths failed after 2 committed pages: connection reset by source/);
      return true;
    });
    const [failed] = await listPulls(db(), 'run-1');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'connection reset by source');
    assert.equal(failed.pages, 2);
    const cursor = await loadCursor(db(), 'health', 'deaths');
    assert.deepEqual(cursor, { since: '2026-11-21T09:00:00+08:00' }, 'the cursor of the second page');

    source.failAt = null;
    await ingest({ runId: 'run-2' });
    assert.deepEqual(await dump(db()), uninterrupted);
  });

  it('fetches the next page while a page commits; a page fetched ahead but never committed is fetched again', async () => {
    await ingest();
    const uninterrupted = await dump(db());
    await resetMirror(db());

    const order: string[] = [];
    const realPull = source.pull.bind(source);
    source.pull = async function* (dataset, state, options) {
      let n = 0;
      for await (const page of realPull(dataset, state, options)) {
        order.push(`fetched ${++n}`);
        yield page;
      }
    };
    const controller = new AbortController();
    await assert.rejects(
      ingest({ signal: controller.signal, onPage: (p) => { order.push(`committed ${p.seq}`); if (p.seq === 2) controller.abort(); } }),
      (e: unknown) => e instanceof IngestAbortedError && e.pagesCommitted === 2,
    );
    // page 2 was asked for before page 1 was committed, page 3 before page 2 was
    assert.ok(order.indexOf('fetched 2') < order.indexOf('committed 1'), order.join(', '));
    assert.ok(order.indexOf('fetched 3') < order.indexOf('committed 2'), order.join(', '));
    assert.ok(!order.includes('committed 3'));
    // the cursor is page 2's: page 3, fetched ahead, was not committed and is served again
    const secondPage = await db().query<{ n: number }>(`SELECT count(*) AS n FROM raw_pages`);
    assert.equal(secondPage.rows[0].n, 2);
    const cursor = await loadCursor(db(), 'health', 'deaths');
    assert.deepEqual(cursor, { since: '2026-11-21T09:00:00+08:00' }, 'the cursor of the second page');
    source.pull = realPull;
    await ingest({ runId: 'run-2' });
    assert.deepEqual(await dump(db()), uninterrupted);
  });

  it('a failure inside the page transaction stages nothing of that page and leaves the cursor', async () => {
    // normalization throwing (a bug, not bad data) stops the pull before its page is staged
    const failingOnA7: NormalizeFn = (channel, dataset, raw, ctx) => {
      if ((raw as TestRaw).id === 'A7') throw new TypeError('normalizer bug');
      return testNormalize(channel, dataset, raw, ctx);
    };
    await assert.rejects(ingest({ normalize: failingOnA7 }), /record A7: normalizer bug/);
    const staged = await db().query<{ record_id: string }>(`SELECT record_id FROM source_records ORDER BY record_id`);
    assert.ok(!staged.rows.some((r) => r.record_id === 'A7' || r.record_id === 'A8'), 'nothing of the failing page');

    // a database failure after the versions were written: the cursor state cannot be stored
    await resetMirror(db());
    const poisoned = new FakeConnector('health', ['deaths']);
    seed(poisoned);
    const realPull = poisoned.pull.bind(poisoned);
    poisoned.pull = async function* (dataset, state, options) {
      let n = 0;
      for await (const page of realPull(dataset, state, options)) {
        if (++n === 3) yield { ...page, state: { since: page.state.since, bad: 1n } as unknown as typeof page.state };
        else yield page;
      }
    };
    await assert.rejects(ingestDataset({ db: db(), connector: poisoned, dataset: 'deaths', asOf: ASOF, runId: 'run-x', normalize: testNormalize, now: FIXED_NOW }), IngestError);
    const pages = await db().query<{ n: number }>(`SELECT count(*) AS n FROM raw_pages`);
    assert.equal(pages.rows[0].n, 2);
    assert.deepEqual(await loadCursor(db(), 'health', 'deaths'), { since: '2026-11-21T09:00:00+08:00' });
    const [pull] = await listPulls(db(), 'run-x');
    const n = await db().query<{ n: number }>(`SELECT count(*) AS n FROM source_records`);
    assert.equal(pull.pulled, n.rows[0].n, 'counted exactly what was committed');
  });

  it('a changed record in a later run is a new version; the newest counts', async () => {
    await ingest();
    source.put('deaths', record('A1', '2026-11-28T10:00:00+08:00', P[0], '2026-11-02', 'corrected'));
    const counts = await ingest({ runId: 'run-2' });
    // from the cursor (B4, 11-27 23:00) on: B4 again and the corrected A1
    assert.deepEqual(counts, { pulled: 2, staged: 2, rejected: 0, skipped: 0 });
    const events = await eventsForPerson(db(), P[0]);
    assert.deepEqual(events.map((e) => [e.recordId, e.date]), [['B1', '2026-10-01'], ['A1', '2026-11-02']]);
    const versions = await db().query<{ n: number }>(`SELECT count(*) AS n FROM source_records WHERE record_id = 'A1'`);
    assert.equal(versions.rows[0].n, 2);
  });

  it('withdrawn civil lines are staged as withdrawals but not counted', async () => {
    const civil = new FakeConnector('civil', ['cremation']);
    civil.put('cremation', record('HH_440106_20261103.csv:2', '2026-11-03T10:00:00+08:00', P[0]), record('HH_440106_20261103.csv:3', '2026-11-03T10:00:00+08:00', P[1]));
    const first = await ingestDataset({ db: db(), connector: civil, dataset: 'cremation', asOf: ASOF, runId: 'r1', normalize: testNormalize, now: FIXED_NOW });
    assert.deepEqual(first, { pulled: 2, staged: 2, rejected: 0, skipped: 0 });
    civil.put('cremation', { recordId: 'HH_440106_20261103.csv:3', raw: { file: 'HH_440106_20261103.csv', line: 3, row: {} }, updatedAt: '2026-11-04T10:00:00+08:00', withdrawn: true });
    await db().query(`DELETE FROM cursors`);
    const second = await ingestDataset({ db: db(), connector: civil, dataset: 'cremation', asOf: ASOF, runId: 'r2', normalize: testNormalize, now: FIXED_NOW });
    assert.deepEqual(second, { pulled: 1, staged: 1, rejected: 0, skipped: 0 });
    assert.deepEqual(await eventsForPerson(db(), P[1]), []);
    const [pull] = await listPulls(db(), 'r2');
    assert.equal(pull.withdrawn, 1);
  });

  it('refuses an unknown dataset or a malformed as-of date before touching anything', async () => {
    await assert.rejects(ingest({ dataset: 'nope' }), (e: unknown) => e instanceof IngestError && e.code === 'LIFECERT_PIPELINE_INPUT_INVALID');
    await assert.rejects(ingest({ asOf: '2026-11-31x' }), (e: unknown) => e instanceof IngestError && e.code === 'LIFECERT_PIPELINE_INPUT_INVALID');
    assert.deepEqual(await listPulls(db()), []);
  });

  it('ingestAll pulls every dataset of every connector and reports failures after the others finish', async () => {
    const health = new FakeConnector('health', ['deaths', 'checkups']);
    seed(health, 'deaths');
    seed(health, 'checkups');
    const police = new FakeConnector('police-4401', ['hukou']);
    seed(police, 'hukou');
    const counts = await ingestAll({ db: db(), connectors: [health, police], asOf: ASOF, runId: 'all-1', normalize: testNormalize, now: FIXED_NOW });
    assert.deepEqual(counts, { 'health/deaths': EXPECTED, 'health/checkups': EXPECTED, 'police-4401/hukou': EXPECTED });
    const origins = await db().query<{ origin: string; n: number }>(`SELECT origin, count(*) AS n FROM counted_events GROUP BY origin ORDER BY origin`);
    assert.deepEqual(origins.rows, [{ origin: 'health', n: 16 }, { origin: 'police', n: 8 }]);

    await resetMirror(db());
    health.failAt = { dataset: 'deaths', page: 0, error: new Error('HTTP 403') };
    await assert.rejects(
      ingestAll({ db: db(), connectors: [health, police], asOf: ASOF, runId: 'all-2', normalize: testNormalize, now: FIXED_NOW }),
      (e: unknown) => {
        assert.ok(e instanceof IngestRunError);
        assert.deepEqual(e.failures.map((f) => `${f.channel}/${f.dataset}`), ['health/deaths']);
        assert.deepEqual(e.counts, { 'health/checkups': EXPECTED, 'police-4401/hukou': EXPECTED });
        return true;
      },
    );
    const pulls = await listPulls(db(), 'all-2');
    assert.deepEqual(pulls.map((p) => `${p.channel}/${p.dataset}:${p.status}`).sort(), ['health/checkups:succeeded', 'health/deaths:failed', 'police-4401/hukou:succeeded']);
  });

  it('uses the project normalization when none is injected', async () => {
    const real = new FakeConnector('health', ['vaccinations']);
    real.put('vaccinations',
      { recordId: 'V-1', raw: { vaccinationId: 'V-1', idType: '01', idNumber: P[0], name: '张三', vaccine: 'flu', administeredAt: '2026-11-10T09:00:00+08:00', updatedAt: '2026-11-10T10:00:00+08:00' }, updatedAt: '2026-11-10T10:00:00+08:00' },
      { recordId: 'V-2', raw: { vaccinationId: 'V-2', idType: '02', idNumber: 'E1234567', name: 'X', vaccine: 'flu', administeredAt: '2026-11-10T09:00:00+08:00', updatedAt: '2026-11-10T10:00:00+08:00' }, updatedAt: '2026-11-10T10:00:00+08:00' },
      { recordId: 'V-3', raw: { vaccinationId: 'V-3', idType: '01', idNumber: '4.40106E+17', name: 'Y', vaccine: 'flu', administeredAt: '2026-11-10T09:00:00+08:00', updatedAt: '2026-11-10T10:00:00+08:00' }, updatedAt: '2026-11-10T10:00:00+08:00' },
    );
    const counts = await ingestDataset({ db: db(), connector: real, dataset: 'vaccinations', asOf: ASOF, runId: 'real', now: FIXED_NOW });
    assert.deepEqual(counts, { pulled: 3, staged: 1, rejected: 1, skipped: 1 });
    const [event] = await eventsForPerson(db(), P[0]);
    assert.equal(event.kind, 'ALIVE');
    assert.equal(event.date, '2026-11-10');
    const rej = await db().query<{ reason_code: string; field: string }>(`SELECT reason_code, field FROM rejections`);
    assert.deepEqual(rej.rows, [{ reason_code: 'ID_SCIENTIFIC_NOTATION', field: 'idNumber' }]);
  });
});
