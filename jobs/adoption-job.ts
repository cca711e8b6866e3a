// One adoption send (article 14): decide the items not yet sent again, cut them into
// SubmitFeedback batches and send every batch not yet accepted. A failed attempt leaves its
// batch SENDING with its id; the job's backoff retries it with the same id.
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { sendAdoptionFeedback } from '../feedback/adoption.ts';
import type { AdoptionChannel, SendAdoptionReport } from '../feedback/adoption.ts';
import { createError, isLifecertError } from '../lib/errors.ts';
import type { JobContext } from './job-context.ts';
import { jobIds } from './queues.ts';
import type { AdoptionJobData } from './queues.ts';

/**
 * When sends happen. Items are decided as the ministry's records are staged, and the earliest
 * deadline is 10 days after first receipt (OVERSEAS; the others 30): a send as each run that
 * pulled the ministry closes (queued by its publish job, once per run), and a daily one at 09:00
 * China time for what those missed — a run that failed after its ministry pulls, a send whose
 * retries (about 8.5 hours) ran out. An item thus waits at most a day plus the retries, far
 * inside its 10 days; `GET /api/v1/adoption?status=due` shows any that do not.
 */
export const ADOPTION_SCHEDULER = 'adoption-daily';
export const ADOPTION_SCHEDULE = '0 9 * * *';

/** Queues the send of a run that pulled the ministry, once per run (the job id is the run's). */
export async function queueAdoptionAfterRun(ctx: Pick<JobContext, 'adoptionQueue' | 'deliveryOptions'>, runId: string): Promise<string> {
  const jobId = jobIds.adoptionAfterRun(runId);
  const data: AdoptionJobData = { requestedBy: `run:${runId}` };
  await ctx.adoptionQueue.add('adoption', data, { ...ctx.deliveryOptions, jobId });
  return jobId;
}

/** The configured ministry connector, as the channel adoption feedback is sent over. */
export function adoptionChannelOf(ctx: Pick<JobContext, 'connectors'>): AdoptionChannel | null {
  const ministry = ctx.connectors.get('ministry') as (Partial<AdoptionChannel> & object) | undefined;
  return ministry && typeof ministry.submitFeedback === 'function' ? (ministry as AdoptionChannel) : null;
}

export async function processAdoption(ctx: JobContext, job: Job<AdoptionJobData>): Promise<SendAdoptionReport> {
  const channel = adoptionChannelOf(ctx);
  if (channel === null) {
    const missing = createError('LIFECERT_ADOPTION_CHANNEL_MISSING', 'this worker has no ministry connector configured');
    throw new UnrecoverableError(`${missing.code}: ${missing.message}`);
  }
  ctx.emit({ type: 'job-started', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId: '', task: 'adoption' });
  try {
    return await sendAdoptionFeedback({ db: ctx.db, channel, now: ctx.now, log: ctx.log });
  } catch (err) {
    if (isLifecertError(err) && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
}
