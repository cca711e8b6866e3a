// Feedback delivery as BullMQ jobs (workflow.md): a job per channel runs feedback/deliver.ts's
// deliverChannel — the same function the demo calls. While the channel is down the job waits
// itself out with capped exponential backoff (moved to delayed, never failed, never lost);
// deliverChannel fails the items after their 72 hours. The job id is the channel's, so a channel
// has at most one pass waiting or running; a sweep every minute queues every channel with
// PENDING items (what case outcomes, resends and new rejections leave behind, also when the API
// could not reach Redis), after making the REJECTED items of the rejections pulls quarantined. A worker killed mid-delivery leaves its items PENDING: the stalled
// job is taken again and sends them again, which the channel keeps once (feedbackId).
import { DelayedError } from 'bullmq';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { deliverChannel, deliveryBackoffMs } from '../feedback/deliver.ts';
import type { DeliveryResult } from '../feedback/deliver.ts';
import { storeRejectedFeedback } from '../feedback/deliver-rejected.ts';
import { chinaDate } from '../lib/china-time.ts';
import { channelsWithPending } from '../mirror/index.ts';
import type { JobContext } from './job-context.ts';
import { jobIds } from './queues.ts';
import type { DeliverJobData } from './queues.ts';

/** Delivery jobs leave no trace in Redis once done: a later pass of the channel must be addable under the same id. */
export const DELIVER_JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 5, backoff: { type: 'exponential', delay: 10_000 } };

export const SWEEP_SCHEDULER = 'feedback-sweep';
export const SWEEP_EVERY_MS = 60_000;

/** Queue a delivery pass for each channel (one waiting or running per channel). */
export async function queueDeliveries(queue: Queue, channels: readonly string[]): Promise<void> {
  await queue.addBulk(channels.map((channel) => ({ name: 'deliver', data: { channel } satisfies DeliverJobData, opts: { ...DELIVER_JOB_OPTIONS, jobId: jobIds.deliver(channel) } })));
}

export async function processDeliver(ctx: JobContext, job: Job<DeliverJobData>, token: string | undefined): Promise<DeliveryResult> {
  const { channel } = job.data;
  const result = await deliverChannel(ctx.db, channel, ctx.feedbackChannels, { signal: ctx.shutdown, log: ctx.log, now: ctx.now });
  if (!result.waiting) return result;
  // the channel could not take them now: come back later, capped exponential backoff
  const attempt = (job.data.attempt ?? 0) + 1;
  await job.updateData({ channel, attempt });
  await job.moveToDelayed(Date.now() + deliveryBackoffMs(attempt, ctx.feedbackBackoff.baseMs, ctx.feedbackBackoff.capMs), token);
  throw new DelayedError();
}

/**
 * The sweep: the REJECTED items of rejections the pulls have quarantined since (verified on the
 * China date of the rejection), then a delivery pass for every channel with PENDING items.
 */
export async function processSweep(ctx: JobContext, queue: Queue): Promise<string[]> {
  await storeRejectedFeedback(ctx.db, (r) => chinaDate(Date.parse(r.createdAt)));
  const channels = await channelsWithPending(ctx.db);
  await queueDeliveries(queue, channels);
  return channels;
}
