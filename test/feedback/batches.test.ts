// Import batches (workflow.md article 9) on both stores: chunks of at most 2,000 in personId
// order, 2,001 refused whoever asks, a repeated request returns the existing batches, the
// approval checks in their order, STALE after a re-run that changes a result, and the import to
// the provincial simulator exactly once per person and period however it is retried.
import assert from 'node:assert/strict';
import { approveBatch, cutBatches, runImport } from '../../feedback/batches.ts';
import { createProvincialImporter } from '../../feedback/batches-provincial.ts';
import type { ProvincialImporter } from '../../feedback/batches-provincial.ts';
import { LifecertError } from '../../lib/errors.ts';
import { listAudit, readImportBatch, retryImportBatch } from '../../mirror/index.ts';
import type { ImportBatch } from '../../mirror/index.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { forEachDatabase } from '../mirror/db-targets.ts';
import { personIn, publishCounty, recordResult, startTestSandbox } from './batch-fixtures.ts';
import type { TestSandbox } from './batch-fixtures.ts';

const NOW = Date.parse('2026-12-02T10:00:00+08:00');
const COUNTY = '440106';

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LifecertError, `a coded error, got ${String(err)}`);
    return `${err.httpStatus} ${err.code}`;
  }
  assert.fail('expected a refusal');
}

forEachDatabase('import batches', ({ db }) => {
  let period = 2030;
  // each test its own period: batches and results of one never meet another's
  const nextPeriod = () => `${period++}-11`;

  it('cuts 2,001 results into 2,000 + 1 in personId order; a repeated request returns the same batches', async () => {
    const p = nextPeriod();
    // published in reverse order: the cut orders by personId itself
    const results = Array.from({ length: 2001 }, (_, i) => recordResult(p, COUNTY, i, i % 7 === 0 ? { action: 'RESTORE', reasons: ['RECERTIFIED'] } : {})).reverse();
    await publishCounty(db(), p, COUNTY, [...results, { ...recordResult(p, COUNTY, 5000), action: 'STOP', decision: 'ineligible', reasons: ['DEATH'] }]);
    const first = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW });
    assert.equal(first.created, 2);
    assert.deepEqual(first.batches.map((b) => [b.seq, b.itemCount, b.state]), [[1, 2000, 'OPEN'], [2, 1, 'OPEN']]);
    assert.equal(first.batches[0].firstPersonId, personIn(COUNTY, 0));
    assert.equal(first.batches[0].lastPersonId, personIn(COUNTY, 1999));
    assert.equal(first.batches[1].firstPersonId, personIn(COUNTY, 2000));
    const again = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_other', now: NOW + 1000 });
    assert.equal(again.created, 0);
    assert.deepEqual(again.batches.map((b) => b.batchId), first.batches.map((b) => b.batchId));
    // the STOP result is a county worklist, never an import
    const { rows } = await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM import_batch_items WHERE period = $1`, [p]);
    assert.equal(rows[0].n, 2001);
  });

  it('refuses a batch of 2,001 whoever asks: the cut, and the table itself', async () => {
    const p = nextPeriod();
    await publishCounty(db(), p, COUNTY, Array.from({ length: 2001 }, (_, i) => recordResult(p, COUNTY, i)));
    assert.equal(await refusal(cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_admin', now: NOW, size: 2001 })), '422 LIFECERT_BATCH_TOO_LARGE');
    assert.equal((await db().query(`SELECT 1 FROM import_batches WHERE period = $1`, [p])).rowCount, 0, 'nothing was cut');
    await assert.rejects(
      db().query(`INSERT INTO import_batches (batch_id, period, area_code, seq, item_count, first_person_id, last_person_id, created_by, created_at)
                  VALUES ('X', $1, $2, 99, 2001, 'a', 'b', 'sql', now())`, [p, COUNTY]),
      /check/i,
    );
    const smaller = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW, size: 1000 });
    assert.deepEqual(smaller.batches.map((b) => b.itemCount), [1000, 1000, 1]);
  });

  it('approvals: the creator, the same user at both levels, a second level-1, a level 2 before level 1 — each refused with its code', async () => {
    const p = nextPeriod();
    await publishCounty(db(), p, COUNTY, Array.from({ length: 3 }, (_, i) => recordResult(p, COUNTY, i)));
    const [batch] = (await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW })).batches;
    const approve = (userId: string, level: 1 | 2) => approveBatch(db(), { batchId: batch.batchId, level, userId, now: NOW });
    assert.equal(await refusal(approve('u_op', 1)), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'the creator');
    assert.equal(await refusal(approve('u_b', 2)), '409 LIFECERT_BATCH_STATE_CONFLICT', 'level 2 of an OPEN batch');
    const l1 = await approve('u_a', 1);
    assert.equal(l1.batch.state, 'APPROVED_L1');
    assert.equal(l1.startsImport, false);
    assert.equal(await refusal(approve('u_a', 2)), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'the level-1 approver at level 2');
    assert.equal(await refusal(approve('u_a', 1)), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'already approved outranks the state');
    assert.equal(await refusal(approve('u_c', 1)), '409 LIFECERT_BATCH_STATE_CONFLICT', 'a second level-1 approval');
    assert.equal(await refusal(approve('u_op', 2)), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'the creator at level 2');
    const l2 = await approve('u_b', 2);
    assert.equal(l2.batch.state, 'IMPORTING');
    assert.equal(l2.startsImport, true);
    assert.deepEqual(l2.batch.approvals.map((a) => [a.level, a.user]), [[1, 'u_a'], [2, 'u_b']]);
    assert.equal(await refusal(approveBatch(db(), { batchId: 'IMP-none', level: 1, userId: 'u_a', now: NOW })), '404 LIFECERT_BATCH_NOT_FOUND');
  });

  it('a re-run that changes a result makes its OPEN / APPROVED_L1 batch STALE; its persons are cut again; an IMPORTING batch is left alone', async () => {
    const p = nextPeriod();
    const results = Array.from({ length: 5 }, (_, i) => recordResult(p, COUNTY, i));
    await publishCounty(db(), p, COUNTY, results);
    const cut = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW, size: 2 });
    assert.deepEqual(cut.batches.map((b) => b.itemCount), [2, 2, 1]);
    const [b1, b2, b3] = cut.batches;
    await approveBatch(db(), { batchId: b2.batchId, level: 1, userId: 'u_a', now: NOW });
    await approveBatch(db(), { batchId: b3.batchId, level: 1, userId: 'u_a', now: NOW });
    await approveBatch(db(), { batchId: b3.batchId, level: 2, userId: 'u_b', now: NOW });

    // the same results again: nothing changes
    await publishCounty(db(), p, COUNTY, results);
    assert.deepEqual(await states(b1, b2, b3), ['OPEN', 'APPROVED_L1', 'IMPORTING']);

    // person 0 (batch 1): certifiedUntil changed; person 3 (batch 2): removed from the results; person 4 (batch 3): action changed
    const rerun = [
      { ...results[0], certifiedUntil: '2027-05' }, results[1], results[2],
      { ...results[4], action: 'NONE' as const, reasons: ['CERT_VALID' as const] },
    ];
    await publishCounty(db(), p, COUNTY, rerun);
    assert.deepEqual(await states(b1, b2, b3), ['STALE', 'STALE', 'IMPORTING']);
    assert.match((await readImportBatch(db(), b2.batchId))?.staleReason ?? '', /removed/);
    assert.equal(await refusal(approveBatch(db(), { batchId: b1.batchId, level: 1, userId: 'u_a', now: NOW })), '409 LIFECERT_BATCH_STATE_CONFLICT');

    // the current RECORD results of the stale batches' persons are cut again (0, 1, 2); 3 has none; 4 stays in its IMPORTING batch
    const recut = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW, size: 2 });
    assert.equal(recut.created, 2);
    assert.deepEqual(recut.batches.map((b) => [b.seq, b.state, b.itemCount]), [[3, 'IMPORTING', 1], [4, 'OPEN', 2], [5, 'OPEN', 1]]);
    const { rows } = await db().query<{ person_id: string; n: number }>(
      `SELECT person_id, count(*)::int AS n FROM import_batch_items WHERE period = $1 AND active GROUP BY person_id ORDER BY person_id`, [p],
    );
    assert.deepEqual(rows.map((r) => [r.person_id, r.n]), [0, 1, 2, 4].map((i) => [personIn(COUNTY, i), 1]));
    // the mirror itself refuses a person in two live batches of one period
    await assert.rejects(
      db().query(`INSERT INTO import_batch_items (batch_id, period, person_id, action, certified_month, certified_until, reasons) VALUES ($1, $2, $3, 'RECORD', $2, '2027-11', '["DEFERRED"]')`, [b3.batchId, p, personIn(COUNTY, 0)]),
      /unique|duplicate/i,
    );
  });

  describe('the import into the provincial simulator', () => {
    let sb: TestSandbox;
    let importer: ProvincialImporter;
    before(async () => {
      sb = await startTestSandbox();
      importer = createProvincialImporter({ url: sb.sandbox.url, ...SANDBOX_CREDENTIALS.provincial });
    });
    after(async () => {
      await sb.close();
    });

    async function approvedBatches(p: string, n: number, size = 2000): Promise<ImportBatch[]> {
      await publishCounty(db(), p, COUNTY, Array.from({ length: n }, (_, i) => recordResult(p, COUNTY, i)));
      const { batches } = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW, size });
      for (const b of batches) {
        await approveBatch(db(), { batchId: b.batchId, level: 1, userId: 'u_a', now: NOW });
        await approveBatch(db(), { batchId: b.batchId, level: 2, userId: 'u_b', now: NOW + 60_000 });
      }
      return batches;
    }

    /** every person the simulator received for the period, once per request that carried it */
    function receivedPersons(p: string): { batchId: string; personId: string }[] {
      return sb.sandbox.received('provincial')
        .filter((r) => r.period === p)
        .flatMap((r) => (r.items as { personId: string }[]).map((i) => ({ batchId: String(r.batchId), personId: i.personId })));
    }

    it('a failing import (the provincial system down) is retried with the same batch id; each person arrives once; a retry after success sends nothing', async () => {
      const p = nextPeriod();
      const [batch] = await approvedBatches(p, 3);
      sb.sandbox.setFaults({ provincial: { down: true } });
      await assert.rejects(runImport({ db: db(), importer, batchId: batch.batchId, now: () => NOW }), (err: LifecertError) => err.retryable && err.code === 'LIFECERT_HTTP_UNAVAILABLE');
      let stored = await readImportBatch(db(), batch.batchId);
      assert.equal(stored?.state, 'IMPORTING');
      assert.match(stored?.lastError ?? '', /LIFECERT_HTTP_UNAVAILABLE/);
      // the last attempt failing leaves it IMPORT_FAILED; a retry takes it again with the same id
      await assert.rejects(runImport({ db: db(), importer, batchId: batch.batchId, now: () => NOW, lastAttempt: true }));
      assert.equal((await readImportBatch(db(), batch.batchId))?.state, 'IMPORT_FAILED');
      await assert.rejects(runImport({ db: db(), importer, batchId: batch.batchId }), /IMPORT_FAILED/);
      await retryImportBatch(db(), batch.batchId);
      sb.sandbox.setFaults({ provincial: { down: false } });
      const done = await runImport({ db: db(), importer, batchId: batch.batchId, now: () => NOW });
      assert.deepEqual(done, { status: 'imported', batchId: batch.batchId, items: 3, imported: 3 });
      assert.deepEqual(await runImport({ db: db(), importer, batchId: batch.batchId }), { status: 'already-imported', batchId: batch.batchId });
      stored = await readImportBatch(db(), batch.batchId);
      assert.equal(stored?.state, 'IMPORTED');
      assert.equal(stored?.importAttempts, 3);
      const got = receivedPersons(p);
      assert.deepEqual(got.map((g) => g.personId), [0, 1, 2].map((i) => personIn(COUNTY, i)), 'each person once');
      assert.ok(got.every((g) => g.batchId === batch.batchId));
      const request = sb.sandbox.received('provincial').find((r) => r.batchId === batch.batchId);
      assert.deepEqual(request?.approvals, [{ level: 1, user: 'u_a', at: '2026-12-02T10:00:00+08:00' }, { level: 2, user: 'u_b', at: '2026-12-02T10:01:00+08:00' }]);
      assert.deepEqual((request?.items as unknown[])[0], { personId: personIn(COUNTY, 0), action: 'RECORD', certifiedMonth: p, certifiedUntil: '2027-11', basis: 'DEFERRED' });
    });

    it('an answer lost on the way back: the retry repeats the same batch id, the provincial system imports nobody twice', async () => {
      const p = nextPeriod();
      const batches = await approvedBatches(p, 5, 2);
      let lose = true;
      const lossy: ProvincialImporter = {
        async importBatch(req) {
          const answer = await importer.importBatch(req);
          if (lose) {
            lose = false;
            throw Object.assign(new LifecertError('LIFECERT_CONNECTOR_NETWORK', 'socket hang up after the request was sent'), {});
          }
          return answer;
        },
      };
      await assert.rejects(runImport({ db: db(), importer: lossy, batchId: batches[0].batchId }));
      for (const b of batches) await runImport({ db: db(), importer: lossy, batchId: b.batchId });
      for (const b of batches) assert.equal((await readImportBatch(db(), b.batchId))?.state, 'IMPORTED');
      const got = receivedPersons(p);
      // the first batch went twice, under one id, and the simulator answered the same count both times
      const byPerson = new Map<string, Set<string>>();
      for (const g of got) byPerson.set(g.personId, (byPerson.get(g.personId) ?? new Set()).add(g.batchId));
      assert.equal(byPerson.size, 5);
      for (const [, ids] of byPerson) assert.equal(ids.size, 1, 'a person travels under one batch id only');
      assert.equal((await readImportBatch(db(), batches[0].batchId))?.importedCount, 2);
    });
  });

  it('audits the cut and each approval in the same transaction', async () => {
    const p = nextPeriod();
    await publishCounty(db(), p, COUNTY, [recordResult(p, COUNTY, 0)]);
    const entry = (action: string, target: string) => ({ at: '2026-12-02T10:00:00+08:00', actor: 'user:u_x', action, target, details: {}, outOfHours: false });
    const { batches } = await cutBatches(db(), { period: p, areaCode: COUNTY, createdBy: 'u_op', now: NOW, audit: () => entry('batch.cut', `batches:${p}`) });
    await approveBatch(db(), { batchId: batches[0].batchId, level: 1, userId: 'u_a', now: NOW, audit: (b) => entry('batch.approve', `batch:${b.batchId}`) });
    // a refused approval writes nothing
    await refusal(approveBatch(db(), { batchId: batches[0].batchId, level: 1, userId: 'u_c', now: NOW, audit: (b) => entry('batch.approve', `batch:${b.batchId}`) }));
    const audit = (await listAudit(db(), { limit: 1000 })).filter((a) => a.target.includes(p) || a.target === `batch:${batches[0].batchId}`);
    assert.deepEqual(audit.map((a) => a.action), ['batch.cut', 'batch.approve']);
  });

  async function states(...batches: ImportBatch[]): Promise<string[]> {
    return Promise.all(batches.map(async (b) => (await readImportBatch(db(), b.batchId))?.state ?? 'missing'));
  }
});
