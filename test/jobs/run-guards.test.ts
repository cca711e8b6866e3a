// What keeps queued pulls safe when many run at once: one pull per (channel, dataset) across
// runs and workers, the per-source cap on pulls at once across workers, and a pull that keeps
// failing failing its run (with the error's code) instead of leaving it waiting.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxSources } from '../../sandbox/hub-sources.ts';
import type { HubConfig } from '../../config/index.ts';
import { createSchemaValidator } from '../../connectors/kit/config.ts';
import { createJobs, JobsError, runStatusSchema, startWorker } from '../../jobs/index.ts';
import type { Jobs, WorkerEvent, WorkerHandle } from '../../jobs/index.ts';
import { generateWorld } from '../../sandbox/generate.ts';
import type { GeneratedWorld } from '../../sandbox/generate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix, waitForRun } from './helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import type { Mirror } from './helpers.ts';

interface PullSpan {
  run_id: string;
  dataset: string;
  started_at: string;
  finished_at: string;
  pulled: number;
}

const ms = (iso: string) => Date.parse(iso);
const validateStatus = createSchemaValidator().compile(runStatusSchema);

/** Pairs of pulls (of one dataset, or of any dataset when `sameDataset` is false) that ran at the same time. */
function overlaps(spans: PullSpan[], sameDataset: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i];
      const b = spans[j];
      if (sameDataset && a.dataset !== b.dataset) continue;
      if (ms(a.started_at) < ms(b.finished_at) && ms(b.started_at) < ms(a.finished_at)) out.push(`${a.run_id}/${a.dataset} ∩ ${b.run_id}/${b.dataset}`);
    }
  }
  return out;
}

describe('jobs: pulls that run at once (PostgreSQL, Redis, sandbox sources)', function () {
  requirePostgres();
  requireRedis();
  this.timeout(300_000);
  let generated: GeneratedWorld;
  let sandbox: Sandbox | undefined;
  let civilDir = '';
  let mirror: Mirror | undefined;
  let sources: HubConfig['sources'];
  const opened: { prefix: string; jobs: Jobs; workers: WorkerHandle[] }[] = [];

  async function open(config: HubConfig, workers: number, options: { pageSize?: number; pull?: number; attempts?: number } = {}) {
    const prefix = uniquePrefix();
    const jobs = createJobs({ db: mirror!.db, redisUrl: REDIS_URL, config, prefix, retry: { attempts: options.attempts ?? 3, backoffMs: 100 } });
    const events: WorkerEvent[] = [];
    const handles: WorkerHandle[] = [];
    const entry = { prefix, jobs, workers: handles };
    opened.push(entry);
    for (let i = 0; i < workers; i++) {
      handles.push(await startWorker({
        db: mirror!.db, redisUrl: REDIS_URL, config, prefix, pageSize: options.pageSize, lockBusyDelayMs: 100,
        concurrency: { pull: options.pull ?? 3 }, onEvent: (e) => events.push(e),
      }));
    }
    return { jobs, events };
  }

  before(async function () {
    generated = generateWorld({ persons: 400, seed: 'jobs-guards', faults: true });
    civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-jobs-guards-'));
    sandbox = await startSandbox({ world: generated.world, civilDir, port: 0 });
    mirror = await mirrorWithRoster(generated.world.roster);
    sources = sandboxSources(sandbox.url, civilDir, Object.keys(generated.world.sources.police ?? {}));
  });

  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await Promise.all(o.workers.map((w) => w.close()));
      await o.jobs.close();
      await dropPrefix(o.prefix);
    }
  });

  after(async () => {
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await sandbox?.close();
    if (civilDir) fs.rmSync(civilDir, { recursive: true, force: true });
  });

  it('two runs started together never pull one dataset at the same time; one of them gets the whole first pull', async () => {
    const { world, expected } = generated;
    const { jobs, events } = await open({ sources, schedules: [], pullLimits: {} }, 2, { pageSize: 2 });
    const request = { period: world.period, asOf: world.asOf, steps: ['pull' as const], connectors: ['police-4401'], requestedBy: 't' };
    const [r1, r2] = await Promise.all([jobs.startRun(request), jobs.startRun(request)]);
    const runs = [await waitForRun(jobs, r1.runId), await waitForRun(jobs, r2.runId)];
    for (const r of runs) assert.equal(r.state, 'SUCCEEDED', JSON.stringify(r.error));
    const spans = await mirror!.db.query<PullSpan>(
      `SELECT run_id, dataset, started_at, finished_at, pulled FROM pulls WHERE run_id = ANY($1::text[]) AND channel = 'police-4401' ORDER BY started_at`,
      [[r1.runId, r2.runId]],
    );
    assert.deepEqual(overlaps(spans.rows, true), []);
    assert.ok(events.some((e) => e.type === 'job-requeued' && e.reason === 'dataset-busy'), 'the second pull found the dataset busy and waited');
    const pulled = runs.map((r) => r.datasets[0].pulled).sort((a, b) => b - a);
    assert.equal(pulled[0], expected.counts['police-4401/hukou'].pulled, 'the first pull took everything');
    assert.ok(pulled[1] < pulled[0], 'the second started from the cursor the first committed');
  });

  it('a per-source cap on pulls at once holds across two workers', async () => {
    const config: HubConfig = { sources, schedules: [], pullLimits: { ministry: { concurrency: 1 } } };
    const { jobs } = await open(config, 2, { pull: 3 });
    const { runId } = await jobs.startRun({ period: generated.world.period, asOf: generated.world.asOf, steps: ['pull'], connectors: ['ministry'], requestedBy: 't' });
    const run = await waitForRun(jobs, runId);
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    const spans = await mirror!.db.query<PullSpan>(`SELECT run_id, dataset, started_at, finished_at, pulled FROM pulls WHERE run_id = $1 ORDER BY started_at`, [runId]);
    assert.equal(spans.rows.length, 7);
    assert.deepEqual(overlaps(spans.rows, false), [], 'ministry pulls one at a time');
  });

  it('with Redis away, starting a run fails at once (the run recorded FAILED) and runs can still be read', async () => {
    const away = createJobs({ db: mirror!.db, redisUrl: 'redis://127.0.0.1:1', config: { sources, schedules: [], pullLimits: {} }, prefix: uniquePrefix() });
    try {
      assert.equal(await away.ping(), false);
      await assert.rejects(away.startRun({ period: generated.world.period, steps: ['match'], requestedBy: 't' }), (err: unknown) => {
        assert.ok(err instanceof JobsError);
        assert.equal(err.code, 'LIFECERT_JOBS_QUEUE_UNAVAILABLE');
        assert.equal(err.httpStatus, 503);
        return true;
      });
      const [failed] = await away.listRuns({ limit: 1 });
      assert.equal(failed.state, 'FAILED');
      assert.equal(failed.error?.code, 'LIFECERT_JOBS_QUEUE_UNAVAILABLE');
      await assert.rejects(away.queueCounts(), /Redis at redis:\/\/127\.0\.0\.1:1\/? is not connected/);
    } finally {
      await away.close();
    }
  });

  it('a pull that keeps failing fails its run with the error’s code; the rest of the flow stops', async () => {
    const broken: HubConfig = { sources: { ...sources, health: { ...sources.health, apiKey: 'not-the-key' } }, schedules: [], pullLimits: {} };
    const { jobs, events } = await open(broken, 1, { attempts: 2 });
    const { runId } = await jobs.startRun({ period: generated.world.period, asOf: generated.world.asOf, connectors: ['health'], requestedBy: 't' });
    const run = await waitForRun(jobs, runId);
    assert.equal(run.state, 'FAILED');
    assert.ok(validateStatus(run), JSON.stringify(validateStatus.errors));
    assert.equal(run.error?.code, 'INGEST_DATASET_FAILED');
    assert.match(run.error?.message ?? '', /health\/[a-z-]+/);
    assert.equal(run.progress.pull?.state, 'FAILED');
    assert.equal(run.progress.match?.total, null, 'the match never planned its shards');
    // BullMQ fails the parents of the failed pull in turn (failParentOnFailure): publish never ran
    assert.ok(['QUEUED', 'FAILED'].includes(run.progress.publish?.state ?? ''), 'the run never closed');
    assert.notEqual(run.finishedAt, null, 'a failed run has finished');
    assert.equal(run.summary, null);
    const failed = events.filter((e) => e.type === 'job-failed');
    assert.ok(failed.some((e) => e.type === 'job-failed' && e.final), 'a final failure');
    assert.ok(failed.some((e) => e.type === 'job-failed' && !e.final), 'after a retry');
  });
});
