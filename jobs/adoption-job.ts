// One adoption send (article 14): decide the items not yet sent again, cut them into
// SubmitFeedback batches and send every batch not yet accepted. A failed attempt leaves its
// batch SENDING with its id; the job's backoff retries it with the same id.
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { sendAdoptionFeedback } from '../feedback/adoption.ts';
import type { AdoptionChannel, SendAdoptionReport } from '../feedback/adoption.ts';
import { createError, isLifecertError } from '../lib/errors.ts';
import type { JobContext } from './job-context.ts';
import type { AdoptionJobData } from './queues.ts';

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
