// A planned run into the mirror and onto the queues, as one BullMQ flow:
//
//   publish (runs)                 closes the run: summary, SUCCEEDED
//     └─ match (runs)              when the pulls are done: one shard job per area code, waits for them
//          ├─ pull ministry/DEATH  (pull-ministry)
//          ├─ pull police-4401/hukou (pull-police)
//          └─ ...
//
// Without the match, the pulls hang directly under publish; without the pull, match is a leaf
// until it plans its shards. The run row is written first, so a worker that takes a job always
// finds its run.
import type { FlowJob, FlowProducer, JobsOptions, Queue } from 'bullmq';
import { createRun, failRun } from '../mirror/index.ts';
import type { Db, NewTask } from '../mirror/index.ts';
import { JobsError } from './errors.ts';
import { jobIds, pullQueueName, RUNS_QUEUE, sourceOf } from './queues.ts';
import type { MatchJobData, PublishJobData, PullJobData } from './queues.ts';
import type { PlannedRun } from './run-plan.ts';

export interface EnqueueDeps {
  db: Db;
  flows: FlowProducer;
  /** the runs queue: to see whether a run's flow is already there */
  runsQueue: Queue;
  options: { child: JobsOptions; root: JobsOptions };
  /** how long adding the flow may take before the run is failed (default: no limit) */
  timeoutMs?: number;
  /** false while Redis is away: the run fails at once instead of waiting for it */
  isConnected?: () => Promise<boolean>;
}

/**
 * Records the run (QUEUED) and adds its flow. Idempotent per run id: a run already recorded
 * whose flow is in Redis is left alone; one recorded whose flow never made it (a crash between
 * the two) gets its flow now. When Redis refuses, the run is marked FAILED and
 * LIFECERT_JOBS_QUEUE_UNAVAILABLE thrown.
 */
export async function enqueueRun(deps: EnqueueDeps, plan: PlannedRun): Promise<{ runId: string; created: boolean }> {
  const { db } = deps;
  const tasks: NewTask[] = [...plan.pulls.map((p) => ({ step: 'pull' as const, task: `${p.channel}/${p.dataset}` })), { step: 'publish', task: '' }];
  const createdAt = new Date(plan.createdAt).toISOString();
  const created = await createRun(
    db,
    { runId: plan.runId, period: plan.period, asOf: plan.asOf, steps: plan.steps, connectors: plan.connectors, requestedBy: plan.requestedBy, createdAt },
    tasks,
  );
  try {
    if (deps.isConnected && !(await deps.isConnected())) throw new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', 'Redis is not connected');
    await withTimeout(deps.timeoutMs, async () => {
      if (!created && (await deps.runsQueue.getJob(jobIds.publish(plan.runId)))) return;
      await deps.flows.add(runFlow(plan, createdAt, deps.options));
    });
  } catch (err) {
    const message = `could not queue run ${plan.runId}: ${(err as Error).message}`;
    await failRun(db, plan.runId, { code: 'LIFECERT_JOBS_QUEUE_UNAVAILABLE', message }, new Date(Date.now()).toISOString()).catch(() => undefined);
    throw new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', message, { cause: err });
  }
  return { runId: plan.runId, created };
}

export function runFlow(plan: PlannedRun, openedAt: string, options: { child: JobsOptions; root: JobsOptions }): FlowJob {
  const pulls: FlowJob[] = plan.pulls.map((p) => {
    const source = sourceOf(p.channel);
    if (source === null) throw new JobsError('LIFECERT_JOBS_CONNECTOR_UNKNOWN', `channel ${p.channel} belongs to no known source`);
    const data: PullJobData = { runId: plan.runId, channel: p.channel, dataset: p.dataset, asOf: plan.asOf };
    return { name: 'pull', queueName: pullQueueName(source), data, opts: { ...options.child, jobId: jobIds.pull(plan.runId, p.channel, p.dataset) } };
  });
  const publish: PublishJobData = {
    runId: plan.runId, matched: plan.matches, sendAdoption: plan.pulls.some((p) => sourceOf(p.channel) === 'ministry'), deliverFeedback: plan.feedback,
  };
  const rootOpts = { ...options.root, jobId: jobIds.publish(plan.runId) };
  if (!plan.matches) {
    return pulls.length > 0
      ? { name: 'publish', queueName: RUNS_QUEUE, data: publish, opts: rootOpts, children: pulls }
      : { name: 'publish', queueName: RUNS_QUEUE, data: publish, opts: rootOpts };
  }
  const match: MatchJobData = { runId: plan.runId, period: plan.period, asOf: plan.asOf, openedAt };
  const matchJob: FlowJob = pulls.length > 0
    ? { name: 'match', queueName: RUNS_QUEUE, data: match, opts: { ...options.child, jobId: jobIds.match(plan.runId) }, children: pulls }
    : { name: 'match', queueName: RUNS_QUEUE, data: match, opts: { ...options.child, jobId: jobIds.match(plan.runId) } };
  return { name: 'publish', queueName: RUNS_QUEUE, data: publish, opts: rootOpts, children: [matchJob] };
}

/**
 * `fn`, failing after `ms`. A flow added after the timeout (Redis came back) finds its run
 * FAILED: every job then sees a finished run and does nothing.
 */
async function withTimeout(ms: number | undefined, fn: () => Promise<void>): Promise<void> {
  if (ms === undefined) return fn();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', `Redis did not answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
