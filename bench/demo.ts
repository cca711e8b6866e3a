// `npm run bench:demo [-- --sizes 10000,100000] [--seed S] [--quick] [--no-postgres]`
// Time and peak memory of the whole `lifecert demo` (sandbox, every connector through its real
// protocol, staging, match, publication, the four files) per world size, on embedded PGlite and
// — when a PostgreSQL server answers — on a fresh PostgreSQL database, side by side in one run.
// Each demo runs in a process of its own so that its peak RSS is its alone. The results are
// checked against the generator's expectation and the count of differences printed. Prints
// figures, asserts nothing on time.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { generateWorld, writeWorld, resultDifferences } from '../sandbox/generate.ts';
import type { Expected } from '../sandbox/generate.ts';
import type { DemoSummary } from '../cli/demo.ts';
import { prepareTemplate } from '../mirror/index.ts';
import type { Result } from '../schemas/types.ts';
import type { DemoRunConfig, DemoRunMessage, TargetKind } from './messages.ts';
import { createScratchDatabase, findPostgres, redactUrl } from './postgres.ts';
import { Teardown, environment, parseBenchOptions, runBench } from './common.ts';
import type { BenchOptions } from './common.ts';

const DEFAULT_SIZES = [10_000, 100_000];
const QUICK_SIZES = [1_000, 5_000];
const RUN_SCRIPT = path.join(import.meta.dirname, 'demo-run.ts');

const USAGE = `usage: npm run bench:demo -- [--sizes N,N,...] [--seed S] [--quick] [--no-postgres]
  --sizes N,N     roster sizes of the generated worlds (default ${DEFAULT_SIZES.join(',')})
  --seed S        generator seed (default 1)
  --quick         smoke check with ${QUICK_SIZES.join(' and ')} persons
  --no-postgres   PGlite only, even when PostgreSQL answers
Worlds are generated with every fault on, as the demo does, once per size, outside the timing.
PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432 when it answers; a fresh database
lifecert_bench_<random> per run, dropped after.`;

type Options = BenchOptions<number[]>;

function parseOptions(argv: string[]): Options | null {
  return parseBenchOptions(argv, {
    flag: 'sizes',
    quick: QUICK_SIZES,
    fallback: DEFAULT_SIZES,
    parse(text) {
      const sizes = text.split(',').map((x) => Number(x.trim()));
      for (const n of sizes) if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes must be positive integers separated by commas, got '${text}'`);
      return sizes;
    },
  });
}

interface Floor {
  target: TargetKind;
  seconds: number;
  peakRssKiB: number;
}

interface Measured {
  persons: number;
  target: TargetKind;
  /** fork → exit of the demo process, as a user waits for it */
  wallSeconds: number;
  summary: DemoSummary;
  records: number;
  differences: number;
  firstDifference?: string;
}

type ChildOutcome = Extract<DemoRunMessage, { kind: 'summary' | 'floor' }>;

/** One demo (or floor) in its own process; its log lines go to stderr with a prefix. */
function runChild(config: DemoRunConfig, label: string, teardown: Teardown): Promise<{ outcome: ChildOutcome; wallSeconds: number }> {
  const started = performance.now();
  const child = fork(RUN_SCRIPT, [JSON.stringify(config)], { execPath: process.execPath, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
  teardown.add(`stop demo process ${child.pid ?? '?'}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let outcome: ChildOutcome | null = null;
    let failure: string | null = null;
    child.on('message', (raw) => {
      const msg = raw as DemoRunMessage;
      if (msg.kind === 'log') process.stderr.write(`[${label}] ${msg.line}\n`);
      else if (msg.kind === 'failed') failure = msg.message;
      else outcome = msg;
    });
    child.once('exit', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (outcome) resolve({ outcome, wallSeconds });
      else reject(new Error(`the ${label} run ${failure ? `failed:\n${failure}` : `exited (code ${code}, signal ${signal}) without a result`}`));
    });
  });
}

/** A fresh mirror for one child run: PGlite in `out/data`, or a new PostgreSQL database (dropped by `release`). */
async function freshMirror(target: TargetKind, out: string, postgres: { adminUrl: string } | undefined, teardown: Teardown): Promise<{ config: DemoRunConfig; release(): Promise<void> }> {
  const config: DemoRunConfig = { worldFile: '', out };
  if (target === 'pglite' || !postgres) return { config, release: async () => fs.rmSync(out, { recursive: true, force: true }) };
  const scratch = await createScratchDatabase(postgres.adminUrl);
  teardown.add(`drop database ${scratch.name}`, () => scratch.drop());
  process.stderr.write(`created ${redactUrl(scratch.url)}\n`);
  config.databaseUrl = scratch.url;
  return {
    config,
    async release() {
      fs.rmSync(out, { recursive: true, force: true });
      await scratch.drop();
    },
  };
}

/** Compare results.jsonl line by line with the expectation; returns the count of persons that differ. */
async function countDifferences(resultsFile: string, expected: Expected): Promise<{ differences: number; first?: string; seen: number }> {
  let differences = 0;
  let first: string | undefined;
  let seen = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(resultsFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const r = JSON.parse(line) as Result;
    seen += 1;
    const d = resultDifferences(r, expected.results[r.personId]);
    if (d.length > 0) {
      differences += 1;
      first ??= d[0];
    }
  }
  const missing = Object.keys(expected.results).length - seen;
  if (missing !== 0) {
    differences += Math.abs(missing);
    first ??= `${seen} results for ${Object.keys(expected.results).length} roster entries`;
  }
  return { differences, first, seen };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (s: number) => (s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : s.toFixed(0));
const mib = (kib: number | null) => (kib === null ? '?' : `${int(kib / 1024)} MiB`);
const ratio = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(2)}` : '—');
const TITLE: Record<TargetKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };

function table(header: string[], rows: string[][], rightFrom = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= rightFrom ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function report(runs: Measured[], floors: Floor[], facts: { seed: string; generated: Array<{ persons: number; seconds: number; bytes: number }>; postgresSkipped?: string; loadBefore: number; loadAfter: number; totalSeconds: number }): string {
  const out: string[] = [];
  out.push(`lifecert demo benchmark — ${environment()}`);
  out.push(`1-minute load average ${facts.loadBefore.toFixed(2)} at start, ${facts.loadAfter.toFixed(2)} at end; whole benchmark ${secs(facts.totalSeconds)} s`);
  out.push(`worlds (seed ${facts.seed}, every fault on; generated before the timing): ${facts.generated.map((g) => `${int(g.persons)} persons in ${secs(g.seconds)} s (${(g.bytes / 1024 / 1024).toFixed(1)} MiB)`).join('; ')}`);
  if (facts.postgresSkipped) out.push(`PostgreSQL not measured: ${facts.postgresSkipped}`);
  out.push(`floor (a process that opens a fresh mirror and migrates it, no records; PGlite from the cached template, no initdb): ${floors.map((f) => `${TITLE[f.target]} ${secs(f.seconds)} s, peak RSS ${mib(f.peakRssKiB)}`).join('; ')}`);
  out.push('');
  out.push('per demo run (wall = fork to exit of the demo process; phases from inside it; peak RSS = getrusage maxrss)');
  const builders = runs.filter((m) => m.summary.peakRssKiB.templateBuilder !== null);
  out.push(
    `memory: demo process peak RSS ${runs.map((m) => `${int(m.persons)} ${TITLE[m.target]} ${mib(m.summary.peakRssKiB.hub)}`).join(', ')}; sandbox process ${runs.map((m) => mib(m.summary.peakRssKiB.sandbox)).join(', ')}` +
      `${builders.length ? `; the PGlite template built during the runs (peak RSS ${builders.map((m) => mib(m.summary.peakRssKiB.templateBuilder)).join(', ')}, its own process)` : ''}`,
  );
  out.push(
    table(
      ['persons', 'mirror', 'wall s', 'ingest s', 'match s', 'files s', 'records', 'persons/s', 'hub peak RSS', 'sandbox peak RSS', 'results ≠ expected'],
      runs.map((m) => [
        int(m.persons),
        TITLE[m.target],
        secs(m.wallSeconds),
        secs(m.summary.seconds.ingest),
        secs(m.summary.seconds.match),
        secs(m.summary.seconds.files),
        int(m.records),
        int(m.persons / m.wallSeconds),
        mib(m.summary.peakRssKiB.hub),
        mib(m.summary.peakRssKiB.sandbox),
        m.differences === 0 ? '0' : `${int(m.differences)} (${m.firstDifference ?? ''})`,
      ]),
    ),
  );
  const sizes = [...new Set(runs.map((m) => m.persons))];
  const byKey = new Map(runs.map((m) => [`${m.persons}/${m.target}`, m]));
  const sideBySide = sizes
    .map((n) => [n, byKey.get(`${n}/pglite`), byKey.get(`${n}/postgres`)] as const)
    .filter((x): x is readonly [number, Measured, Measured] => x[1] !== undefined && x[2] !== undefined);
  if (sideBySide.length > 0) {
    out.push('');
    out.push('PGlite beside PostgreSQL (PGlite ÷ PostgreSQL)');
    out.push(
      table(
        ['persons', '', 'wall', 'ingest', 'match', 'hub peak RSS'],
        sideBySide.map(([n, l, p]) => [
          int(n),
          '',
          ratio(l.wallSeconds, p.wallSeconds),
          ratio(l.summary.seconds.ingest, p.summary.seconds.ingest),
          ratio(l.summary.seconds.match, p.summary.seconds.match),
          ratio(l.summary.peakRssKiB.hub, p.summary.peakRssKiB.hub),
        ]),
      ),
    );
  }
  if (sizes.length > 1) {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    const scaling = (['pglite', 'postgres'] as const)
      .map((t) => [t, byKey.get(`${small}/${t}`), byKey.get(`${large}/${t}`)] as const)
      .filter((x): x is readonly [TargetKind, Measured, Measured] => x[1] !== undefined && x[2] !== undefined);
    out.push('');
    out.push(`growth from ${int(small)} to ${int(large)} persons (×${(large / small).toFixed(0)} persons; linear time would be ×${(large / small).toFixed(0)})`);
    out.push(
      table(
        ['mirror', '', 'wall', 'ingest', 'match', 'hub peak RSS'],
        scaling.map(([t, a, b]) => [
          TITLE[t],
          '',
          ratio(b.wallSeconds, a.wallSeconds),
          ratio(b.summary.seconds.ingest, a.summary.seconds.ingest),
          ratio(b.summary.seconds.match, a.summary.seconds.match),
          ratio(b.summary.peakRssKiB.hub, a.summary.peakRssKiB.hub),
        ]),
      ),
    );
  }
  return out.join('\n');
}

async function main(options: Options, teardown: Teardown): Promise<number> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-demo-'));
  teardown.add(`remove ${workDir}`, () => fs.rmSync(workDir, { recursive: true, force: true }));

  let postgres: { adminUrl: string } | undefined;
  let postgresSkipped: string | undefined;
  if (!options.postgres) postgresSkipped = '--no-postgres';
  else {
    const found = await findPostgres();
    if ('skipped' in found) postgresSkipped = found.skipped;
    else postgres = found;
  }

  const targets: TargetKind[] = postgres ? ['pglite', 'postgres'] : ['pglite'];
  // the PGlite template (initdb + migrations, once per PGlite version and migration set) before any timing
  const template = await prepareTemplate({ log: (line) => process.stderr.write(`${line}\n`) });
  if (template.built) process.stderr.write(`PGlite template built in ${secs(template.seconds)} s (peak RSS ${mib(template.builderPeakRssKiB ?? null)}, its own process)\n`);
  const floors: Floor[] = [];
  for (const target of targets) {
    const mirror = await freshMirror(target, path.join(workDir, `floor-${target}`), postgres, teardown);
    const { outcome } = await runChild({ ...mirror.config, floor: true }, `floor ${TITLE[target]}`, teardown);
    if (outcome.kind === 'floor') floors.push({ target, seconds: outcome.seconds, peakRssKiB: outcome.peakRssKiB });
    await mirror.release();
  }

  const runs: Measured[] = [];
  const generated: Array<{ persons: number; seconds: number; bytes: number }> = [];
  for (const persons of options.size) {
    process.stderr.write(`generating a world of ${int(persons)} persons (seed ${options.seed}, every fault on)…\n`);
    const genStart = performance.now();
    const sizeDir = path.join(workDir, String(persons));
    const worldFile = path.join(sizeDir, 'world.json');
    const expected = (() => {
      const g = generateWorld({ persons, seed: options.seed, faults: true });
      writeWorld(g, { world: worldFile });
      return g.expected;
    })();
    generated.push({ persons, seconds: (performance.now() - genStart) / 1000, bytes: fs.statSync(worldFile).size });
    const records = Object.values(expected.counts).reduce((s, c) => s + c.pulled, 0);

    for (const target of targets) {
      const out = path.join(sizeDir, `out-${target}`);
      const mirror = await freshMirror(target, out, postgres, teardown);
      const label = `${int(persons)} ${TITLE[target]}`;
      process.stderr.write(`[${label}] demo starting\n`);
      const { outcome, wallSeconds } = await runChild({ ...mirror.config, worldFile }, label, teardown);
      if (outcome.kind !== 'summary') throw new Error(`the ${label} demo sent no summary`);
      const summary = outcome.summary;
      const check = await countDifferences(path.join(out, 'results.jsonl'), expected);
      process.stderr.write(`[${label}] done in ${secs(wallSeconds)} s, peak RSS ${mib(summary.peakRssKiB.hub)}; ${check.differences} results differ from the expectation\n`);
      runs.push({ persons, target, wallSeconds, summary, records, differences: check.differences, firstDifference: check.first });
      // free the disk and the database before the next, larger run
      await mirror.release();
    }
  }
  process.stdout.write(`${report(runs, floors, { seed: options.seed, generated, postgresSkipped, loadBefore, loadAfter: os.loadavg()[0], totalSeconds: (performance.now() - started) / 1000 })}\n`);
  return runs.some((m) => m.differences > 0) ? 1 : 0;
}

runBench('bench:demo', USAGE, () => parseOptions(process.argv.slice(2)), main);
