// Retry and retention of each kind of job. Retries are for what a worker cannot see coming
// (the database restarting, a source down longer than the connector's own retries); a job
// that exhausts them fails its parent, so the run fails instead of waiting forever.
import type { JobsOptions } from 'bullmq';

const DAY_S = 86_400;

/** Completed jobs stay a day (the queue board shows them); failed ones two weeks. The mirror keeps the record. */
const retention: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: DAY_S, count: 10_000 },
  removeOnFail: { age: 14 * DAY_S },
};

export interface RetryOptions {
  /** tries per job, the first included (default 3) */
  attempts?: number;
  /** first backoff in ms, doubled per retry (default 5000) */
  backoffMs?: number;
}

export function jobOptions(retry: RetryOptions = {}): { child: JobsOptions; root: JobsOptions } {
  const base: JobsOptions = {
    attempts: retry.attempts ?? 3,
    backoff: { type: 'exponential', delay: retry.backoffMs ?? 5_000 },
    ...retention,
  };
  return { child: { ...base, failParentOnFailure: true }, root: base };
}

/**
 * Deliveries out of the hub (a batch import, an adoption send): more and longer retries than a
 * run's jobs, since the far side may be down for hours; every retry sends the same batch id.
 * Default 10 attempts from 30 s, doubled each time (about 8.5 hours in all).
 */
export function deliveryJobOptions(retry: RetryOptions = {}): JobsOptions {
  return {
    attempts: retry.attempts ?? 10,
    backoff: { type: 'exponential', delay: retry.backoffMs ?? 30_000 },
    ...retention,
  };
}
