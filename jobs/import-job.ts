// The import of one approved batch into the provincial system (article 9): one attempt per
// job attempt, the same batch id each time; BullMQ's exponential backoff waits out an outage.
// A refusal fails at once; the last attempt failing leaves the batch IMPORT_FAILED, from
// which `lifecert batch retry` (or a later job round) takes it again with the same id.
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { runImport } from '../feedback/batches.ts';
import type { ImportOutcome } from '../feedback/batches.ts';
import { createError, isLifecertError } from '../lib/errors.ts';
import type { JobContext } from './job-context.ts';
import type { ImportJobData } from './queues.ts';

export async function processImport(ctx: JobContext, job: Job<ImportJobData>): Promise<ImportOutcome> {
  const { batchId } = job.data;
  if (ctx.provincial === null) {
    const missing = createError('LIFECERT_BATCH_IMPORT_UNAVAILABLE', `this worker has no provincial import endpoint configured (\`provincial\` in the configuration); ${batchId} waits IMPORTING`);
    throw new UnrecoverableError(`${missing.code}: ${missing.message}`);
  }
  ctx.emit({ type: 'job-started', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId: '', task: batchId });
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  try {
    return await runImport({ db: ctx.db, importer: ctx.provincial, batchId, now: ctx.now, lastAttempt, signal: ctx.shutdown, log: ctx.log });
  } catch (err) {
    // a refusal, or a batch in another state, is not worth repeating
    if (isLifecertError(err) && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    if (!isLifecertError(err)) throw createError('LIFECERT_JOBS_JOB_FAILED', `import of ${batchId}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    throw err;
  }
}
