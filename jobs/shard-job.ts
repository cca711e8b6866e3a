// One area shard of a run's match: a thin wrapper over pipeline/match.ts — decide the shard
// with the pure engine, publish its results and cases in one transaction. Re-running it
// replaces the shard's results and never opens a second case, so a retry is always safe.
import type { Job } from 'bullmq';
import { finishTask, startTask } from '../mirror/index.ts';
import { isReminder } from '../matching/index.ts';
import { decideArea, publishArea } from '../pipeline/match.ts';
import type { RunSummary } from '../schemas/runs.ts';
import type { JobContext } from './job-context.ts';
import type { ShardJobData } from './queues.ts';

export type ShardJobResult = (RunSummary & { status: 'published' }) | { status: 'run-finished' };

export async function processShard(ctx: JobContext, job: Job<ShardJobData>): Promise<ShardJobResult> {
  const { runId, period, asOf, areaCode, openedAt } = job.data;
  const attempt = await startTask(ctx.db, runId, 'match', areaCode, new Date(ctx.now()).toISOString());
  if (attempt === null) return { status: 'run-finished' };
  ctx.emit({ type: 'job-started', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId, task: areaCode });
  const results = await decideArea(ctx.db, areaCode, period, asOf);
  const casesOpened = await publishArea(ctx.db, areaCode, period, runId, results, openedAt);
  const summary: RunSummary = { persons: results.length, decisions: { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 }, casesOpened, reminders: 0 };
  for (const r of results) {
    summary.decisions[r.decision] += 1;
    if (isReminder(r, period)) summary.reminders += 1;
  }
  await finishTask(ctx.db, runId, 'match', areaCode, { state: 'SUCCEEDED', result: summary }, new Date(ctx.now()).toISOString());
  return { status: 'published', ...summary };
}
