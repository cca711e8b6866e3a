// `npm run bench -- --workers 1,2`: the month as queued jobs (jobs/: one pull job per (channel,
// dataset) on its source's queue, the match as one shard job per area code, the closing
// publish) served by W `lifecert worker` processes, for each W of the list, on the same cached
// world and the same sandbox process. Each W gets a fresh scratch database with the roster
// (setup, untimed), its own Redis key prefix (removed after) and W freshly started workers; the
// time is from startRun to the run seen SUCCEEDED. The /proc sampler (bench/proc-watch.ts)
// takes each worker's, the sandbox's and the PostgreSQL backends' CPU seconds and peak RSS over
// the run. Afterwards, untimed, the results and counts are checked against the generator's
// exactly as the one-process hub's are (bench/month-verify.ts), and the runs' results are
// compared with each other by digest.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadHubConfig } from '../config/index.ts';
import { createJobs } from '../jobs/index.ts';
import { loadRoster, migrate, openDatabase } from '../mirror/index.ts';
import { spawnSandbox } from '../sandbox/child.ts';
import type { PullCounts, RosterEntry } from '../schemas/types.ts';
import type { Teardown } from './common.ts';
import { jsonMembers } from './json-members.ts';
import { verifyMonth } from './month-verify.ts';
import { createScratchDatabase } from './postgres.ts';
import { ProcessWatch, resetPeakRss } from './proc-watch.ts';
import { datasetCounts, dropPrefix, forkWorker, runPhases, runQueued, writeSandboxHubConfig } from './queued-run.ts';

/** The world files a queued month needs (bench/month.ts's cached world has them). */
export interface WorkersWorld {
  worldFile: string;
  expectedFile: string;
  period: string;
  asOf: string;
  cities: string[];
}

export interface WorkerProcessFigures {
  /** CPU seconds (user + system) from startRun to the run's end */
  cpuSeconds: number;
  /** CPU seconds of its start-up (loading, migrate check, connecting), before the run */
  startCpuSeconds: number;
  peakRssKiB: number;
  /** jobs it finished, by name (pull, shard, publish…) */
  jobs: Record<string, number>;
}

export interface WorkersRun {
  workers: number;
  /** the run's scratch database (dropped after unless --keep-db) */
  database: string;
  /** startRun → the run seen SUCCEEDED (polled every 50 ms), seconds */
  seconds: number;
  /** first start to last finish of the run's tasks of each step (from run_tasks), seconds */
  pullSeconds: number | null;
  matchSeconds: number | null;
  publishSeconds: number | null;
  /** fork to every worker ready, seconds (not in `seconds`) */
  startSeconds: number;
  records: number;
  persons: number;
  decisions: Record<string, number>;
  counts: Record<string, PullCounts>;
  perWorker: WorkerProcessFigures[];
  /** over the run: CPU seconds of the sandbox and of every backend of the run's database; peaks */
  sandbox: { cpuSeconds: number; peakRssKiB: number };
  postgres: { cpuSeconds: number; backends: number; largestPeakRssKiB: number };
  /** results and datasets that differ from the generator's */
  differences: number;
  countDifferences: number;
  firstDifference?: string;
  resultsDigest: string;
  loadBefore: number;
  loadAfter: number;
}

export interface WorkersSection {
  /** extra arguments every `lifecert worker` got */
  workerArgs: string[];
  runs: WorkersRun[];
  /** every run published the same results (digest) */
  identical: boolean;
}

export interface WorkersMonthOptions {
  world: WorkersWorld;
  /** PostgreSQL server to create the scratch databases on */
  adminUrl: string;
  redisUrl: string;
  /** worker processes per run, in order (e.g. [1, 2]) */
  counts: number[];
  teardown: Teardown;
  workerArgs?: string[];
  keepDb?: boolean;
  /** progress lines (default stderr) */
  say?: (line: string) => void;
}

export async function runWorkersMonth(options: WorkersMonthOptions): Promise<WorkersSection> {
  const { world, teardown } = options;
  const say = options.say ?? ((l: string) => void process.stderr.write(`${l}\n`));
  const workerArgs = options.workerArgs ?? [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-workers-'));
  teardown.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  const civilDir = path.join(dir, 'civil');
  fs.mkdirSync(civilDir);
  const sandbox = await spawnSandbox({ worldFile: world.worldFile, civilDir, timeoutMs: 900_000 });
  let sandboxOpen = true;
  teardown.add('stop the workers\' sandbox', async () => {
    if (sandboxOpen) await sandbox.close();
  });
  const configFile = path.join(dir, 'lifecert.config.json');
  const secrets = writeSandboxHubConfig(configFile, sandbox.url, world.cities, civilDir);

  const runs: WorkersRun[] = [];
  for (const w of options.counts) {
    const scratch = await createScratchDatabase(options.adminUrl);
    if (!options.keepDb) teardown.add(`drop database ${scratch.name}`, () => scratch.drop());
    const db = await openDatabase({ databaseUrl: scratch.url, poolSize: 2 });
    let dbOpen = true;
    const closeDb = async () => {
      if (dbOpen) await db.close();
      dbOpen = false;
    };
    teardown.add(`connection to ${scratch.name}`, closeDb);
    await migrate(db);
    // streamed from the world file, as the hub's setup does
    await loadRoster(db, (function* () {
      for (const [, entry] of jsonMembers<RosterEntry>(world.worldFile, 'roster')) yield entry;
    })());
    const prefix = `lifecert-bench-${process.pid}-${w}-${crypto.randomBytes(3).toString('hex')}`;
    teardown.add(`queues ${prefix}`, () => dropPrefix(options.redisUrl, prefix));

    const watch = new ProcessWatch(options.adminUrl, scratch.name);
    await watch.start();
    watch.watch(sandbox.pid, 'sandbox');
    // the sandbox serves every W: its peak RSS is reset per run where the kernel lets us
    resetPeakRss(sandbox.pid);
    say(`queued month on ${w} worker process${w > 1 ? 'es' : ''} (${scratch.name}, prefix ${prefix})…`);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, DATABASE_URL: scratch.url, REDIS_URL: options.redisUrl, LIFECERT_QUEUE_PREFIX: prefix, LIFECERT_CONFIG: configFile, LIFECERT_LOG_LEVEL: 'warn', ...secrets,
    };
    const started = performance.now();
    const workers = await Promise.all(Array.from({ length: w }, () => forkWorker(env, dir, workerArgs)));
    const stopAll = async () => void (await Promise.all(workers.map((x) => x.stop())));
    teardown.add(`stop ${w} worker(s)`, stopAll);
    const startSeconds = (performance.now() - started) / 1000;
    workers.forEach((x, i) => watch.watch(x.pid, `worker-${i + 1}`));
    await watch.mark('start-up');
    const jobs = createJobs({ db, redisUrl: options.redisUrl, config: loadHubConfig(configFile, env), prefix });
    const loadBefore = os.loadavg()[0];
    let queued: Awaited<ReturnType<typeof runQueued>>;
    try {
      queued = await runQueued(jobs, { period: world.period, asOf: world.asOf, requestedBy: 'bench' });
      await watch.mark('run');
    } finally {
      await stopAll();
      await jobs.close();
      await watch.stop();
    }
    const loadAfter = os.loadavg()[0];
    const figures = watch.figures();
    const run = figures.phases.run ?? {};
    const start = figures.phases['start-up'] ?? {};
    const phases = await runPhases(db, queued.status.runId);
    const counts = datasetCounts(queued.status);
    const check = await verifyMonth(db, world.period, world.expectedFile, counts);
    const summary = queued.status.summary;
    runs.push({
      workers: w,
      database: scratch.name,
      seconds: queued.seconds,
      pullSeconds: phases.pull,
      matchSeconds: phases.match,
      publishSeconds: phases.publish,
      startSeconds,
      records: Object.values(counts).reduce((s, c) => s + c.pulled, 0),
      persons: summary?.persons ?? 0,
      decisions: summary ? { ...summary.decisions } : {},
      counts,
      perWorker: workers.map((x, i) => ({
        cpuSeconds: run[`worker-${i + 1}`] ?? 0,
        startCpuSeconds: start[`worker-${i + 1}`] ?? 0,
        peakRssKiB: figures.peakRssKiB[`worker-${i + 1}`] ?? 0,
        jobs: { ...x.completed },
      })),
      sandbox: { cpuSeconds: run.sandbox ?? 0, peakRssKiB: figures.peakRssKiB.sandbox ?? 0 },
      postgres: { cpuSeconds: run.postgres ?? 0, backends: figures.postgresBackends, largestPeakRssKiB: figures.peakRssKiB.postgres ?? 0 },
      differences: check.differences,
      countDifferences: check.countDifferences,
      firstDifference: check.firstDifference,
      resultsDigest: check.resultsDigest,
      loadBefore,
      loadAfter,
    });
    const last = runs[runs.length - 1];
    say(`  ${w} worker(s): ${last.seconds.toFixed(2)} s, ${check.differences} results and ${check.countDifferences} counts differ from the generator's`);
    await closeDb();
    if (!options.keepDb) await scratch.drop().catch(() => undefined);
  }
  sandboxOpen = false;
  await sandbox.close();
  return { workerArgs, runs, identical: runs.every((r) => r.resultsDigest === runs[0]?.resultsDigest) };
}

/**
 * What fails the bench: results or counts off the generator's, runs that disagree with each
 * other, or with the one-process hub's results (`hubDigest`) when given.
 */
export function workersProblems(section: WorkersSection, hubDigest?: string): string[] {
  const out: string[] = [];
  for (const r of section.runs) {
    if (r.differences > 0 || r.countDifferences > 0) out.push(`${r.workers} worker(s): ${r.differences} results and ${r.countDifferences} dataset counts differ from the generator's (first: ${r.firstDifference})`);
  }
  const odd = hubDigest === undefined ? [] : section.runs.filter((r) => r.resultsDigest !== hubDigest);
  if (odd.length > 0) out.push(`the runs on ${odd.map((r) => r.workers).join(', ')} workers published other results than the one-process hub`);
  if (!section.identical) out.push(`the runs on ${section.runs.map((r) => r.workers).join(', ')} workers published different results (digests ${section.runs.map((r) => r.resultsDigest.slice(0, 12)).join(', ')})`);
  return out;
}
