// `npm run bench [-- --persons 100000,1000000] [--seed S] [--quick] [--huge] [--no-docs]`
// A month of the province end to end on PostgreSQL, per world size, and in the same run on the
// same data the floor (parse the same bytes, COPY the same rows, no logic) and the SQL baseline
// (COPY the same rows, classify in SQL). Every process runs on its own: the sandbox (its CPU is
// reported apart, it is not what is measured), the hub, PostgreSQL's backends, the floor. This
// process samples their CPU time and peak RSS from /proc. Results go to bench/results/ as JSON
// and, unless --no-docs, into the figures section of docs/benchmarks.md. Asserts nothing on time;
// exits 1 when the hub's results or counts differ from the generator's.
import { execFileSync, fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { STREAM_CHUNK } from '../sandbox/generate.ts';
import { spawnSandbox } from '../sandbox/child.ts';
import type { SandboxProcess } from '../sandbox/child.ts';
import { Teardown, environment, positiveWhole, runBench } from './common.ts';
import { createScratchDatabase, findPostgres, redactUrl } from './postgres.ts';
import type { GenerateConfig, GenerateResult } from './month-generate.ts';
import type { FloorConfig, FloorMessage, FloorResult, MonthHubConfig, MonthHubMessage, MonthHubResult } from './month-messages.ts';
import { renderMonthMarkdown, renderMonthText } from './month-report.ts';
import type { MonthRun } from './month-report.ts';
import { runWorkersMonth, workersProblems } from './month-workers.ts';
import { ProcessWatch } from './proc-watch.ts';
import { benchRedisUrl } from './queued-run.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CACHE = path.join(ROOT, 'bench', '.cache');
const RESULTS = path.join(ROOT, 'bench', 'results');
const DOCS = path.join(ROOT, 'docs', 'benchmarks.md');
const DEFAULT_SIZES = [100_000];
const QUICK_SIZES = [10_000];
const HUGE = 10_000_000;

const USAGE = `usage: npm run bench -- [--persons N,N,...] [--seed S] [--quick] [--huge] [--no-docs]
  --persons N,N  world sizes (default ${DEFAULT_SIZES.join(',')}; the province target is 1000000)
  --seed S       generator seed (default 1)
  --quick        ${QUICK_SIZES.join(',')} persons, a smoke check
  --huge         add ${HUGE.toLocaleString('en-US')} persons (the generator streams; the sandbox must serve it from disk)
  --no-docs      do not rewrite the figures section of docs/benchmarks.md
  --keep-db      keep the scratch databases (to look at plans afterwards; drop them yourself)
  --render F,F   no run: rewrite the figures of docs/benchmarks.md from result files (bench/results/…)
  --cpu-prof DIR V8 CPU profiles (.cpuprofile) of the sandbox, hub and floor processes into DIR
  --workers N,N  also the month as queued jobs on N \`lifecert worker\` processes, for each N
                 (needs Redis: REDIS_URL, else 127.0.0.1:6379); bench/month-workers.ts
  --worker-concurrency N  with --workers: each worker's \`--concurrency\` (pulls at once per source queue)
  --hub-heap MiB the hub process's V8 heap limit (--max-old-space-size): its peak RSS is mostly
                 garbage the collector has not yet needed to reclaim, and this bounds it
Worlds (the monthly mix, faults off, streamed generation) are cached in bench/.cache/ by size, seed,
mix and generator source. PostgreSQL:
DATABASE_URL's server, else 127.0.0.1:5432; a fresh database lifecert_bench_<random> per size,
dropped after.`;

interface Options {
  sizes: number[];
  seed: string;
  docs: boolean;
  /** write V8 CPU profiles of the hub and the floor processes into this folder */
  cpuProf?: string;
  /** keep the scratch databases (their names are printed) for a look afterwards */
  keepDb: boolean;
  /** rewrite docs/benchmarks.md from these result files instead of running */
  render?: string[];
  /** --workers: worker processes per queued run of the month, in order */
  workers?: number[];
  /** --worker-concurrency: `lifecert worker --concurrency N` */
  workerConcurrency?: number;
  /** --hub-heap: the hub process's V8 old-space limit, MiB (`--max-old-space-size`) */
  hubHeapMiB?: number;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      huge: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      'keep-db': { type: 'boolean' },
      render: { type: 'string' },
      workers: { type: 'string' },
      'worker-concurrency': { type: 'string' },
      'hub-heap': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  if (typeof values.render === 'string') {
    return { sizes: [], seed: '1', docs: true, keepDb: false, render: values.render.split(',').map((f) => path.resolve(f.trim())) };
  }
  if (values.quick && values.persons !== undefined) throw new Error('--quick already sets --persons: give one of them, not both');
  let sizes = values.quick ? QUICK_SIZES : DEFAULT_SIZES;
  if (typeof values.persons === 'string') {
    sizes = values.persons.split(',').map((x) => positiveWhole(x, '--persons'));
  }
  if (values.huge && !sizes.includes(HUGE)) sizes = [...sizes, HUGE];
  const cpuProf = typeof values['cpu-prof'] === 'string' ? path.resolve(values['cpu-prof']) : undefined;
  const workers = typeof values.workers === 'string' ? parseWorkerCounts(values.workers) : undefined;
  let workerConcurrency: number | undefined;
  if (typeof values['worker-concurrency'] === 'string') {
    if (!workers) throw new Error('--worker-concurrency goes with --workers');
    workerConcurrency = positiveWhole(values['worker-concurrency'], '--worker-concurrency');
  }
  const hubHeapMiB = typeof values['hub-heap'] === 'string' ? positiveWhole(values['hub-heap'], '--hub-heap') : undefined;
  return { sizes, seed: typeof values.seed === 'string' ? values.seed : '1', docs: !values['no-docs'], cpuProf, keepDb: values['keep-db'] === true, workers, workerConcurrency, hubHeapMiB };
}

/** `--workers 1,2`: distinct positive whole numbers. */
function parseWorkerCounts(text: string): number[] {
  const counts = text.split(',').map((x) => positiveWhole(x, '--workers'));
  if (new Set(counts).size !== counts.length) throw new Error(`--workers lists a count twice: '${text}'`);
  return counts;
}

/** A hash of the generator's source: a changed generator makes a new cached world. */
function generatorHash(): string {
  const h = crypto.createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(p.slice(ROOT.length)).update(fs.readFileSync(p));
    }
  };
  h.update(fs.readFileSync(path.join(ROOT, 'sandbox', 'generate.ts')));
  walk(path.join(ROOT, 'sandbox', 'generate'));
  return h.digest('hex').slice(0, 12);
}

/** The bench's worlds: the monthly mix (about three source records per person), faults off. */
const MIX = 'month';
/** The generator's live heap stays near 50 MB at any size; the cap keeps V8 from letting garbage pile up. */
const GENERATOR_NODE_OPTIONS = ['--max-old-space-size=384'];

/** What the generator process reports of the world (its files, dates, cities, records, size), where it is cached. */
interface CachedWorld extends Pick<GenerateResult, 'worldFile' | 'expectedFile' | 'period' | 'asOf' | 'cities' | 'records'> {
  dir: string;
  bytes: number;
  /** the generation (null when the world came from the cache) */
  generatedSeconds: number | null;
  generatedCpuSeconds?: number | null;
  generatedPeakRssKiB?: number | null;
}

/** The world of a size: from bench/.cache, or generated (streamed) in a process of its own. */
async function obtainWorld(persons: number, seed: string, teardown: Teardown): Promise<CachedWorld> {
  const dir = path.join(CACHE, `world-${persons}-s${seed}-${MIX}-streamed${STREAM_CHUNK}-${generatorHash()}`);
  const meta = path.join(dir, 'meta.json');
  if (fs.existsSync(meta)) {
    process.stderr.write(`world of ${persons.toLocaleString('en-US')} persons: cached in ${path.relative(ROOT, dir)}\n`);
    return { ...(JSON.parse(fs.readFileSync(meta, 'utf8')) as CachedWorld), dir, generatedSeconds: null, generatedCpuSeconds: null, generatedPeakRssKiB: null };
  }
  process.stderr.write(`generating a world of ${persons.toLocaleString('en-US')} persons (seed ${seed}, mix ${MIX}, faults off, streamed)…\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config: GenerateConfig = { persons, seed, mix: MIX, dir };
  const { result: g } = await runChild<GenerateResult>('month-generate.ts', config, undefined, teardown, async () => {}, () => {}, GENERATOR_NODE_OPTIONS);
  const world: CachedWorld = {
    dir,
    worldFile: g.worldFile,
    expectedFile: g.expectedFile,
    period: g.period,
    asOf: g.asOf,
    cities: g.cities,
    records: g.records,
    bytes: g.worldBytes,
    generatedSeconds: g.seconds,
    generatedCpuSeconds: g.cpuSeconds,
    generatedPeakRssKiB: g.peakRssKiB,
  };
  fs.writeFileSync(meta, JSON.stringify(world));
  process.stderr.write(`  generated in ${g.seconds.toFixed(1)} s (CPU ${g.cpuSeconds.toFixed(1)} s, peak RSS ${(g.peakRssKiB / 1024).toFixed(0)} MiB), ${(g.records / persons).toFixed(2)} records per person\n`);
  return world;
}

function runChild<R>(script: string, config: unknown, cpuProf: string | undefined, teardown: Teardown, onStage: (stage: string) => Promise<void>, onPid: (pid: number) => void, nodeOptions: string[] = []): Promise<{ result: R; wallSeconds: number }> {
  const started = performance.now();
  const child = fork(path.join(import.meta.dirname, script), [JSON.stringify(config)], { execPath: process.execPath, execArgv: [...nodeOptions, ...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [])], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
  if (child.pid) onPid(child.pid);
  teardown.add(`stop ${script} ${child.pid ?? '?'}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let result: R | null = null;
    let failure: string | null = null;
    let pending: Promise<void> = Promise.resolve();
    child.on('message', (raw) => {
      const msg = raw as MonthHubMessage | FloorMessage;
      if (msg.kind === 'stage') pending = pending.then(() => onStage(msg.stage));
      else if (msg.kind === 'result') result = msg.result as R;
      else failure = msg.message;
    });
    child.once('exit', (code, signal) => {
      void pending.then(() => {
        if (result) resolve({ result, wallSeconds: (performance.now() - started) / 1000 });
        else reject(new Error(`${script} ${failure ? `failed:\n${failure}` : `exited (code ${code}, signal ${signal}) without a result`}`));
      });
    });
  });
}

async function runSize(persons: number, options: Options, adminUrl: string, teardown: Teardown): Promise<MonthRun> {
  const { seed, cpuProf, keepDb, hubHeapMiB } = options;
  const world = await obtainWorld(persons, seed, teardown);
  const scratch = await createScratchDatabase(adminUrl);
  if (!keepDb) teardown.add(`drop database ${scratch.name}`, () => scratch.drop());
  process.stderr.write(`created ${redactUrl(scratch.url)}\n`);

  const civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-civil-'));
  teardown.add(`remove ${civilDir}`, () => fs.rmSync(civilDir, { recursive: true, force: true }));
  const sandboxStarted = performance.now();
  const sandbox: SandboxProcess = await spawnSandbox({ worldFile: world.worldFile, civilDir, timeoutMs: 900_000, ...(cpuProf ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', cpuProf] } : {}) });
  const sandboxStartSeconds = (performance.now() - sandboxStarted) / 1000;
  let sandboxOpen = true;
  teardown.add('stop the sandbox', async () => {
    if (sandboxOpen) await sandbox.close();
  });

  const watch = new ProcessWatch(adminUrl, scratch.name);
  await watch.start();
  watch.watch(sandbox.pid, 'sandbox');
  await watch.mark('sandbox-start');
  const runId = `bench-month-${persons}`;
  const loadBefore = os.loadavg()[0];
  process.stderr.write(`hub: ${persons.toLocaleString('en-US')} persons, ${world.records.toLocaleString('en-US')} source records…\n`);
  const hubConfig: MonthHubConfig = {
    databaseUrl: scratch.url, sandboxUrl: sandbox.url, civilDir, cities: world.cities, period: world.period, asOf: world.asOf, runId, worldFile: world.worldFile, expectedFile: world.expectedFile,
  };
  let phase = 'setup';
  const hub = await runChild<MonthHubResult>('month-hub.ts', hubConfig, cpuProf, teardown, async (stage) => {
    await watch.mark(phase);
    process.stderr.write(`  ${phase} done; ${stage}…\n`);
    phase = stage;
  }, (pid) => watch.watch(pid, 'hub'), hubHeapMiB === undefined ? [] : [`--max-old-space-size=${hubHeapMiB}`]);
  await watch.mark(phase);
  const sandboxExit = await sandbox.close();
  sandboxOpen = false;

  process.stderr.write('floor and SQL baseline…\n');
  phase = 'floor-read';
  const floorConfig: FloorConfig = { databaseUrl: scratch.url, runId, period: world.period, asOf: world.asOf };
  const floor = await runChild<FloorResult>('month-floor.ts', floorConfig, cpuProf, teardown, async (stage) => {
    await watch.mark(phase);
    phase = stage;
  }, (pid) => watch.watch(pid, 'floor'));
  await watch.mark(phase);
  await watch.stop();
  const figures = watch.figures();
  // the hub's own figure is taken before its verification reads the generator's expectation
  figures.peakRssKiB.hub = hub.result.peakRssKiB;
  if (sandboxExit.peakRssKiB !== null) figures.peakRssKiB.sandbox = Math.max(figures.peakRssKiB.sandbox ?? 0, sandboxExit.peakRssKiB);
  return {
    persons,
    seed,
    records: world.records,
    worldBytes: world.bytes,
    generatedSeconds: world.generatedSeconds,
    generatedCpuSeconds: world.generatedCpuSeconds ?? null,
    generatedPeakRssKiB: world.generatedPeakRssKiB ?? null,
    sandboxStartSeconds,
    hub: hub.result,
    hubProcessSeconds: hub.wallSeconds,
    floor: floor.result,
    processes: figures,
    loadBefore,
    loadAfter: os.loadavg()[0],
  };
}

interface ReportFile {
  at: string;
  environment: string;
  uptime: string;
  git: string;
  runs: MonthRun[];
}

function writeDocs(reports: ReportFile[]): void {
  const md = reports.map((r) => renderMonthMarkdown(r.environment, r.at, `${r.git}, load average ${r.uptime.split(' ').slice(0, 3).join(' ')} at the end`, r.runs)).join('\n');
  const text = fs.existsSync(DOCS) ? fs.readFileSync(DOCS, 'utf8') : '';
  const begin = '<!-- bench:month:begin -->';
  const end = '<!-- bench:month:end -->';
  const block = `${begin}\n${md}\n${end}`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  fs.writeFileSync(DOCS, i >= 0 && j > i ? `${text.slice(0, i)}${block}${text.slice(j + end.length)}` : `${text}\n${block}\n`);
  process.stdout.write(`figures written to ${path.relative(ROOT, DOCS)}\n`);
}

async function main(options: Options, teardown: Teardown): Promise<number> {
  if (options.render) {
    writeDocs(options.render.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as ReportFile));
    return 0;
  }
  const found = await findPostgres();
  if ('skipped' in found) throw new Error(`npm run bench needs PostgreSQL: ${found.skipped}`);
  const runs: MonthRun[] = [];
  for (const persons of options.sizes) {
    const run = await runSize(persons, options, found.adminUrl, teardown);
    if (options.workers) {
      run.workers = await runWorkersMonth({ world: await obtainWorld(persons, options.seed, teardown), adminUrl: found.adminUrl, redisUrl: benchRedisUrl(), counts: options.workers, keepDb: options.keepDb, teardown,
        workerArgs: options.workerConcurrency === undefined ? [] : ['--concurrency', String(options.workerConcurrency)],
      });
    }
    runs.push(run);
    process.stdout.write(`${renderMonthText(run)}\n\n`);
  }
  const report: ReportFile = { at: new Date().toISOString(), environment: environment(), uptime: fs.readFileSync('/proc/loadavg', 'utf8').trim(), git: gitHead(), runs };
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `month-${options.sizes.join('-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(ROOT, file)}\n`);
  if (options.docs) writeDocs([report]);
  const bad = runs.filter((r) => r.hub.differences > 0 || r.hub.countDifferences > 0);
  for (const r of bad) process.stderr.write(`${r.persons} persons: ${r.hub.differences} results and ${r.hub.countDifferences} dataset counts differ from the generator's (first: ${r.hub.firstDifference})\n`);
  const queued = runs.flatMap((r) => (r.workers ? workersProblems(r.workers, r.hub.resultsDigest).map((p) => `${r.persons} persons, queued: ${p}`) : []));
  for (const p of queued) process.stderr.write(`${p}\n`);
  return bad.length > 0 || queued.length > 0 ? 1 : 0;
}

function gitHead(): string {
  try {
    return `git ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()}`;
  } catch {
    return 'git unknown';
  }
}

runBench('bench', USAGE, () => parseOptions(process.argv.slice(2)), main);
