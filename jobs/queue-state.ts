// Queue state for the gateway's /metrics and /readyz, read from Redis at scrape time: workers
// run in other processes (other machines), so nothing here is an in-process counter. Stalls
// are the one thing BullMQ does not keep: every worker adds the stalls it detects to one Redis
// hash (worker.ts), which this reads.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// BullMQ 6 keeps a paused queue's jobs in `waiting` and says so with isPaused()
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueState {
  queue: string;
  /** jobs per state now (completed and failed: those still kept, see job-options.ts) */
  counts: Record<JobState, number>;
  /** jobs found stalled (their worker stopped renewing the lock) since the queue was created */
  stalled: number;
  /** whether the queue is paused */
  paused: boolean;
}

/** The Redis hash holding stall counts per queue under this prefix. */
export function stallCountKey(prefix: string): string {
  return `${prefix}:lifecert:stalled`;
}

export async function readQueueStates(redis: Redis, prefix: string, queues: readonly Queue[]): Promise<QueueState[]> {
  const stalls = await redis.hgetall(stallCountKey(prefix));
  const out: QueueState[] = [];
  for (const q of queues) {
    const raw = await q.getJobCounts(...JOB_STATES);
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, raw[s] ?? 0])) as Record<JobState, number>;
    out.push({ queue: q.name, counts, stalled: Number(stalls[q.name] ?? 0), paused: await q.isPaused() });
  }
  return out;
}
