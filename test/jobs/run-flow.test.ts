// A run as a BullMQ flow, in one process: the API side (createJobs) starts it, a worker
// (startWorker) does it, against real PostgreSQL and Redis and a generated world served by the
// sandbox. The run's per-dataset counts are the generator's, its results are the generator's,
// and the mirror's run record says what happened.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxSources } from '../../sandbox/hub-sources.ts';
import { createSchemaValidator } from '../../connectors/kit/config.ts';
import type { HubConfig } from '../../config/index.ts';
import { createJobs, JobsError, startWorker, workerPoolSize } from '../../jobs/index.ts';
import { runStatusSchema } from '../../jobs/index.ts';
import type { Jobs, RunStatus, WorkerEvent, WorkerHandle } from '../../jobs/index.ts';
import { readResults } from '../../mirror/index.ts';
import { generateWorld, resultDifferences } from '../../sandbox/generate.ts';
import type { GeneratedWorld } from '../../sandbox/generate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import type { Result } from '../../schemas/types.ts';
import { countsOf, dropPrefix, mirrorWithRoster, REDIS_URL, sortKeys, uniquePrefix, waitForRun } from './helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import type { Mirror } from './helpers.ts';

const validateStatus = createSchemaValidator().compile(runStatusSchema);

/** A status as the API serves it: it must match the response schema the gateway publishes. */
function assertSchema(status: RunStatus | null): void {
  assert.ok(validateStatus(status), JSON.stringify(validateStatus.errors));
}

describe('jobs: a run as a BullMQ flow (PostgreSQL, Redis, sandbox sources)', function () {
  requirePostgres();
  requireRedis();
  this.timeout(300_000);
  let generated: GeneratedWorld;
  let sandbox: Sandbox | undefined;
  let civilDir: string;
  let mirror: Mirror | undefined;
  let config: HubConfig;
  let jobs: Jobs | undefined;
  let worker: WorkerHandle | undefined;
  const prefix = uniquePrefix();
  const events: WorkerEvent[] = [];

  before(async function () {
    generated = generateWorld({ persons: 400, seed: 'jobs-flow', faults: true });
    civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-jobs-'));
    sandbox = await startSandbox({ world: generated.world, civilDir, port: 0 });
    mirror = await mirrorWithRoster(generated.world.roster, workerPoolSize({ pull: 2, shards: 2 }) + 5);
    config = { sources: sandboxSources(sandbox.url, civilDir, Object.keys(generated.world.sources.police ?? {})), schedules: [], pullLimits: {} };
    jobs = createJobs({ db: mirror.db, redisUrl: REDIS_URL, config, prefix });
    worker = await startWorker({ db: mirror.db, redisUrl: REDIS_URL, config, prefix, concurrency: { pull: 2, shards: 2 }, onEvent: (e) => events.push(e) });
  });

  after(async () => {
    await worker?.close();
    await jobs?.close();
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await sandbox?.close();
    if (civilDir) fs.rmSync(civilDir, { recursive: true, force: true });
    // nothing was queued when the suite was skipped (and Redis may not be there to ask)
    if (jobs || worker) await dropPrefix(prefix);
  });

  it('pulls every dataset, matches every shard and closes the run: counts and results are the generator’s', async () => {
    const { world, expected } = generated;
    const { runId } = await jobs!.startRun({ period: world.period, asOf: world.asOf, requestedBy: 'test-operator' });
    const queued = await jobs!.getRun(runId);
    assert.ok(queued, 'the run is recorded as soon as it is started');
    assert.ok(['QUEUED', 'RUNNING'].includes(queued.state));
    assert.equal(queued.datasets.length, Object.keys(expected.counts).length, 'one pull per (channel, dataset)');

    assertSchema(queued);
    const run = await waitForRun(jobs!, runId);
    assertSchema(run);
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    assert.deepEqual(sortKeys(countsOf(run)), sortKeys(expected.counts));
    assert.deepEqual(run.steps, ['pull', 'match', 'publish']);
    assert.equal(run.requestedBy, 'test-operator');
    assert.ok(run.startedAt && run.finishedAt && run.startedAt <= run.finishedAt);
    const shardsTotal = new Set(world.roster.map((r) => r.areaCode)).size;
    assert.deepEqual(run.progress.pull, { state: 'SUCCEEDED', total: run.datasets.length, queued: 0, running: 0, succeeded: run.datasets.length, failed: 0 });
    assert.deepEqual(run.progress.match, { state: 'SUCCEEDED', total: shardsTotal, queued: 0, running: 0, succeeded: shardsTotal, failed: 0 });
    assert.equal(run.progress.publish?.state, 'SUCCEEDED');

    const results: Result[] = [];
    for await (const r of readResults(mirror!.db, world.period)) results.push(r);
    assert.equal(results.length, world.roster.length);
    assert.deepEqual(results.flatMap((r) => resultDifferences(r, expected.results[r.personId])), []);
    assert.equal(run.summary?.persons, world.roster.length);
    const suspects = results.filter((r) => r.decision === 'suspect').length;
    assert.equal(run.summary?.decisions.suspect, suspects);

    const started = events.filter((e) => e.type === 'job-started' && 'runId' in e && e.runId === runId);
    assert.equal(started.filter((e) => e.type === 'job-started' && e.name === 'shard').length, shardsTotal, 'one shard job per area code');
  });

  it('a pull-only run of one source pulls only its datasets and closes without a summary', async () => {
    const { runId } = await jobs!.startRun({ period: generated.world.period, asOf: generated.world.asOf, steps: ['pull'], connectors: ['health'], requestedBy: 'test-integrator' });
    const run = await waitForRun(jobs!, runId);
    assertSchema(run);
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    assert.deepEqual(run.connectors, ['health']);
    assert.deepEqual(run.datasets.map((d) => `${d.channel}/${d.dataset}`).sort(), Object.keys(generated.expected.counts).filter((k) => k.startsWith('health/')).sort());
    assert.deepEqual(Object.keys(run.progress), ['pull']);
    assert.equal(run.summary, null);
    // the cursor was committed by the first run: this pull is incremental
    const pulled = run.datasets.reduce((s, d) => s + d.pulled, 0);
    const first = Object.entries(generated.expected.counts).filter(([k]) => k.startsWith('health/')).reduce((s, [, c]) => s + c.pulled, 0);
    assert.ok(pulled < first, `incremental: ${pulled} < ${first}`);
  });

  it('a source name stands for every configured channel of it', async () => {
    const { runId } = await jobs!.startRun({ period: generated.world.period, asOf: generated.world.asOf, steps: ['pull'], connectors: ['police'], requestedBy: 't' });
    const run = await waitForRun(jobs!, runId);
    assert.equal(run.state, 'SUCCEEDED');
    assert.deepEqual(run.connectors, Object.keys(generated.world.sources.police ?? {}).map((c) => `police-${c}`).sort());
  });

  it('refuses a bad request with a clear error and records nothing', async () => {
    const before = (await jobs!.listRuns({ limit: 1000 })).length;
    const refused = async (req: Parameters<Jobs['startRun']>[0], code: string, message: RegExp) => {
      await assert.rejects(jobs!.startRun(req), (err: unknown) => {
        assert.ok(err instanceof JobsError);
        assert.equal(err.code, code);
        assert.match(err.message, message);
        return true;
      });
    };
    await refused({ period: '2026-13', requestedBy: 't' }, 'LIFECERT_JOBS_REQUEST_INVALID', /period/);
    await refused({ period: '2026-11', asOf: '2026-02-30', requestedBy: 't' }, 'LIFECERT_JOBS_REQUEST_INVALID', /2026-02-30 is not a calendar date/);
    await refused({ period: '2026-11', steps: ['pull', 'dance' as 'pull'], requestedBy: 't' }, 'LIFECERT_JOBS_REQUEST_INVALID', /steps/);
    await refused({ period: '2026-11', connectors: ['police-9999'], requestedBy: 't' }, 'LIFECERT_JOBS_CONNECTOR_UNKNOWN', /police-9999/);
    await refused({ period: '2026-11', steps: ['match'], connectors: ['health'], requestedBy: 't' }, 'LIFECERT_JOBS_REQUEST_INVALID', /no pull step/);
    await refused({ period: '2026-11', requestedBy: ' ' }, 'LIFECERT_JOBS_REQUEST_INVALID', /requestedBy/);
    assert.equal((await jobs!.listRuns({ limit: 1000 })).length, before);
    assert.equal(await jobs!.getRun('run-that-never-was'), null);
  });

  it('upserts the configured schedules idempotently, removes ones no longer configured, names one it cannot schedule', async () => {
    const schedulePrefix = uniquePrefix();
    const withSchedules = (schedules: HubConfig['schedules']) => createJobs({ db: mirror!.db, redisUrl: REDIS_URL, config: { ...config, schedules }, prefix: schedulePrefix });
    const nightly = { name: 'nightly-pull', cron: '0 2 * * *', tz: 'Asia/Shanghai', run: { steps: ['pull' as const], period: 'current' as const } };
    const monthly = { name: 'monthly-match', cron: '0 6 1 * *', tz: 'Asia/Shanghai', run: { period: 'current' as const } };
    const handles: Jobs[] = [];
    try {
      const both = withSchedules([nightly, monthly]);
      handles.push(both);
      await both.upsertSchedules();
      await both.upsertSchedules(); // a restart
      const listed = await both.schedules();
      assert.deepEqual(listed.map((x) => [x.name, x.cron, x.tz]).sort(), [['monthly-match', '0 6 1 * *', 'Asia/Shanghai'], ['nightly-pull', '0 2 * * *', 'Asia/Shanghai']]);
      // the next nightly firing is 02:00 China time
      const next = listed.find((x) => x.name === 'nightly-pull')?.next ?? 0;
      assert.equal(new Date(next + 8 * 3600_000).toISOString().slice(11, 19), '02:00:00');

      const one = withSchedules([nightly]);
      handles.push(one);
      await one.upsertSchedules();
      assert.deepEqual((await one.schedules()).map((x) => x.name), ['nightly-pull']);

      const bad = withSchedules([{ ...nightly, cron: '61 2 * * *' }]);
      handles.push(bad);
      await assert.rejects(bad.upsertSchedules(), (err: unknown) => {
        assert.ok(err instanceof JobsError);
        assert.equal(err.code, 'LIFECERT_JOBS_SCHEDULE_INVALID');
        assert.match(err.message, /schedule 'nightly-pull' \(cron '61 2 \* \* \*' in Asia\/Shanghai\) cannot be scheduled/);
        return true;
      });
    } finally {
      for (const h of handles) await h.close();
      await dropPrefix(schedulePrefix);
    }
  });

  it('reads queue state from Redis and run durations from the mirror', async () => {
    const states = await jobs!.queueCounts();
    assert.deepEqual(states.map((s) => s.queue).sort(), ['adoption', 'feedback', 'imports', 'pull-bigdata', 'pull-civil', 'pull-health', 'pull-ministry', 'pull-police', 'runs', 'shards']);
    const shards = states.find((s) => s.queue === 'shards');
    assert.ok(shards && shards.counts.completed >= new Set(generated.world.roster.map((r) => r.areaCode)).size, 'completed shard jobs are kept and counted');
    for (const s of states) assert.equal(s.counts.active + s.counts.waiting, 0, `${s.queue} is idle`);
    const durations = await jobs!.runDurations();
    assert.equal(durations.length, 3);
    for (const d of durations) assert.ok(d.seconds >= 0 && d.state === 'SUCCEEDED');
    const after = await jobs!.runDurations({ finishedAfter: durations[0].finishedAt });
    assert.deepEqual(after.map((d) => d.runId), durations.slice(1).map((d) => d.runId));
    assert.deepEqual(await jobs!.runCounts(), { QUEUED: 0, RUNNING: 0, SUCCEEDED: 3, FAILED: 0 });
    assert.equal(await jobs!.ping(), true);
  });
});
