import assert from 'node:assert/strict';
import type { Queryable } from '../../mirror/db.ts';
import { countedEventsByAreaPrefix, countedEventsForRosterArea, eventsForPerson, groupByPerson } from '../../mirror/events.ts';
import { eventId, rawHash } from '../../mirror/hashing.ts';
import { loadRoster } from '../../mirror/roster.ts';
import { loadCursor, stagePage } from '../../mirror/staging.ts';
import type { RecordToStage, StagedPage } from '../../mirror/staging.ts';
import type { CanonicalEvent, Normalized, RosterEntry } from '../../schemas/types.ts';
import { forEachDatabase, freshHealthPull, healthPage, identityNumber } from './db-targets.ts';

const P1 = identityNumber('44010619500101001');
const P2 = identityNumber('44010619520202002');
const P3 = identityNumber('44030619450303003');

function death(personId: string, date: string, name = '张三'): Normalized {
  return { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId, name, date, detail: { dateKind: 'death' } } };
}

function rec(recordId: string, updatedAt: string, raw: Record<string, unknown>, normalized: Normalized): RecordToStage {
  return { recordId, raw: { certificateNo: recordId, ...raw }, updatedAt, normalized };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

forEachDatabase('staging', ({ db }) => {
  let pullId: number;
  let seq = 0;
  beforeEach(async () => {
    pullId = await freshHealthPull(db());
    seq = 0;
  });

  async function stage(records: RecordToStage[], state: Record<string, unknown> = { page: seq + 1 }, receivedAt = '2026-11-29T01:00:00+08:00'): Promise<StagedPage> {
    seq++;
    const page = healthPage(pullId, seq, records, { state, receivedAt });
    return db().transaction((tx) => stagePage(tx, page));
  }

  async function versions(recordId: string): Promise<Array<{ outcome: string; is_current: boolean; raw_hash: string; source_updated_at: string | null }>> {
    const { rows } = await db().query<{ outcome: string; is_current: boolean; raw_hash: string; source_updated_at: string | null }>(
      `SELECT outcome, is_current, raw_hash, source_updated_at FROM source_records WHERE record_id = $1 ORDER BY arrival_seq`, [recordId]);
    return rows;
  }

  async function assertCurrentMatchesOrderRule(q: Queryable): Promise<void> {
    const flagged = await q.query<{ arrival_seq: number }>(`SELECT arrival_seq FROM current_source_records ORDER BY arrival_seq`);
    const ordered = await q.query<{ arrival_seq: number }>(`SELECT arrival_seq FROM current_source_records_by_order ORDER BY arrival_seq`);
    assert.deepEqual(flagged.rows, ordered.rows, 'is_current agrees with the ordering rule');
  }

  it('stages an event with its provenance: stable event id, raw hash, times', async () => {
    const r = rec('DC-1', '2026-11-20T09:12:45+08:00', { idNumber: P1 }, death(P1, '2026-11-19'));
    const res = await stage([r]);
    assert.deepEqual(res.records, [{ recordId: 'DC-1', rawHash: rawHash(r.raw), outcome: 'staged', isNewVersion: true, firstPullId: pullId, isCurrent: true, madeCurrent: true }]);
    const events = await eventsForPerson(db(), P1);
    const expected: CanonicalEvent = {
      eventId: eventId('health', 'death-certificates', 'DC-1'), source: 'health', dataset: 'death-certificates', recordId: 'DC-1',
      origin: 'health', personId: P1, name: '张三', kind: 'DEATH', date: '2026-11-19', detail: { dateKind: 'death' },
      sourceUpdatedAt: '2026-11-20T09:12:45+08:00', receivedAt: '2026-11-29T01:00:00+08:00', rawHash: rawHash(r.raw),
    };
    assert.deepEqual(events, [expected]);
    assert.equal(expected.eventId.length, 32);
    const page = await db().query<{ sha256: string; body: Buffer; record_count: number }>(`SELECT sha256, body, record_count FROM raw_pages`);
    assert.equal(page.rows[0].record_count, 1);
    assert.equal(page.rows[0].body.toString('utf8'), JSON.stringify({ data: [r.raw] }));
    assert.equal(page.rows[0].sha256, res.bodySha256);
  });

  it('staging the same version twice changes nothing and reports what it became the first time', async () => {
    const staged = rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1 }, death(P1, '2026-11-19'));
    const rejected = rec('DC-2', '2026-11-20T09:00:00+08:00', { idNumber: 'bad' }, { outcome: 'rejected', reasonCode: 'ID_FORMAT', field: 'idNumber', message: 'not 18', personId: null });
    await stage([staged, rejected]);
    const before = await db().query(`SELECT * FROM source_records ORDER BY arrival_seq`);
    // the second time normalization would say something else: the first outcome still stands
    const again = await stage([{ ...staged, normalized: { outcome: 'skipped', reasonCode: 'NOT_RESIDENT_ID', personId: null } }, { ...rejected, normalized: death(P2, '2026-01-01') }]);
    assert.deepEqual(again.records.map((r) => [r.outcome, r.isNewVersion]), [['staged', false], ['rejected', false]]);
    assert.equal(again.newVersions, 0);
    const after = await db().query(`SELECT * FROM source_records ORDER BY arrival_seq`);
    assert.deepEqual(after.rows, before.rows);
    const rej = await db().query<{ n: number }>(`SELECT count(*) AS n FROM rejections`);
    assert.equal(rej.rows[0].n, 1);
  });

  it('the same record twice in one page is one version', async () => {
    const r = rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1 }, death(P1, '2026-11-19'));
    const res = await stage([r, { ...r, raw: { idNumber: P1, certificateNo: 'DC-1' } }]);
    assert.deepEqual(res.records.map((x) => x.isNewVersion), [true, false], 'key order does not make another version');
    assert.equal((await versions('DC-1')).length, 1);
  });

  it('a changed record is a new version and the newest counts; earlier versions stay as history', async () => {
    await stage([rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1, v: 1 }, death(P1, '2026-11-19'))]);
    await stage([rec('DC-1', '2026-11-21T09:00:00+08:00', { idNumber: P1, v: 2 }, death(P1, '2026-11-18'))]);
    assert.deepEqual((await versions('DC-1')).map((v) => [v.outcome, v.is_current]), [['staged', false], ['staged', true]]);
    const events = await eventsForPerson(db(), P1);
    assert.deepEqual(events.map((e) => e.date), ['2026-11-18']);
    await assertCurrentMatchesOrderRule(db());
  });

  it('an older version arriving later does not displace the newer one', async () => {
    await stage([rec('DC-1', '2026-11-21T09:00:00+08:00', { idNumber: P1, v: 2 }, death(P1, '2026-11-18'))]);
    const res = await stage([rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1, v: 1 }, death(P1, '2026-11-19'))]);
    assert.deepEqual(res.records.map((r) => [r.isNewVersion, r.isCurrent]), [[true, false]]);
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-18']);
    await assertCurrentMatchesOrderRule(db());
  });

  it('on a tie of update time the version received last is newer (also within one page)', async () => {
    const t = '2026-11-20T09:00:00+08:00';
    await stage([rec('DC-1', t, { idNumber: P1, v: 1 }, death(P1, '2026-11-10'))]);
    await stage([rec('DC-1', t, { idNumber: P1, v: 2 }, death(P1, '2026-11-11'))]);
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-11']);
    const res = await stage([rec('DC-2', t, { idNumber: P2, v: 1 }, death(P2, '2026-11-12')), rec('DC-2', t, { idNumber: P2, v: 2 }, death(P2, '2026-11-13'))]);
    assert.deepEqual(res.records.map((r) => r.isCurrent), [false, true]);
    assert.deepEqual((await eventsForPerson(db(), P2)).map((e) => e.date), ['2026-11-13']);
    await assertCurrentMatchesOrderRule(db());
  });

  it('a version without a readable update time is the oldest', async () => {
    await stage([rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1, v: 1 }, death(P1, '2026-11-10'))]);
    const res = await stage([rec('DC-1', '', { idNumber: P1, v: 2 }, death(P1, '2026-11-11'))]);
    assert.equal(res.records[0].isCurrent, false);
    assert.deepEqual((await versions('DC-1')).map((v) => v.source_updated_at), ['2026-11-20T09:00:00+08:00', null]);
    await assertCurrentMatchesOrderRule(db());
  });

  it('rejections are quarantined with the raw record untouched, one per rejected version', async () => {
    const raw = { zeta: '１', certificateNo: 'DC-9', idNumber: '4.40106E+17', nested: { b: 2, a: 1 } };
    await stage([{ recordId: 'DC-9', raw, updatedAt: '2026-11-20T09:00:00+08:00', normalized: { outcome: 'rejected', reasonCode: 'ID_SCIENTIFIC_NOTATION', field: 'idNumber', message: 'scientific notation', personId: null } }]);
    const raw2 = { ...raw, idNumber: '440106195001010011' };
    await stage([{ recordId: 'DC-9', raw: raw2, updatedAt: '2026-11-21T09:00:00+08:00', normalized: { outcome: 'rejected', reasonCode: 'ID_CHECKSUM', field: 'idNumber', message: 'checksum', personId: null } }]);
    const { rows } = await db().query<Record<string, unknown>>(
      `SELECT channel, dataset, record_id, raw_hash, raw, field, reason_code, message, person_id, pull_id, created_at FROM rejections ORDER BY rejection_id`);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], {
      channel: 'health', dataset: 'death-certificates', record_id: 'DC-9', raw_hash: rawHash(raw), raw, field: 'idNumber',
      reason_code: 'ID_SCIENTIFIC_NOTATION', message: 'scientific notation', person_id: null, pull_id: pullId, created_at: '2026-11-29T01:00:00+08:00',
    });
    assert.equal(JSON.stringify(rows[0].raw), JSON.stringify(raw), 'key order and text as served');
    assert.equal(rows[1].reason_code, 'ID_CHECKSUM');
    const recs = await db().query<{ outcome: string; reason_code: string }>(`SELECT outcome, reason_code FROM source_records ORDER BY arrival_seq`);
    assert.deepEqual(recs.rows, [{ outcome: 'rejected', reason_code: 'ID_SCIENTIFIC_NOTATION' }, { outcome: 'rejected', reason_code: 'ID_CHECKSUM' }]);
  });

  it('a newer rejected or skipped version makes the record count nothing, and the earlier event does not come back', async () => {
    await stage([rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1, v: 1 }, death(P1, '2026-11-10')), rec('DC-2', '2026-11-20T09:00:00+08:00', { idNumber: P2, v: 1 }, death(P2, '2026-11-10'))]);
    await stage([
      rec('DC-1', '2026-11-21T09:00:00+08:00', { idNumber: P1, v: 2 }, { outcome: 'rejected', reasonCode: 'DATE_FUTURE', field: 'deathTime', message: 'future', personId: P1 }),
      rec('DC-2', '2026-11-21T09:00:00+08:00', { idNumber: P2, v: 2, idType: '02' }, { outcome: 'skipped', reasonCode: 'NOT_RESIDENT_ID', personId: null }),
    ]);
    assert.deepEqual(await eventsForPerson(db(), P1), []);
    assert.deepEqual(await eventsForPerson(db(), P2), []);
    const skips = await db().query<{ record_id: string; reason_code: string; is_current: boolean }>(`SELECT record_id, reason_code, is_current FROM skips`);
    assert.deepEqual(skips.rows, [{ record_id: 'DC-2', reason_code: 'NOT_RESIDENT_ID', is_current: true }]);
    const rej = await db().query<{ person_id: string }>(`SELECT person_id FROM rejections`);
    assert.deepEqual(rej.rows, [{ person_id: P1 }], 'the normalized identity number is kept for region scoping');
  });

  it('a withdrawn civil line stops counting; its history stays; withdrawing again adds nothing; a new row counts again', async () => {
    const civil = async (records: RecordToStage[]): Promise<StagedPage> => {
      seq++;
      return db().transaction((tx) => stagePage(tx, { pullId, channel: 'civil', dataset: 'cremation', seq, request: 'read HH_440106_20261103.csv', body: 'csv', receivedAt: '2026-11-29T01:00:00+08:00', records, state: { files: seq } }));
    };
    const row = (v: string): RecordToStage => ({ recordId: 'HH_440106_20261103.csv:2', raw: { file: 'HH_440106_20261103.csv', line: 2, row: { 身份证号码: P1, 火化日期: v } }, updatedAt: '2026-11-03T10:00:00+08:00', normalized: death(P1, v) });
    const gone: RecordToStage = { recordId: 'HH_440106_20261103.csv:2', raw: { file: 'HH_440106_20261103.csv', line: 2, row: {} }, updatedAt: '', withdrawn: true };
    await civil([row('2026-11-02')]);
    assert.equal((await eventsForPerson(db(), P1)).length, 1);
    const w = await civil([gone]);
    assert.deepEqual(w.records.map((r) => [r.outcome, r.isNewVersion, r.isCurrent]), [['withdrawn', true, true]]);
    assert.deepEqual(await eventsForPerson(db(), P1), []);
    const again = await civil([gone]);
    assert.deepEqual(again.records.map((r) => [r.outcome, r.isNewVersion]), [['withdrawn', false]]);
    let history = await versions('HH_440106_20261103.csv:2');
    assert.deepEqual(history.map((v) => [v.outcome, v.is_current]), [['staged', false], ['withdrawn', true]]);
    assert.equal(history[1].source_updated_at, '2026-11-03T10:00:00+08:00', 'a withdrawal takes at least the time of the row it withdraws');
    // a later delivery puts a corrected row on that line, then withdraws it again
    await civil([row('2026-11-01')]);
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-01']);
    await civil([gone]);
    assert.deepEqual(await eventsForPerson(db(), P1), []);
    history = await versions('HH_440106_20261103.csv:2');
    assert.deepEqual(history.map((v) => v.outcome), ['staged', 'withdrawn', 'staged', 'withdrawn']);
    await assertCurrentMatchesOrderRule(db());
  });

  it('the cursor is committed only with its page: a failure inside the page transaction stages nothing', async () => {
    await stage([rec('DC-1', '2026-11-20T09:00:00+08:00', { idNumber: P1 }, death(P1, '2026-11-19'))], { page: 1 });
    const dump = async () => (await db().query(`SELECT * FROM source_records ORDER BY arrival_seq`)).rows;
    const before = await dump();
    await assert.rejects(
      db().transaction(async (tx) => {
        await stagePage(tx, {
          pullId, channel: 'health', dataset: 'death-certificates', seq: 2, request: 'GET page 2', body: 'x', receivedAt: '2026-11-29T01:00:00+08:00',
          records: [
            rec('DC-1', '2026-11-22T09:00:00+08:00', { idNumber: P1, v: 2 }, death(P1, '2026-11-01')),
            rec('DC-5', '2026-11-22T09:00:00+08:00', { idNumber: P2 }, { outcome: 'rejected', reasonCode: 'ID_FORMAT', field: 'idNumber', message: 'x', personId: null }),
          ],
          state: { page: 2 },
        });
        throw new Error('disk full after staging');
      }),
      /disk full/,
    );
    assert.deepEqual(await dump(), before);
    assert.deepEqual(await loadCursor(db(), 'health', 'death-certificates'), { page: 1 });
    const counts = await db().query<{ pages: number; rej: number }>(`SELECT (SELECT count(*) FROM raw_pages) AS pages, (SELECT count(*) FROM rejections) AS rej`);
    assert.deepEqual(counts.rows[0], { pages: 1, rej: 0 });
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-19']);
  });

  it('keeps is_current equal to the ordering rule over a random history', async () => {
    let state = 7;
    const rand = (n: number): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    for (let p = 0; p < 12; p++) {
      const records: RecordToStage[] = [];
      for (let i = 0; i < 15; i++) {
        const id = `R-${rand(6)}`;
        const updatedAt = rand(5) === 0 ? '' : `2026-11-${String(10 + rand(3)).padStart(2, '0')}T09:00:00+08:00`;
        const kind = rand(4);
        const n: Normalized = kind === 0 ? { outcome: 'rejected', reasonCode: 'DATE_INVALID', field: 'deathTime', message: 'x', personId: null } : death(P1, '2026-11-01');
        records.push({ recordId: id, raw: { id, v: rand(4) }, updatedAt, normalized: n, withdrawn: kind === 3 && rand(2) === 0 ? true : undefined });
      }
      await stage(records);
    }
    await assertCurrentMatchesOrderRule(db());
  });

  it('by delivery (civil): every record of the page becomes current whatever its update time, a held version current again', async () => {
    const civil = async (records: RecordToStage[]): Promise<StagedPage> => {
      seq++;
      return db().transaction((tx) => stagePage(tx, {
        pullId, channel: 'civil', dataset: 'cremation', seq, request: 'read', body: 'csv', receivedAt: '2026-11-29T01:00:00+08:00', records, state: { files: seq },
        versionOrder: 'delivery',
      }));
    };
    const id = 'HH_440106_20261103.csv:2';
    const row = (v: string, updatedAt: string): RecordToStage => ({ recordId: id, raw: { file: 'HH_440106_20261103.csv', line: 2, row: { 火化日期: v } }, updatedAt, normalized: death(P1, v) });
    await civil([row('2026-11-05', '2026-11-05T10:00:00+08:00')]);
    const older = await civil([row('2026-11-02', '2026-11-02T10:00:00+08:00')]);
    assert.deepEqual(older.records.map((r) => [r.isNewVersion, r.isCurrent, r.madeCurrent]), [[true, true, true]], 'registered earlier, delivered later: current');
    const back = await civil([row('2026-11-05', '2026-11-05T10:00:00+08:00')]);
    assert.deepEqual(back.records.map((r) => [r.isNewVersion, r.isCurrent, r.madeCurrent]), [[false, true, true]], 'the first version again, without a new version');
    assert.equal(back.newVersions, 0);
    const same = await civil([row('2026-11-05', '2026-11-05T10:00:00+08:00')]);
    assert.deepEqual(same.records.map((r) => [r.isNewVersion, r.isCurrent, r.madeCurrent]), [[false, true, false]], 'a re-pull of the current row changes nothing');
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-05']);
    // within one page the later record wins, also over a new version earlier in the page
    const twice = await civil([row('2026-11-09', '2026-11-09T10:00:00+08:00'), row('2026-11-02', '2026-11-02T10:00:00+08:00')]);
    assert.deepEqual(twice.records.map((r) => [r.isNewVersion, r.isCurrent, r.madeCurrent]), [[true, false, false], [false, true, true]]);
    assert.deepEqual((await eventsForPerson(db(), P1)).map((e) => e.date), ['2026-11-02']);
    await assertCurrentMatchesOrderRule(db());
  });

  it('keeps is_current equal to the ordering rule over a random history of deliveries mixed with update-time pages', async () => {
    let state = 11;
    const rand = (n: number): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    for (let p = 0; p < 16; p++) {
      const byDelivery = rand(3) !== 0;
      const channel = byDelivery ? 'civil' : 'health';
      const records: RecordToStage[] = [];
      for (let i = 0; i < 10; i++) {
        const id = `R-${rand(5)}`;
        const updatedAt = rand(5) === 0 ? '' : `2026-11-${String(10 + rand(3)).padStart(2, '0')}T09:00:00+08:00`;
        const kind = rand(4);
        const n: Normalized = kind === 0 ? { outcome: 'rejected', reasonCode: 'DATE_INVALID', field: 'deathTime', message: 'x', personId: null } : death(P1, '2026-11-01');
        records.push({ recordId: id, raw: { id, v: rand(3) }, updatedAt, normalized: n, withdrawn: kind === 3 && rand(2) === 0 ? true : undefined });
      }
      seq++;
      await db().transaction((tx) => stagePage(tx, {
        pullId, channel, dataset: 'cremation', seq, request: 'r', body: 'b', receivedAt: '2026-11-29T01:00:00+08:00', records, state: { p },
        versionOrder: byDelivery ? 'delivery' : 'update-time',
      }));
    }
    await assertCurrentMatchesOrderRule(db());
    const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM source_records WHERE channel = 'health' AND delivery_seq IS NOT NULL`);
    assert.equal(rows[0].n, 0, 'versions ordered by update time carry no delivery number');
  });

  it('streams counted events by identity-number prefix and by roster area, in person order, in small pages', async () => {
    const records: RecordToStage[] = [];
    for (const [i, p] of [P1, P2, P3, P1, P3, P2, P1].entries()) records.push(rec(`DC-${i}`, '2026-11-20T09:00:00+08:00', { idNumber: p }, death(p, `2026-11-0${i + 1}`)));
    records.push(rec('DC-r', '2026-11-20T09:00:00+08:00', { idNumber: 'x' }, { outcome: 'rejected', reasonCode: 'ID_FORMAT', field: 'idNumber', message: 'x', personId: P1 }));
    await stage(records);
    const byPrefix = await collect(countedEventsByAreaPrefix(db(), '440106', { batchSize: 2 }));
    assert.deepEqual(byPrefix.map((e) => [e.personId, e.recordId]), [[P1, 'DC-0'], [P1, 'DC-3'], [P1, 'DC-6'], [P2, 'DC-1'], [P2, 'DC-5']]);
    assert.equal((await collect(countedEventsByAreaPrefix(db(), '44', { batchSize: 3 }))).length, 7);
    assert.equal((await collect(countedEventsByAreaPrefix(db(), '4403'))).length, 2);
    assert.equal((await collect(countedEventsByAreaPrefix(db(), '4404'))).length, 0);
    const grouped = await collect(groupByPerson(countedEventsByAreaPrefix(db(), '', { batchSize: 1 })));
    assert.deepEqual(grouped.map((g) => [g.personId, g.events.length]), [[P1, 3], [P2, 2], [P3, 2]]);

    // P3 lives in Guangzhou 440106 although born in Shenzhen: the roster shard finds their events
    const entry = (personId: string, areaCode: string): RosterEntry => ({ personId, name: 'x', sex: '1', birthDate: '1950-01-01', areaCode, benefitStatus: 'normal', accountStatus: 'active', lastCertifiedMonth: '2026-01', startedMonth: '2010-07', paidThrough: '2026-11', monthlyAmountFen: 20000 });
    await loadRoster(db(), [entry(P1, '440106'), entry(P3, '440106'), entry(P2, '440303')]);
    const shard = await collect(countedEventsForRosterArea(db(), '440106', { batchSize: 2 }));
    assert.deepEqual(shard.map((e) => [e.personId, e.recordId]), [[P1, 'DC-0'], [P1, 'DC-3'], [P1, 'DC-6'], [P3, 'DC-2'], [P3, 'DC-4']]);
  });
});
