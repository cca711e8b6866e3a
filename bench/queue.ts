// `npm run bench:queue [-- --persons N] [--workers N,N] [--seed S] [--quick]`
// The same world through `lifecert run` (one process, no Redis) and through a queued run on W
// `lifecert worker` processes, each on a fresh PostgreSQL mirror holding the roster: wall time
// (the command's fork to exit; the queued run from startRun to SUCCEEDED, workers already
// started), the pull and match phases of the queued run, persons/s, and whether its results and
// per-dataset counts are the reference's. Prints figures, asserts nothing on time.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { loadHubConfig } from '../config/index.ts';
import { createJobs } from '../jobs/index.ts';
import { openDatabase } from '../mirror/db.ts';
import type { Db } from '../mirror/db.ts';
import { migrate } from '../mirror/migrate.ts';
import { loadRoster } from '../mirror/roster.ts';
import { generateWorld, writeWorld } from '../sandbox/generate.ts';
import type { GeneratedWorld } from '../sandbox/generate.ts';
import { spawnSandbox } from '../sandbox/child.ts';
import { environment, positiveWhole as positive, runBench } from './common.ts';
import { createScratchDatabase, findPostgres } from './postgres.ts';
import { benchRedisUrl, datasetCounts, dropPrefix, forkWorker, runPhases, runQueued, writeSandboxHubConfig } from './queued-run.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/lifecert.js');
const exec = promisify(execFile);
const REDIS_URL = benchRedisUrl();

const USAGE = `usage: npm run bench:queue -- [--persons N] [--workers N,N,...] [--seed S] [--quick]
  --persons N     roster size of the generated world (default 20000)
  --workers N,N   worker processes per queued run (default 1,2)
  --seed S        generator seed (default 1)
  --quick         smoke check: 2000 persons, 2 workers
Needs PostgreSQL (DATABASE_URL's server, else 127.0.0.1:5432) and Redis (REDIS_URL, else
127.0.0.1:6379). Faults are off: retry back-offs would dominate small worlds.`;

interface Options {
  persons: number;
  workers: number[];
  seed: string;
}

function parse(): Options | null {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { persons: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return null;
  if (values.quick && (values.persons !== undefined || values.workers !== undefined)) throw new Error('--quick sets --persons and --workers: give one or the other');
  return {
    persons: values.quick ? 2_000 : positive(values.persons ?? '20000', '--persons'),
    workers: values.quick ? [2] : (values.workers ?? '1,2').split(',').map((x) => positive(x.trim(), '--workers')),
    seed: values.seed ?? '1',
  };
}

interface Measure {
  label: string;
  seconds: number;
  pullSeconds: number | null;
  matchSeconds: number | null;
  sameResults: boolean | null;
  countsMatch: boolean;
}

async function resultsOf(db: Db, period: string): Promise<string> {
  const { rows } = await db.query(
    `SELECT person_id, decision, action, reasons, loss_date, certified_month, certified_until, risk_level, overpaid_months, overpaid_amount_fen, evidence
       FROM results WHERE period = $1 ORDER BY person_id`,
    [period],
  );
  return JSON.stringify(rows);
}

runBench('bench:queue', USAGE, parse, async (options, teardown) => {
  const pgAt = await findPostgres();
  if ('skipped' in pgAt) throw new Error(pgAt.skipped);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-queue-'));
  teardown.add('temporary folder', () => fs.rmSync(dir, { recursive: true, force: true }));

  process.stdout.write(`bench:queue — ${options.persons} persons, seed ${options.seed}; ${environment()}; load average ${os.loadavg()[0].toFixed(1)}\n`);
  const generated: GeneratedWorld = generateWorld({ persons: options.persons, seed: options.seed, faults: false });
  const { world, expected } = generated;
  const worldFile = writeWorld(generated, { world: path.join(dir, 'world.json') }).world;
  const civilDir = path.join(dir, 'civil');
  fs.mkdirSync(civilDir, { recursive: true });
  const sandbox = await spawnSandbox({ worldFile, civilDir });
  teardown.add('sandbox', async () => void (await sandbox.close()));

  const configFile = path.join(dir, 'lifecert.config.json');
  const secrets = writeSandboxHubConfig(configFile, sandbox.url, Object.keys(world.sources.police ?? {}), civilDir);

  /** A fresh mirror with the roster, dropped on the way out. */
  const freshMirror = async () => {
    const scratch = await createScratchDatabase(pgAt.adminUrl);
    teardown.add(`database ${scratch.name}`, () => scratch.drop());
    const db = await openDatabase({ databaseUrl: scratch.url });
    teardown.add(`connection to ${scratch.name}`, () => db.close());
    await migrate(db);
    await loadRoster(db, world.roster);
    return { url: scratch.url, db };
  };
  const expectedCounts = JSON.stringify(Object.fromEntries(Object.entries(expected.counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  const measures: Measure[] = [];

  // the reference: lifecert run, one process
  const ref = await freshMirror();
  const runEnv = { PATH: process.env.PATH, DATABASE_URL: ref.url, LIFECERT_CONFIG: configFile, ...secrets };
  const t0 = performance.now();
  const out = await exec(process.execPath, [BIN, 'run', '--period', world.period, '--as-of', world.asOf], { env: runEnv, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  const runSeconds = (performance.now() - t0) / 1000;
  const referenceResults = await resultsOf(ref.db, world.period);
  const runCounts = Object.entries(expected.counts).every(([k, v]) => out.stdout.includes(`${k.padEnd(32)} pulled ${v.pulled} staged ${v.staged} rejected ${v.rejected} skipped ${v.skipped}`));
  measures.push({ label: 'lifecert run', seconds: runSeconds, pullSeconds: null, matchSeconds: null, sameResults: null, countsMatch: runCounts });

  for (const n of options.workers) {
    const m = await freshMirror();
    const prefix = `lifecert-bench-${process.pid}-${n}`;
    teardown.add(`queues ${prefix}`, () => dropPrefix(REDIS_URL, prefix));
    const env = { PATH: process.env.PATH, DATABASE_URL: m.url, REDIS_URL, LIFECERT_QUEUE_PREFIX: prefix, LIFECERT_CONFIG: configFile, ...secrets };
    const workers = await Promise.all(Array.from({ length: n }, () => forkWorker(env, dir)));
    const jobs = createJobs({ db: m.db, redisUrl: REDIS_URL, config: loadHubConfig(configFile, env), prefix });
    try {
      const { status, seconds } = await runQueued(jobs, { period: world.period, asOf: world.asOf, requestedBy: 'bench' }, 100);
      const counts = JSON.stringify(Object.fromEntries(Object.entries(datasetCounts(status)).sort(([a], [b]) => (a < b ? -1 : 1))));
      const p = await runPhases(m.db, status.runId);
      measures.push({ label: `queued, ${n} worker${n > 1 ? 's' : ''}`, seconds, pullSeconds: p.pull, matchSeconds: p.match, sameResults: (await resultsOf(m.db, world.period)) === referenceResults, countsMatch: counts === expectedCounts });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await jobs.close();
    }
  }

  const rows = measures.map((x) => [
    x.label,
    x.seconds.toFixed(1),
    x.pullSeconds === null ? '-' : x.pullSeconds.toFixed(1),
    x.matchSeconds === null ? '-' : x.matchSeconds.toFixed(1),
    Math.round(options.persons / x.seconds).toString(),
    x.sameResults === null ? 'reference' : x.sameResults ? 'same' : 'DIFFERENT',
    x.countsMatch ? 'yes' : 'NO',
  ]);
  const head = ['', 'wall s', 'pull s', 'match s', 'persons/s', 'results', 'counts = generator'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')}\n`);
  process.stdout.write(`load average at the end ${os.loadavg()[0].toFixed(1)}\n`);
  return measures.every((x) => x.countsMatch && x.sameResults !== false) ? 0 : 1;
});
