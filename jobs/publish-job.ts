// The run's closing job, reached only when every job under it succeeded: the match already
// published each shard as it decided it, so what is left is the run's summary (the sum of its
// shards) and its state, SUCCEEDED. Before that it queues what follows the run: the adoption
// send when the run pulled the ministry, and — the feedback step — the delivery of every
// channel with PENDING feedback items (the same jobs as the sweep and requestDelivery).
import type { Job } from 'bullmq';
import { completeRun, finishTask, shardResults, startTask } from '../mirror/index.ts';
import type { RunSummary } from '../schemas/runs.ts';
import type { JobContext } from './job-context.ts';
import type { PublishJobData } from './queues.ts';
import { queueAdoptionAfterRun } from './adoption-job.ts';
import { processSweep } from './deliver-job.ts';

export type PublishJobResult = { status: 'succeeded'; summary: RunSummary | null } | { status: 'run-finished' };

export async function processPublish(ctx: JobContext, job: Job<PublishJobData>): Promise<PublishJobResult> {
  const { runId, matched } = job.data;
  if ((await startTask(ctx.db, runId, 'publish', '', new Date(ctx.now()).toISOString())) === null) return { status: 'run-finished' };
  ctx.emit({ type: 'job-started', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId, task: '' });
  const summary = matched ? sumShards(await shardResults(ctx.db, runId)) : null;
  // queued before the run is closed: a failure here retries this job, which queues them again (same ids)
  if (job.data.sendAdoption) await queueAdoptionAfterRun(ctx, runId);
  if (job.data.deliverFeedback) {
    const channels = await processSweep(ctx, ctx.feedbackQueue);
    ctx.log.info({ event: 'run.feedback', runId, channels }, `feedback delivery queued for ${channels.length} channel(s): ${channels.join(', ') || 'none pending'}`);
  }
  const at = new Date(ctx.now()).toISOString();
  await finishTask(ctx.db, runId, 'publish', '', { state: 'SUCCEEDED', result: summary }, at);
  await completeRun(ctx.db, runId, summary, at);
  return { status: 'succeeded', summary };
}

export function sumShards(results: readonly unknown[]): RunSummary {
  const sum: RunSummary = { persons: 0, decisions: { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 }, casesOpened: 0, reminders: 0 };
  for (const r of results as Partial<RunSummary>[]) {
    sum.persons += r.persons ?? 0;
    sum.casesOpened += r.casesOpened ?? 0;
    sum.reminders += r.reminders ?? 0;
    for (const k of Object.keys(sum.decisions) as (keyof RunSummary['decisions'])[]) sum.decisions[k] += r.decisions?.[k] ?? 0;
  }
  return sum;
}
