// `npm run bench:ingest [-- --persons N] [--seed S] [--quick] [--no-postgres]`
// Records per second per connector from the sandbox simulators to the staged mirror, beside
// the floor (JSON.parse of the same bytes) in the same run, on embedded PGlite and — when a
// PostgreSQL server answers — on a fresh PostgreSQL database. Prints figures, asserts nothing.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { generateWorld, writeWorld } from '../sandbox/generate.ts';
import { spawnSandbox } from '../sandbox/child.ts';
import type { SandboxProcess } from '../sandbox/child.ts';
import type { HubMessage, HubRunConfig, HubRunResult, TargetKind } from './messages.ts';
import { createScratchDatabase, findPostgres, redactUrl } from './postgres.ts';
import type { ScratchDatabase } from './postgres.ts';
import { renderReport } from './report.ts';
import { Teardown, environment, parseBenchOptions, runBench } from './common.ts';
import type { BenchOptions } from './common.ts';
import type { BenchFacts } from './report.ts';

const DEFAULT_PERSONS = 200_000;
const QUICK_PERSONS = 20_000;
const FLOOR_REPEATS = 5;
const HUB_SCRIPT = path.join(import.meta.dirname, 'hub-run.ts');

const USAGE = `usage: npm run bench:ingest -- [--persons N] [--seed S] [--quick] [--no-postgres]
  --persons N     roster size of the generated world (default ${DEFAULT_PERSONS})
  --seed S        generator seed (default 1)
  --quick         smoke check with ${QUICK_PERSONS} persons
  --no-postgres   PGlite only, even when PostgreSQL answers
PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432 when it answers; a fresh database
lifecert_bench_<random> is created for the run and dropped after.`;

type Options = BenchOptions<number>;

function parseOptions(argv: string[]): Options | null {
  return parseBenchOptions(argv, {
    flag: 'persons',
    quick: QUICK_PERSONS,
    fallback: DEFAULT_PERSONS,
    parse(text) {
      const persons = Number(text);
      if (!Number.isInteger(persons) || persons < 1) throw new Error(`--persons must be a positive integer, got '${text}'`);
      return persons;
    },
  });
}

/** Run the hub side for one target in its own process; progress to stderr. */
function runTarget(config: HubRunConfig, expectedRecords: number, teardown: Teardown): Promise<HubRunResult> {
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${config.target.padEnd(8)} [{bar}] {percentage}% | {value}/{total} records | {duration_formatted} | {stage}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(expectedRecords, 0, { stage: 'opening the mirror' });
  const log = (line: string) => {
    if (!tty) process.stderr.write(`[${config.target}] ${line}\n`);
  };

  const child = fork(HUB_SCRIPT, [JSON.stringify(config)], { execPath: process.execPath, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  // whatever the hub prints is not the benchmark's output: keep stdout for the report
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
  teardown.add(`stop hub process ${child.pid ?? '?'}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });

  let doneRecords = 0; // pulled in the datasets already finished
  return new Promise<HubRunResult>((resolve, reject) => {
    let result: HubRunResult | null = null;
    let failure: string | null = null;
    child.on('message', (raw) => {
      const msg = raw as HubMessage;
      switch (msg.kind) {
        case 'page':
          bar?.update(doneRecords + msg.pulled, { stage: `${msg.channel}/${msg.dataset}` });
          break;
        case 'dataset-done':
          doneRecords += msg.pulled;
          bar?.update(doneRecords);
          log(`${msg.channel}/${msg.dataset}: ${msg.pulled} records in ${msg.seconds.toFixed(2)} s`);
          break;
        case 'ingest-done':
          bar?.update(doneRecords, { stage: 'measuring the floor' });
          log(`ingest done in ${msg.seconds.toFixed(1)} s; measuring the floor`);
          break;
        case 'result':
          result = msg.result;
          break;
        case 'failed':
          failure = msg.message;
          break;
      }
    });
    child.once('exit', (code, signal) => {
      bar?.stop();
      if (result) resolve(result);
      else reject(new Error(`the ${config.target} hub process ${failure ? `failed:\n${failure}` : `exited (code ${code}, signal ${signal}) without a result`}`));
    });
  });
}

async function main(options: Options, teardown: Teardown): Promise<number> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-'));
  teardown.add(`remove ${workDir}`, () => fs.rmSync(workDir, { recursive: true, force: true }));

  process.stderr.write(`generating a world of ${options.size.toLocaleString('en-US')} persons (seed ${options.seed}, faults off)…\n`);
  const genStart = performance.now();
  const worldFile = path.join(workDir, 'world.json');
  // the world stays in this scope: only what the report needs outlives it
  const { asOf, period, cities, expected } = (() => {
    const generated = generateWorld({ persons: options.size, seed: options.seed, faults: false });
    writeWorld(generated, { world: worldFile });
    return {
      asOf: generated.world.asOf,
      period: generated.world.period,
      cities: Object.keys(generated.world.sources.police ?? {}),
      expected: generated.expected.counts,
    };
  })();
  const generateSeconds = (performance.now() - genStart) / 1000;
  const worldBytes = fs.statSync(worldFile).size;
  const expectedRecords = Object.values(expected).reduce((s, c) => s + c.pulled, 0);

  process.stderr.write('starting the sandbox in its own process…\n');
  const sbStart = performance.now();
  const civilDir = path.join(workDir, 'civil');
  fs.mkdirSync(civilDir, { recursive: true });
  const sandbox: SandboxProcess = await spawnSandbox({ worldFile, civilDir, timeoutMs: 600_000 });
  teardown.add('stop the sandbox', async () => {
    await sandbox.close();
  });
  const sandboxStartSeconds = (performance.now() - sbStart) / 1000;

  const targets: Array<{ kind: TargetKind; prepare: () => Promise<Partial<HubRunConfig>> }> = [
    {
      kind: 'pglite',
      prepare: async () => {
        const dataDir = path.join(workDir, 'pglite-data');
        fs.mkdirSync(dataDir, { recursive: true });
        return { dataDir };
      },
    },
  ];
  let postgresSkipped: string | undefined;
  if (!options.postgres) postgresSkipped = '--no-postgres';
  else {
    const found = await findPostgres();
    if ('skipped' in found) postgresSkipped = found.skipped;
    else {
      targets.push({
        kind: 'postgres',
        prepare: async () => {
          const scratch: ScratchDatabase = await createScratchDatabase(found.adminUrl);
          teardown.add(`drop database ${scratch.name}`, () => scratch.drop());
          process.stderr.write(`created ${redactUrl(scratch.url)}\n`);
          return { databaseUrl: scratch.url };
        },
      });
    }
  }

  const results: HubRunResult[] = [];
  for (const target of targets) {
    const config: HubRunConfig = {
      target: target.kind,
      sandboxUrl: sandbox.url,
      civilDir,
      cities,
      asOf,
      runId: `bench-${target.kind}`,
      floorRepeats: FLOOR_REPEATS,
      ...(await target.prepare()),
    };
    const result = await runTarget(config, expectedRecords, teardown);
    result.location = config.databaseUrl ? redactUrl(result.location) : result.location;
    results.push(result);
  }

  const facts: BenchFacts = {
    persons: options.size,
    seed: options.seed,
    asOf,
    period,
    generateSeconds,
    worldBytes,
    sandboxStartSeconds,
    floorRepeats: FLOOR_REPEATS,
    postgresSkipped,
    totalSeconds: (performance.now() - started) / 1000,
    expected,
    environment: environment(),
    loadBefore,
    loadAfter: os.loadavg()[0],
  };
  process.stdout.write(`${renderReport(facts, results)}\n`);
  return 0;
}

runBench('bench:ingest', USAGE, () => parseOptions(process.argv.slice(2)), main);
