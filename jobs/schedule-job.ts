// A schedule fired (a BullMQ job scheduler added this job): start the run it describes. The
// run id comes from the scheduler and the firing time, so a firing processed twice (a worker
// died after starting the run) starts one run, and two workers never start two.
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { addMonths, chinaDate } from '../lib/china-time.ts';
import { enqueueRun } from './enqueue-run.ts';
import { JobsError } from './errors.ts';
import type { JobContext } from './job-context.ts';
import type { ScheduleJobData } from './queues.ts';
import { planRun } from './run-plan.ts';

export interface ScheduleJobResult {
  runId: string;
  created: boolean;
}

export async function processSchedule(ctx: JobContext, job: Job<ScheduleJobData>): Promise<ScheduleJobResult> {
  const firedAt = firingTime(job);
  const today = chinaDate(firedAt);
  const month = today.slice(0, 7);
  const period = job.data.period === 'previous' ? addMonths(month, -1) : month;
  let plan;
  try {
    plan = planRun(
      { period, asOf: today, steps: job.data.steps, connectors: job.data.connectors, requestedBy: `schedule:${job.data.schedule}` },
      ctx.available,
      firedAt,
      `run-${period}-${job.data.schedule}-${firedAt}`,
    );
  } catch (err) {
    // the schedule asks for something this configuration does not have: retrying cannot help
    if (err instanceof JobsError) throw new UnrecoverableError(`${err.code}: schedule ${job.data.schedule}: ${err.message}`);
    throw err;
  }
  return enqueueRun(ctx.enqueue, plan);
}

/** The slot the scheduler fired for: the millis at the end of its job id (`repeat:<name>:<millis>`). */
export function firingTime(job: Job): number {
  const last = (job.id ?? '').split(':').pop() ?? '';
  const millis = Number(last);
  return Number.isInteger(millis) && millis > 0 ? millis : job.timestamp;
}
