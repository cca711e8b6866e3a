// One pull of one (channel, dataset) for a run: a thin wrapper over pipeline/ingest.ts
// `ingestDataset`, which stages page by page, each page with its cursor in one transaction.
// Around it, what only a queue needs: the dataset's pull lock (two runs never pull one dataset
// at once), the resume after a crash (the committed cursor; what the dead attempt counted is
// not counted again), and the shutdown (stop after the page in hand, back to the queue).
import { DelayedError, UnrecoverableError, WaitingError } from 'bullmq';
import type { Job } from 'bullmq';
import { abandonRunningPulls, finishTask, requeueTask, startTask, versionsStagedByRun, withPullLock } from '../mirror/index.ts';
import { ingestDataset } from '../pipeline/ingest.ts';
import { IngestAbortedError } from '../pipeline/errors.ts';
import { createError } from '../lib/errors.ts';
import type { PullCounts } from '../schemas/types.ts';
import type { JobContext } from './job-context.ts';
import type { PullJobData } from './queues.ts';

export type PullJobResult = (PullCounts & { status: 'pulled' }) | { status: 'run-finished' };

export async function processPull(ctx: JobContext, job: Job<PullJobData>, token: string | undefined, signal: AbortSignal | undefined): Promise<PullJobResult> {
  const { runId, channel, dataset, asOf } = job.data;
  const task = `${channel}/${dataset}`;
  const connector = ctx.connectors.get(channel);
  if (!connector) {
    // retrying on this worker cannot help; the configuration of the workers must be fixed
    throw new UnrecoverableError(`LIFECERT_JOBS_CONNECTOR_UNKNOWN: this worker has no connector ${channel} in its configuration`);
  }
  const stop = signal ? AbortSignal.any([signal, ctx.shutdown]) : ctx.shutdown;

  const locked = await withPullLock(ctx.db, channel, dataset, async (): Promise<PullJobResult> => {
    const at = new Date(ctx.now()).toISOString();
    const attempt = await startTask(ctx.db, runId, 'pull', task, at);
    if (attempt === null) return { status: 'run-finished' };
    ctx.emit({ type: 'job-started', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId, task });
    // holding the lock, any pull of this dataset still marked running belongs to a dead process
    await abandonRunningPulls(ctx.db, channel, dataset, at);
    const alreadyCounted = await versionsStagedByRun(ctx.db, runId, channel, dataset);
    try {
      const counts = await ingestDataset({
        db: ctx.db,
        connector,
        dataset,
        asOf,
        runId,
        signal: stop,
        pageSize: ctx.pageSize,
        alreadyCounted,
        log: ctx.log,
        onPage: (p) => ctx.emit({ type: 'page', runId, channel, dataset, seq: p.seq, totals: p.totals }),
      });
      await finishTask(ctx.db, runId, 'pull', task, { state: 'SUCCEEDED', result: counts }, new Date(ctx.now()).toISOString());
      return { status: 'pulled', ...counts };
    } catch (err) {
      if (err instanceof IngestAbortedError) await requeueTask(ctx.db, runId, 'pull', task);
      throw err;
    }
  }).catch(async (err: unknown) => {
    if (!(err instanceof IngestAbortedError) || !ctx.shutdown.aborted || token === undefined) throw err;
    // shut down between pages: every page before is committed with its cursor; back to the
    // queue, where any worker resumes it from that cursor
    await job.moveToWait(token);
    ctx.emit({ type: 'job-requeued', queue: job.queueName, jobId: job.id ?? '', runId, task, reason: 'shutdown' });
    throw new WaitingError();
  });

  if (!locked.acquired) {
    // another run is pulling this dataset: come back when it is likely done; not an attempt
    if (token === undefined) throw createError('LIFECERT_JOBS_DATASET_BUSY', `${task} is being pulled by another job`);
    await job.moveToDelayed(Date.now() + ctx.lockBusyDelayMs, token);
    ctx.emit({ type: 'job-requeued', queue: job.queueName, jobId: job.id ?? '', runId, task, reason: 'dataset-busy' });
    throw new DelayedError();
  }
  return locked.value;
}
