// `lifecert worker` processes against real PostgreSQL and Redis, the sources served by the
// sandbox in its own process, the configuration file with its secrets in the environment — as
// an operator runs them. `lifecert run` (no Redis) on its own mirror is the reference: a run
// queued to two workers gives the same results table and the generator's per-dataset counts,
// also when one worker is killed with SIGKILL in the middle of a pull; SIGTERM commits the page
// in hand and exits 0 without losing anything; a schedule fires once per slot with two workers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadHubConfig } from '../../config/index.ts';
import { createJobs } from '../../jobs/index.ts';
import type { Jobs, RunStatus, WorkerEvent } from '../../jobs/index.ts';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { generateWorld, writeWorld } from '../../sandbox/generate.ts';
import { spawnSandbox } from '../../sandbox/child.ts';
import type { SandboxProcess } from '../../sandbox/child.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { countsOf, dropPrefix, mirrorWithRoster, REDIS_URL, sortKeys, uniquePrefix, waitForRun } from './helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import type { Mirror } from './helpers.ts';
import { spawnWorker, stopWorker } from './worker-process.ts';
import type { WorkerProcess } from './worker-process.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');
const exec = promisify(execFile);
// small pages make a pull long enough to be interrupted in the middle; short lock and stall
// intervals make a dead worker's jobs come back in seconds
const WORKER_ARGS = ['--page-size', '10', '--lock-ms', '3000', '--stalled-interval-ms', '1000', '--no-schedules'];
// the largest dataset of the world: 260 records, 26 pages of 10
const LONG_PULL = { channel: 'ministry', dataset: 'AUTH' };

/** The mirror's published state, without what differs by run (run id, decision time, case opening time). */
async function publishedState(db: Db, period: string): Promise<{ results: unknown[]; cases: unknown[] }> {
  const results = await db.query(
    `SELECT period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until, risk_level,
            overpaid_months, overpaid_amount_fen, evidence FROM results WHERE period = $1 ORDER BY person_id`,
    [period],
  );
  const cases = await db.query(`SELECT case_id, period, person_id, area_code, reasons, evidence, status FROM cases WHERE period = $1 ORDER BY case_id`, [period]);
  return { results: results.rows, cases: cases.rows };
}

const isPage = (e: WorkerEvent, minSeq: number) => e.type === 'page' && e.channel === LONG_PULL.channel && e.dataset === LONG_PULL.dataset && e.seq >= minSeq;

describe('lifecert worker processes (PostgreSQL, Redis, sandbox process)', function () {
  requirePostgres();
  requireRedis();
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-workers-'));
  const generated = generateWorld({ persons: 400, seed: 'jobs-workers', faults: true });
  const { world, expected } = generated;
  let sandbox: SandboxProcess | undefined;
  let reference: ScratchPostgres | undefined;
  let referenceState: { results: unknown[]; cases: unknown[] };
  const secrets: NodeJS.ProcessEnv = {
    T_MINISTRY_PASSWORD: SANDBOX_CREDENTIALS.ministry.password,
    T_BIGDATA_SECRET: SANDBOX_CREDENTIALS.bigdata.appSecret,
    T_POLICE_SECRET: SANDBOX_CREDENTIALS.police.clientSecret,
    T_HEALTH_KEY: SANDBOX_CREDENTIALS.health.apiKey,
  };

  function writeConfig(file: string, schedules: unknown[] = []): string {
    const c = SANDBOX_CREDENTIALS;
    const url = sandbox!.url;
    const civilDir = path.join(dir, 'civil');
    const config = {
      sources: {
        ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'T_MINISTRY_PASSWORD' } },
        bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'T_BIGDATA_SECRET' } },
        police: Object.keys(world.sources.police ?? {}).map((city) => ({ city, url: `${url}/police/${city}`, clientId: c.police.clientId, clientSecret: { env: 'T_POLICE_SECRET' } })),
        civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox') },
        health: { url: `${url}/health`, apiKey: { env: 'T_HEALTH_KEY' } },
      },
      schedules,
    };
    const target = path.join(dir, file);
    fs.writeFileSync(target, JSON.stringify(config, null, 2));
    return target;
  }

  /** One test's world: its own mirror (with the roster), queue prefix, API side and workers. */
  interface Setup {
    mirror: Mirror;
    prefix: string;
    jobs: Jobs;
    env: NodeJS.ProcessEnv;
    workers: WorkerProcess[];
  }
  const setups: Setup[] = [];

  async function setup(options: { roster?: boolean; configFile?: string } = {}): Promise<Setup> {
    const configFile = options.configFile ?? path.join(dir, 'lifecert.config.json');
    const mirror = options.roster === false ? await emptyMirror() : await mirrorWithRoster(world.roster);
    const prefix = uniquePrefix();
    const env = { PATH: process.env.PATH, DATABASE_URL: mirror.scratch.url, REDIS_URL, LIFECERT_QUEUE_PREFIX: prefix, LIFECERT_CONFIG: configFile, ...secrets };
    const jobs = createJobs({ db: mirror.db, redisUrl: REDIS_URL, config: loadHubConfig(configFile, env), prefix });
    const s = { mirror, prefix, jobs, env, workers: [] };
    setups.push(s);
    return s;
  }

  async function emptyMirror(): Promise<Mirror> {
    const scratch = await createScratchPostgres();
    const db = await openDatabase({ databaseUrl: scratch.url });
    await migrate(db);
    return { scratch, db };
  }

  async function worker(s: Setup, args: string[] = WORKER_ARGS): Promise<WorkerProcess> {
    const w = await spawnWorker({ env: s.env, cwd: dir, args });
    s.workers.push(w);
    return w;
  }

  function assertReference(run: RunStatus, state: { results: unknown[]; cases: unknown[] }): void {
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    assert.deepEqual(sortKeys(countsOf(run)), sortKeys(expected.counts), 'per-dataset counts are the generator’s');
    assert.equal(state.results.length, world.roster.length);
    assert.deepEqual(state.results, referenceState.results, 'the results table is lifecert run’s');
    assert.deepEqual(state.cases, referenceState.cases, 'the cases are lifecert run’s');
  }

  before(async function () {
    const worldFile = writeWorld(generated, { world: path.join(dir, 'world.json') }).world;
    fs.mkdirSync(path.join(dir, 'civil'), { recursive: true });
    sandbox = await spawnSandbox({ worldFile, civilDir: path.join(dir, 'civil') });
    writeConfig('lifecert.config.json');
    // the reference: the same world through `lifecert run`, no Redis
    const ref = await mirrorWithRoster(world.roster);
    reference = ref.scratch;
    try {
      const env = { PATH: process.env.PATH, DATABASE_URL: ref.scratch.url, ...secrets };
      const out = await exec(process.execPath, [BIN, 'run', '--period', world.period, '--as-of', world.asOf], { env, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
      for (const [key, c] of Object.entries(expected.counts)) {
        assert.ok(out.stdout.includes(`${key.padEnd(32)} pulled ${c.pulled} staged ${c.staged} rejected ${c.rejected} skipped ${c.skipped}`), `lifecert run counts of ${key}`);
      }
      referenceState = await publishedState(ref.db, world.period);
    } finally {
      await ref.db.close();
    }
  });

  afterEach(async () => {
    for (const s of setups.splice(0)) {
      await Promise.all(s.workers.map((w) => stopWorker(w)));
      await s.jobs.close();
      await s.mirror.db.close();
      await s.mirror.scratch.drop();
      await dropPrefix(s.prefix);
    }
  });

  after(async () => {
    await sandbox?.close();
    await reference?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a run queued to two workers gives lifecert run’s results table and the generator’s counts', async () => {
    const s = await setup();
    const [a, b] = await Promise.all([worker(s), worker(s)]);
    const { runId } = await s.jobs.startRun({ period: world.period, asOf: world.asOf, requestedBy: 'test-operator' });
    const run = await waitForRun(s.jobs, runId);
    assertReference(run, await publishedState(s.mirror.db, world.period));
    // both took work: the run was spread, not done by one
    for (const w of [a, b]) assert.ok(w.events.some((e) => e.type === 'job-completed'), `worker ${w.pid} completed jobs`);
  });

  it('kill -9 of a worker in the middle of a pull: the other finishes the run, results and counts unchanged', async () => {
    const s = await setup();
    const [a, b] = await Promise.all([worker(s), worker(s)]);
    const { runId } = await s.jobs.startRun({ period: world.period, asOf: world.asOf, requestedBy: 'test-operator' });
    // whichever worker pulls the long dataset dies after its second committed page
    const victim = await Promise.any([a, b].map((w) => w.waitFor((e) => isPage(e, 2)).then(() => w)));
    victim.kill('SIGKILL');
    const survivor = victim === a ? b : a;
    const gone = await victim.exited;
    assert.equal(gone.signal, 'SIGKILL');

    const run = await waitForRun(s.jobs, runId);
    assertReference(run, await publishedState(s.mirror.db, world.period));
    const pulls = await s.mirror.db.query<{ status: string; pages: number }>(
      `SELECT status, pages FROM pulls WHERE run_id = $1 AND channel = $2 AND dataset = $3 ORDER BY pull_id`,
      [runId, LONG_PULL.channel, LONG_PULL.dataset],
    );
    // the dead worker's pull stopped part way, and the survivor resumed it from the committed cursor
    assert.ok(pulls.rows.length >= 2, JSON.stringify(pulls.rows));
    assert.equal(pulls.rows[0].status, 'aborted');
    assert.ok(pulls.rows[0].pages >= 2, 'the dead pull had committed pages');
    assert.equal(pulls.rows.at(-1)?.status, 'succeeded');
    const dataset = run.datasets.find((d) => d.channel === LONG_PULL.channel && d.dataset === LONG_PULL.dataset);
    assert.ok(dataset && dataset.attempts >= 2, 'the pull was started again');
    assert.ok(survivor.events.some((e) => e.type === 'stalled' || (e.type === 'job-started' && e.task === `${LONG_PULL.channel}/${LONG_PULL.dataset}`)));
    const states = await s.jobs.queueCounts();
    assert.ok(states.reduce((n, q) => n + q.stalled, 0) >= 1, 'the stall was counted in Redis');
  });

  it('SIGTERM: the worker commits the page in hand and exits 0; a new worker finishes with nothing lost', async () => {
    const s = await setup();
    const first = await worker(s);
    const { runId } = await s.jobs.startRun({ period: world.period, asOf: world.asOf, requestedBy: 'test-operator' });
    await first.waitFor((e) => isPage(e, 2));
    first.kill('SIGTERM');
    const exit = await first.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, first.stderr());
    assert.ok(first.events.some((e) => e.type === 'job-requeued' && e.reason === 'shutdown' && e.task === `${LONG_PULL.channel}/${LONG_PULL.dataset}`));
    assert.ok(first.events.some((e) => e.type === 'closed'));

    // every page the worker reported was committed, and nothing after the last one
    const lastSeq = Math.max(...first.events.filter((e) => isPage(e, 1)).map((e) => (e as { seq: number }).seq));
    const stopped = await s.mirror.db.query<{ status: string; pages: number }>(
      `SELECT status, pages FROM pulls WHERE run_id = $1 AND channel = $2 AND dataset = $3 ORDER BY pull_id`,
      [runId, LONG_PULL.channel, LONG_PULL.dataset],
    );
    assert.deepEqual(stopped.rows, [{ status: 'aborted', pages: lastSeq }]);
    const cursor = await s.mirror.db.query(`SELECT 1 FROM cursors WHERE channel = $1 AND dataset = $2`, [LONG_PULL.channel, LONG_PULL.dataset]);
    assert.equal(cursor.rowCount, 1, 'the cursor of the committed pages is saved');
    const paused = await s.jobs.getRun(runId);
    assert.equal(paused?.state, 'RUNNING', 'the run waits for a worker');

    await worker(s);
    const run = await waitForRun(s.jobs, runId);
    assertReference(run, await publishedState(s.mirror.db, world.period));
  });

  it('a schedule fires once per slot with two workers running', async () => {
    const every = 1_000;
    const configFile = writeConfig('scheduled.config.json', [{ name: 'tick', every, run: { steps: ['match'] } }]);
    // no roster: each firing is a run whose match has no shard, quick to close
    const s = await setup({ roster: false, configFile });
    // both workers upsert the schedule at start (no --no-schedules)
    const args = WORKER_ARGS.filter((a) => a !== '--no-schedules');
    await worker(s, args);
    await worker(s, args);
    assert.deepEqual((await s.jobs.schedules()).map((x) => [x.name, x.every]), [['tick', every]], 'two upserts, one scheduler');
    await new Promise((r) => setTimeout(r, 6 * every));
    // the API side's configuration has no schedule: upserting it removes the scheduler
    const unscheduled = createJobs({ db: s.mirror.db, redisUrl: REDIS_URL, config: { ...loadHubConfig(configFile, s.env), schedules: [] }, prefix: s.prefix });
    try {
      await unscheduled.upsertSchedules();
      assert.deepEqual(await unscheduled.schedules(), []);
    } finally {
      await unscheduled.close();
    }
    // let the firings already queued finish
    const deadline = Date.now() + 60_000;
    let runs = await s.jobs.listRuns({ limit: 1000 });
    while (runs.some((r) => r.state === 'QUEUED' || r.state === 'RUNNING') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      runs = await s.jobs.listRuns({ limit: 1000 });
    }
    assert.ok(runs.length >= 3, `fired repeatedly (${runs.length} runs)`);
    for (const r of runs) {
      assert.equal(r.requestedBy, 'schedule:tick');
      assert.equal(r.state, 'SUCCEEDED', JSON.stringify(r.error));
    }
    const slots = runs.map((r) => Number(r.runId.split('-').at(-1))).sort((x, y) => x - y);
    assert.equal(new Set(slots).size, slots.length, 'one run per slot');
    for (const slot of slots) assert.equal((slot - slots[0]) % every, 0, 'every run is a slot of the one scheduler');
    assert.ok(slots.length <= (slots.at(-1)! - slots[0]) / every + 1, 'no slot fired twice');
  });
});
