// The configuration's schedules as BullMQ job schedulers on the runs queue. Upserting by name
// is idempotent, so every `serve` and `worker` does it at start and restarts never duplicate
// a schedule; schedulers no longer in the configuration are removed. The firing itself lives in
// Redis: however many workers run, each slot adds one job (schedule-job.ts starts its run).
import type { Queue } from 'bullmq';
import type { ScheduleConfig } from '../config/index.ts';
import { JobsError } from './errors.ts';
import type { ScheduleJobData } from './queues.ts';

export interface ScheduleState {
  name: string;
  cron: string | null;
  every: number | null;
  tz: string | null;
  /** the next firing, ms; null when unknown */
  next: number | null;
}

export async function upsertSchedules(runsQueue: Queue, schedules: readonly ScheduleConfig[]): Promise<void> {
  const wanted = new Set(schedules.map((s) => s.name));
  for (const s of schedules) {
    const data: ScheduleJobData = { schedule: s.name, period: s.run.period ?? 'current' };
    if (s.run.steps) data.steps = s.run.steps;
    if (s.run.connectors) data.connectors = s.run.connectors;
    const repeat = s.cron !== undefined ? { pattern: s.cron, tz: s.tz ?? 'Asia/Shanghai' } : { every: s.every };
    await upsertOne(runsQueue, s.name, repeat, data);
  }
  for (const existing of await runsQueue.getJobSchedulers(0, -1)) {
    const id = existing.id ?? existing.key;
    if (!wanted.has(id)) await runsQueue.removeJobScheduler(id);
  }
}

async function upsertOne(runsQueue: Queue, name: string, repeat: { pattern: string; tz: string } | { every: number | undefined }, data: ScheduleJobData): Promise<void> {
  try {
    await runsQueue.upsertJobScheduler(name, repeat, {
      name: 'schedule',
      data,
      // a firing that failed (a configuration the workers lack) stays visible for two weeks
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 86_400, count: 1_000 }, removeOnFail: { age: 14 * 86_400 } },
    });
  } catch (err) {
    // BullMQ parses the pattern and time zone here (cron-parser); say which schedule is wrong
    const reached = await runsQueue.getJobSchedulersCount().then(() => true, () => false);
    if (!reached) throw err;
    const what = 'pattern' in repeat ? `cron '${repeat.pattern}' in ${repeat.tz}` : `every ${repeat.every} ms`;
    throw new JobsError('LIFECERT_JOBS_SCHEDULE_INVALID', `schedule '${name}' (${what}) cannot be scheduled: ${(err as Error).message}`, { cause: err });
  }
}

export async function listSchedules(runsQueue: Queue): Promise<ScheduleState[]> {
  const all = await runsQueue.getJobSchedulers(0, -1, true);
  return all.map((s) => ({ name: s.id ?? s.key, cron: s.pattern ?? null, every: s.every ?? null, tz: s.tz ?? null, next: s.next ?? null }));
}
