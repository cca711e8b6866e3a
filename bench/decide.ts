// `npm run bench:decide [-- --persons N] [--seed S] [--rounds R] [--against REF]`
// Time per person of the pure decision engine alone — no database, no I/O — over a generated
// world's roster and its normalized events (decide-workload.ts). With --against REF the engine
// of that git revision is loaded from a scratch copy and measured in the same process, rounds
// alternating between the two, after checking that both give the same result for every person.
// Prints figures, asserts nothing on time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decide as currentDecide } from '../matching/index.ts';
import type { DecideOptions, MatchEvent } from '../matching/types.ts';
import type { Result, RosterEntry } from '../schemas/types.ts';
import { environment, positiveWhole as positive, runBench } from './common.ts';
import type { Teardown } from './common.ts';
import { decideWorkload } from './decide-workload.ts';

const DEFAULT_PERSONS = 50_000;
const DEFAULT_ROUNDS = 9;
const REPO = path.join(import.meta.dirname, '..');

const USAGE = `usage: npm run bench:decide -- [--persons N] [--seed S] [--rounds R] [--against REF]
  --persons N     roster size of the generated world (default ${DEFAULT_PERSONS})
  --seed S        generator seed (default 1)
  --rounds R      timed passes over the roster per engine (default ${DEFAULT_ROUNDS})
  --against REF   also measure the engine of git revision REF (e.g. main, a commit), side by side
The world is generated with faults off and normalized before the timing.`;

type DecideFn = (entry: RosterEntry, events: readonly MatchEvent[], options: DecideOptions) => Result;

interface Options {
  persons: number;
  seed: string;
  rounds: number;
  against: string | null;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      rounds: { type: 'string' },
      against: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  return {
    persons: values.persons === undefined ? DEFAULT_PERSONS : positive(values.persons, '--persons'),
    seed: values.seed ?? '1',
    rounds: values.rounds === undefined ? DEFAULT_ROUNDS : positive(values.rounds, '--rounds'),
    against: values.against ?? null,
  };
}

interface Engine {
  label: string;
  decide: DecideFn;
  /** wall-clock ns per person, one figure per timed round */
  rounds: number[];
  /** CPU ns per person (user + system of this process, GC included), one per round: less moved by other processes */
  cpuRounds: number[];
}

/** The engine of a git revision: the revision's tree in a scratch folder, imported from there. */
async function engineAt(ref: string, teardown: Teardown): Promise<Engine> {
  const commit = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-decide-'));
  teardown.add(`remove ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  const tar = execFileSync('git', ['-C', REPO, 'archive', '--format=tar', commit], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  // packages resolve from the scratch copy as they do from the checkout
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  const mod = (await import(path.join(dir, 'matching', 'index.ts'))) as { decide: DecideFn };
  return { label: `${ref} (${commit})`, decide: mod.decide, rounds: [], cpuRounds: [] };
}

const NO_EVENTS: readonly MatchEvent[] = [];

function decideAll(decide: DecideFn, roster: readonly RosterEntry[], byPerson: ReadonlyMap<string, readonly MatchEvent[]>, options: DecideOptions): Result[] {
  const out: Result[] = [];
  for (const entry of roster) out.push(decide(entry, byPerson.get(entry.personId) ?? NO_EVENTS, options));
  return out;
}

/** One timed pass; the decisions feed a checksum so that no call can be optimized away. */
function timedPass(decide: DecideFn, roster: readonly RosterEntry[], byPerson: ReadonlyMap<string, readonly MatchEvent[]>, options: DecideOptions): { ns: number; cpuNs: number; checksum: number } {
  let checksum = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const entry of roster) checksum += decide(entry, byPerson.get(entry.personId) ?? NO_EVENTS, options).reasons.length;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ns: (ms * 1e6) / roster.length, cpuNs: ((used.user + used.system) * 1e3) / roster.length, checksum };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main(options: Options, teardown: Teardown): Promise<number> {
  const loadBefore = os.loadavg()[0];
  const t0 = performance.now();
  const w = decideWorkload(options.persons, options.seed);
  const prepSeconds = (performance.now() - t0) / 1000;
  const decideOptions: DecideOptions = { period: w.period, asOf: w.asOf };

  const engines: Engine[] = [];
  if (options.against !== null) engines.push(await engineAt(options.against, teardown));
  engines.push({ label: 'this checkout', decide: currentDecide, rounds: [], cpuRounds: [] });

  // Untimed first pass of each engine: warms the JIT and checks that the engines agree.
  const first = engines.map((e) => decideAll(e.decide, w.roster, w.eventsByPerson, decideOptions));
  let differences = 0;
  let firstDifference = '';
  for (let i = 1; i < first.length; i++) {
    for (let k = 0; k < w.roster.length; k++) {
      const a = JSON.stringify(first[0][k]);
      const b = JSON.stringify(first[i][k]);
      if (a === b) continue;
      differences += 1;
      if (firstDifference === '') firstDifference = `${engines[0].label}: ${a}\n${engines[i].label}: ${b}`;
    }
  }

  const checksums = new Set<number>();
  for (let r = 0; r < options.rounds; r++) {
    // alternate which engine goes first, so that drift in machine load falls on both
    const order = r % 2 === 0 ? engines : [...engines].reverse();
    for (const e of order) {
      const { ns, cpuNs, checksum } = timedPass(e.decide, w.roster, w.eventsByPerson, decideOptions);
      e.rounds.push(ns);
      e.cpuRounds.push(cpuNs);
      checksums.add(checksum);
    }
  }

  const out: string[] = [];
  out.push(`lifecert decide() benchmark — ${environment()}`);
  out.push(`1-minute load average ${loadBefore.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end`);
  out.push(
    `world: ${w.roster.length.toLocaleString('en')} persons (seed ${options.seed}, faults off), ${w.records.toLocaleString('en')} records → ${w.events.toLocaleString('en')} staged events, prepared in ${prepSeconds.toFixed(1)} s`,
  );
  out.push(`${options.rounds} timed passes over the roster per engine, alternating; ns per person (decide() only)`);
  out.push('');
  const width = Math.max(...engines.map((e) => e.label.length), 6);
  out.push(`${''.padEnd(width)}  wall ns per person         CPU ns per person`);
  out.push(`${'engine'.padEnd(width)}  median     min     max    median     min     max`);
  out.push(`${'-'.repeat(width)}  ------  ------  ------    ------  ------  ------`);
  const cell = (x: number) => x.toFixed(0).padStart(6);
  for (const e of engines) {
    out.push(
      `${e.label.padEnd(width)}  ${cell(median(e.rounds))}  ${cell(Math.min(...e.rounds))}  ${cell(Math.max(...e.rounds))}    ${cell(median(e.cpuRounds))}  ${cell(Math.min(...e.cpuRounds))}  ${cell(Math.max(...e.cpuRounds))}`,
    );
  }
  if (engines.length === 2) {
    const [before, after] = engines;
    const ratio = (a: number, b: number) => `×${(a / b).toFixed(3)}`;
    out.push('');
    out.push(
      `this checkout ÷ ${before.label}: wall median ${ratio(median(after.rounds), median(before.rounds))}, min ${ratio(Math.min(...after.rounds), Math.min(...before.rounds))}; CPU median ${ratio(median(after.cpuRounds), median(before.cpuRounds))}, min ${ratio(Math.min(...after.cpuRounds), Math.min(...before.cpuRounds))}`,
    );
    out.push(`results that differ between the two engines: ${differences} of ${w.roster.length.toLocaleString('en')}`);
    if (firstDifference !== '') out.push(`first difference:\n${firstDifference}`);
  }
  if (checksums.size > 1) out.push(`warning: passes disagreed on the checksum (${[...checksums].join(', ')})`);
  process.stdout.write(`${out.join('\n')}\n`);
  return differences > 0 || checksums.size > 1 ? 1 : 0;
}

runBench('bench:decide', USAGE, () => parseOptions(process.argv.slice(2)), main);
