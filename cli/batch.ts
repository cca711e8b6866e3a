// `lifecert batch cut|list|approve|retry`: import batches (article 9, workflow.md) from the
// command line, through the same functions as the API (feedback/batches.ts) and audited the same
// way. The user is the command line's, `cli:<os user>` — as `lifecert case close` records it —
// so the batch rules hold as they do for API users: two approvals by two different users,
// neither the creator. The level-2 approval and a retry queue the import on REDIS_URL (the
// workers import); without Redis they are refused before anything changes.
import { approveBatch, batchView, cutBatches, retryBatch } from '../feedback/batches.ts';
import { createError } from '../lib/errors.ts';
import { BATCH_STATES, listImportBatchPage } from '../mirror/index.ts';
import type { BatchState } from '../mirror/index.ts';
import { cliActor } from './user.ts';
import { auditEntryNow, withDb, withQueues } from './with-db.ts';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const COUNTY = /^44\d{4}$/;
const REGION = /^44(\d{2}){0,2}$/;

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function noQueues(what: string): Error {
  return createError('LIFECERT_BATCH_IMPORT_UNAVAILABLE', `Redis (REDIS_URL) does not answer: ${what} queues the import, so nothing was changed`);
}

/** Cuts a county's RECORD / RESTORE results of a period into batches; prints each batch (a repeat prints the existing ones). */
export async function runBatchCut(o: { period?: string; area?: string; size?: number; databaseUrl?: string }): Promise<number> {
  if (!o.period || !PERIOD.test(o.period)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--period YYYY-MM is required');
  if (!o.area || !COUNTY.test(o.area)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--area must be a 6-digit county code (440106)');
  const { period, area } = o;
  return withDb(o.databaseUrl, async (db) => {
    const actor = cliActor();
    const result = await cutBatches(db, {
      period, areaCode: area, createdBy: actor, now: Date.now(), ...(o.size === undefined ? {} : { size: o.size }),
      audit: (r) => auditEntryNow(actor, 'batch.cut', `batches:${period}/${area}`, { period, areaCode: area, created: r.created, batchIds: r.batches.slice(-r.created).map((b) => b.batchId) }),
    });
    for (const b of result.batches) print(batchView(b));
    process.stderr.write(`${result.created} batch(es) cut, ${result.batches.length} in all for ${area} ${period}\n`);
    return 0;
  });
}

/** The batches of an area (default the province), JSON lines, person ids masked. */
export async function runBatchList(o: { area?: string; period?: string; status?: string; databaseUrl?: string }): Promise<number> {
  const area = o.area ?? '44';
  if (!REGION.test(area)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--area must be 44, a city (4401) or a county (440106)');
  if (o.period !== undefined && !PERIOD.test(o.period)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--period must be YYYY-MM');
  if (o.status !== undefined && !(BATCH_STATES as readonly string[]).includes(o.status)) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--status must be one of ${BATCH_STATES.join(', ')}`);
  const state = o.status as BatchState | undefined;
  return withDb(o.databaseUrl, async (db) => {
    let after: [string, string, number] | undefined;
    for (;;) {
      const page = await listImportBatchPage(db, { region: area, period: o.period, state, after, limit: 1000 });
      for (const b of page) print(batchView(b));
      if (page.length < 1000) return 0;
      const last = page[page.length - 1];
      after = [last.period, last.areaCode, last.seq];
    }
  });
}

/** One approval as `cli:<os user>`; the level-2 approval queues the import. */
export async function runBatchApprove(batchId: string, o: { level?: string; databaseUrl?: string }): Promise<number> {
  if (o.level !== '1' && o.level !== '2') throw createError('LIFECERT_CLI_ARGUMENT_INVALID', '--level must be 1 or 2');
  const level = Number(o.level) as 1 | 2;
  return withDb(o.databaseUrl, (db) =>
    withQueues(db, async (jobs) => {
      // the import must be queueable before the approval that starts it is recorded (as the API)
      if (level === 2 && jobs === null) throw noQueues('the level-2 approval');
      const actor = cliActor();
      const { batch, startsImport } = await approveBatch(db, {
        batchId, level, userId: actor, now: Date.now(),
        audit: (b) => auditEntryNow(actor, 'batch.approve', `batch:${b.batchId}`, { batchId: b.batchId, level, state: b.state, areaCode: b.areaCode, period: b.period, items: b.itemCount }),
      });
      if (startsImport && jobs !== null) await jobs.startImport(batch.batchId);
      print({ batch: batchView(batch), importStarted: startsImport });
      return 0;
    }),
  );
}

/** An IMPORT_FAILED batch imported again with its batch id (the provincial system is idempotent on it). */
export async function runBatchRetry(batchId: string, o: { databaseUrl?: string }): Promise<number> {
  return withDb(o.databaseUrl, (db) =>
    withQueues(db, async (jobs) => {
      if (jobs === null) throw noQueues('a retry');
      const actor = cliActor();
      const { batch, round } = await retryBatch(db, batchId, (b) => auditEntryNow(actor, 'batch.retry', `batch:${b.batchId}`, { batchId: b.batchId, areaCode: b.areaCode, period: b.period, attempts: b.importAttempts }));
      const { jobId } = await jobs.startImport(batch.batchId, round);
      print({ batch: batchView(batch), importStarted: true, jobId });
      return 0;
    }),
  );
}
