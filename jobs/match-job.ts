// The match of a run, once its pulls are done: one shard job per area code of the roster,
// added as this job's children, then this job waits for them (BullMQ's step pattern). The
// shards spread over every worker; memory stays bounded by one shard per job.
import { WaitingChildrenError } from 'bullmq';
import type { Job } from 'bullmq';
import { openRun, planShards, refreshMatchStatistics, rosterShards } from '../mirror/index.ts';
import type { JobContext } from './job-context.ts';
import { jobIds } from './queues.ts';
import type { MatchJobData, ShardJobData } from './queues.ts';

export type MatchJobResult = { status: 'matched' } | { status: 'run-finished' };

export async function processMatch(ctx: JobContext, job: Job<MatchJobData>, token: string | undefined): Promise<MatchJobResult> {
  const { runId, period, asOf, openedAt } = job.data;
  if (!(await openRun(ctx.db, runId, new Date(ctx.now()).toISOString()))) return { status: 'run-finished' };
  if (!job.data.planned) {
    // the pulls have just filled source_records: fresh statistics keep each shard's read on the roster-area index
    await refreshMatchStatistics(ctx.db);
    const shards = await rosterShards(ctx.db);
    await planShards(ctx.db, runId, shards.map((s) => s.areaCode));
    // ids derived from the run and area: re-running this step after a crash adds nothing twice
    await ctx.shardsQueue.addBulk(
      shards.map((s) => {
        const data: ShardJobData = { runId, period, asOf, areaCode: s.areaCode, openedAt };
        return { name: 'shard', data, opts: { ...ctx.shardOptions, jobId: jobIds.shard(runId, s.areaCode), parent: { id: job.id ?? '', queue: job.queueQualifiedName } } };
      }),
    );
    await job.updateData({ ...job.data, planned: true });
  }
  if (token !== undefined && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
  return { status: 'matched' };
}
