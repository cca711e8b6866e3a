// Import batches (article 9, workflow.md): cut, approve at two levels, import into the
// provincial system. The storage and its rules are mirror/batches.ts; this is the workflow the
// gateway, the jobs and the command line share.
import { createError, errorCodeOf, isLifecertError } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import { maskPersonId, maskText } from '../lib/mask.ts';
import type { AuditEntry } from '../schemas/access.ts';
import type { Logger } from '../lib/log.ts';
import {
  approveImportBatch, beginImportAttempt, cutImportBatches, markBatchImported, markImportAttemptFailed, MAX_BATCH_SIZE, retryImportBatch,
} from '../mirror/index.ts';
import type { ApproveInput, CutBatchesInput, CutBatchesResult, Db, ImportBatch } from '../mirror/index.ts';
import type { ProvincialImporter } from './batches-provincial.ts';

export { MAX_BATCH_SIZE };

/** A batch as the API and `lifecert batch` show it: person ids masked (workflow.md "Privacy": batch lists mask). */
export function batchView(b: ImportBatch): ImportBatch {
  return { ...b, firstPersonId: maskPersonId(b.firstPersonId), lastPersonId: maskPersonId(b.lastPersonId), lastError: b.lastError === null ? null : maskText(b.lastError) };
}

/**
 * An IMPORT_FAILED batch back to IMPORTING with its id (an IMPORTING one as it is; any other
 * state 409). `round` tells the new import job from the failed one: the attempts made so far.
 */
export async function retryBatch(db: Db, batchId: string, audit?: (batch: ImportBatch) => AuditEntry): Promise<{ batch: ImportBatch; round: number }> {
  const batch = await retryImportBatch(db, batchId, audit);
  return { batch, round: batch.importAttempts };
}

/** Cut a county's RECORD / RESTORE results of a period into batches (a repeat returns the existing ones). */
export function cutBatches(db: Db, input: CutBatchesInput): Promise<CutBatchesResult> {
  return cutImportBatches(db, input);
}

/**
 * One approval. The caller has checked the role of the level and the region (403); this checks
 * creator / already approved (403) and the state (409). `startsImport` is true after level 2:
 * the caller queues the import.
 */
export async function approveBatch(db: Db, input: ApproveInput): Promise<{ batch: ImportBatch; startsImport: boolean }> {
  const batch = await approveImportBatch(db, input);
  return { batch, startsImport: batch.state === 'IMPORTING' };
}

export type ImportOutcome =
  | { status: 'imported'; batchId: string; items: number; imported: number }
  | { status: 'already-imported'; batchId: string };

export interface RunImportOptions {
  db: Db;
  importer: ProvincialImporter;
  batchId: string;
  now?: () => number;
  /**
   * whether a transient failure of this attempt is the last one (the job's attempts are spent):
   * the batch then becomes IMPORT_FAILED. A refusal is always final.
   */
  lastAttempt?: boolean;
  signal?: AbortSignal;
  log?: Logger;
}

/**
 * One import attempt of an IMPORTING batch: the items as cut, the two approvals, the batch id.
 * An IMPORTED batch is not sent again. Transient failures are thrown retryable (the job backs
 * off and calls again: same batch id, same items); a refusal, or the last attempt failing,
 * leaves the batch IMPORT_FAILED.
 */
export async function runImport(options: RunImportOptions): Promise<ImportOutcome> {
  const { db, batchId } = options;
  const now = options.now ?? Date.now;
  const log = (options.log ?? silentLogger).child({ batchId });
  const attempt = await beginImportAttempt(db, batchId);
  if (attempt === null) return { status: 'already-imported', batchId };
  const { batch, items } = attempt;
  try {
    if (items.length > MAX_BATCH_SIZE) {
      throw createError('LIFECERT_BATCH_TOO_LARGE', `${batchId} holds ${items.length} persons; a batch holds at most ${MAX_BATCH_SIZE}`);
    }
    const { imported } = await options.importer.importBatch(
      { batchId, areaCode: batch.areaCode, period: batch.period, approvals: batch.approvals, items },
      options.signal ? { signal: options.signal } : {},
    );
    await markBatchImported(db, batchId, imported, now());
    log.info({ event: 'batch.imported', items: items.length, imported, attempt: batch.importAttempts }, `${batchId} imported: ${imported} persons`);
    return { status: 'imported', batchId, items: items.length, imported };
  } catch (err) {
    const retryable = isLifecertError(err) ? err.retryable : true;
    const final = !retryable || (options.lastAttempt ?? false);
    const message = `${errorCodeOf(err) ?? 'ERROR'}: ${err instanceof Error ? err.message : String(err)}`;
    await markImportAttemptFailed(db, batchId, message, final);
    log.warn({ event: final ? 'batch.import.failed' : 'batch.import.retry', attempt: batch.importAttempts, err }, `${batchId} import attempt ${batch.importAttempts} failed${final ? ' (IMPORT_FAILED)' : ''}: ${message}`);
    throw err;
  }
}
