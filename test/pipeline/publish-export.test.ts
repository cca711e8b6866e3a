// Publishing a shard's results to the mirror, the lists derived from them (worklists, the
// reminder list view) and `exportList` (JSON lines and CSV), on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { forEachDatabase } from '../mirror/db-targets.ts';
import { caseIdOf, readCases, readReminders, readResults, readWorklists } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { publishArea } from '../../pipeline/match.ts';
import { exportList, CSV_COLUMNS, ExportError } from '../../pipeline/export.ts';
import { isReminder } from '../../matching/index.ts';
import { identity, result } from '../report/fixture.ts';
import type { Case, Result } from '../../schemas/types.ts';

const P = '2026-11';
const A = '440103';
const B = '445102';

/** Collects what is written, with a tiny high-water mark so back-pressure is exercised. */
function sink(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join('') };
}

function fixtureResults(): { a: Result[]; b: Result[] } {
  let seq = 0;
  const id = (area: string) => identity(area, '19480101', ++seq);
  const a = [
    // certifiedUntil relative to P: -1 (never for eligible, but the view must not list it), 0, 3, 4 months
    result(id(A), A, 'eligible', 'RECORD', ['CERT_VALID'], { certifiedMonth: '2025-10', certifiedUntil: '2026-10' }),
    result(id(A), A, 'eligible', 'RECORD', ['CERT_VALID'], { certifiedMonth: '2025-11', certifiedUntil: '2026-11' }),
    result(id(A), A, 'eligible', 'NONE', ['DEFERRED'], { certifiedMonth: '2026-02', certifiedUntil: '2027-02' }),
    result(id(A), A, 'eligible', 'RECORD', ['CERT_VALID'], { certifiedMonth: '2026-03', certifiedUntil: '2027-03' }),
    result(id(A), A, 'ineligible', 'STOP', ['DEATH'], {
      lossDate: '2026-08-03',
      overpaidMonths: 3,
      overpaidAmountFen: 54_000,
      evidence: [{ source: 'civil', dataset: 'deaths', recordId: 'MZ,"2026"\n1', origin: 'civil' }],
    }),
    result(id(A), A, 'suspect', 'VERIFY', ['ALIVE_AFTER_DEATH', 'SINGLE_SOURCE_DEATH']),
  ];
  const b = [
    result(id(B), B, 'eligible', 'RESTORE', ['RELEASED'], { certifiedMonth: '2025-12', certifiedUntil: '2026-12' }),
    result(id(B), B, 'ineligible', 'SEAL', ['CERT_EXPIRED', 'SEAL_DUE']),
    result(id(B), B, 'excluded', 'NONE', ['REMAINS_SUSPENDED']),
  ];
  return { a, b };
}

const publish = (db: Db, areaCode: string, runId: string, results: Result[], openedAt: string): Promise<number> => publishArea(db, areaCode, P, runId, results, openedAt);

forEachDatabase('publish and export', ({ db }) => {
  const { a, b } = fixtureResults();
  const all = [...a, ...b].sort((x, y) => (x.personId < y.personId ? -1 : 1));

  before(async () => {
    await publish(db(), A, 'run-1', a, '2026-12-05T09:00:00+08:00');
    await publish(db(), B, 'run-1', b, '2026-12-05T09:00:00+08:00');
  });

  it('reads back every result of the period, by personId, as published', async () => {
    const back: Result[] = [];
    for await (const r of readResults(db(), P, 2)) back.push(r);
    assert.deepEqual(back, all);
    const none: Result[] = [];
    for await (const r of readResults(db(), '2026-10')) none.push(r);
    assert.deepEqual(none, []);
  });

  it('a re-run replaces a shard, keeps the other, and never opens a second case', async () => {
    const cases = async () => {
      const list: Case[] = [];
      for await (const c of readCases(db(), P, 1)) list.push(c);
      return list;
    };
    const before = await cases();
    const suspect = a[5];
    assert.deepEqual(before, [{
      caseId: caseIdOf(P, suspect.personId), period: P, personId: suspect.personId, areaCode: A, reasons: suspect.reasons, evidence: suspect.evidence,
      status: 'OPEN', openedAt: '2026-12-05T09:00:00+08:00', closedAt: null,
    }], 'one case: the suspect');
    const opened = await publish(db(), A, 'run-2', a, '2026-12-06T09:00:00+08:00');
    assert.equal(opened, 0);
    assert.deepEqual(await cases(), before, 'the case keeps its first opening');
    const { rows } = await db().query<{ area_code: string; n: number; runs: string }>(
      `SELECT area_code, count(*)::int AS n, string_agg(DISTINCT run_id, ',') AS runs FROM results WHERE period = $1 GROUP BY area_code ORDER BY area_code`,
      [P],
    );
    assert.deepEqual(rows, [{ area_code: A, n: a.length, runs: 'run-2' }, { area_code: B, n: b.length, runs: 'run-1' }]);
  });

  it('the reminders view lists exactly the eligible results isReminder picks, with months left', async () => {
    const listed = [];
    for await (const r of readReminders(db(), P, 1)) listed.push(r);
    const want = all
      .filter((r) => isReminder(r, P))
      .sort((x, y) => (x.areaCode + x.personId < y.areaCode + y.personId ? -1 : 1))
      .map((r) => r.personId);
    assert.deepEqual(listed.map((r) => r.personId), want);
    assert.deepEqual(listed.map((r) => [r.certifiedUntil, r.monthsLeft]), [['2026-11', 0], ['2027-02', 3], ['2026-12', 1]]);
  });

  it('the worklists hold STOP, SEAL and VERIFY by county, action and person', async () => {
    const listed = [];
    for await (const r of readWorklists(db(), P, 1)) listed.push(r);
    assert.deepEqual(listed.map((r) => [r.areaCode, r.action, r.personId]), [
      [A, 'STOP', a[4].personId],
      [A, 'VERIFY', a[5].personId],
      [B, 'SEAL', b[1].personId],
    ]);
    assert.deepEqual(listed[1].reasons, ['ALIVE_AFTER_DEATH', 'SINGLE_SOURCE_DEATH']);
  });

  it('exports results as JSON lines equal to the published results, through back-pressure', async () => {
    const out = sink();
    const n = await exportList(db(), out.stream, { period: P, batchSize: 4 });
    assert.equal(n, all.length);
    assert.deepEqual(out.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Result), all);
  });

  it('exports results as CSV that parses back to the same values (quotes, commas, line breaks)', async () => {
    const out = sink();
    await exportList(db(), out.stream, { period: P, format: 'csv' });
    const rows = parse(out.text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(rows[0]), [...CSV_COLUMNS.results]);
    assert.equal(rows.length, all.length);
    for (const [i, r] of all.entries()) {
      const row = rows[i];
      assert.equal(row.personId, r.personId);
      assert.equal(row.reasons, r.reasons.join(';'));
      assert.equal(row.lossDate, r.lossDate ?? '');
      assert.equal(row.overpaidAmountFen, r.overpaidAmountFen === null ? '' : String(r.overpaidAmountFen));
      assert.deepEqual(JSON.parse(row.evidence), r.evidence);
    }
  });

  it('exports the reminder list and worklists; an empty list is a header alone', async () => {
    const csv = sink();
    assert.equal(await exportList(db(), csv.stream, { period: P, list: 'reminders', format: 'csv' }), 3);
    assert.equal(csv.text().split('\r\n')[0], 'period,areaCode,personId,certifiedUntil,monthsLeft');
    const empty = sink();
    assert.equal(await exportList(db(), empty.stream, { period: '2026-10', list: 'worklists', format: 'csv' }), 0);
    assert.equal(empty.text(), 'period,areaCode,action,personId,reasons\r\n');
  });

  it('refuses a malformed period, list or format with a clear error', async () => {
    const out = sink();
    await assert.rejects(exportList(db(), out.stream, { period: '2026-13' }), (e: unknown) => e instanceof ExportError && /YYYY-MM/.test(e.message));
    await assert.rejects(exportList(db(), out.stream, { period: P, list: 'cases' as 'results' }), /unknown list 'cases'/);
    await assert.rejects(exportList(db(), out.stream, { period: P, format: 'xlsx' as 'csv' }), /unknown format 'xlsx'/);
    await assert.rejects(exportList(db(), out.stream, { period: P, batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  });
});
