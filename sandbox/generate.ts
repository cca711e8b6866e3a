// Sandbox world generator (sandbox.md, world.schema.json): a deterministic world of Guangdong
// residents' pension recipients and what the five source systems hold about them, dirt and faults
// included, together with what the hub must make of it (`Expected`): pull counts, rejections,
// skips and every roster entry's result for the period. The expected side is built from the
// scenarios the generator wrote, never by running the hub's own normalization or matching.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PullCounts, Result } from '../schemas/types.ts';
import type { World } from './world.ts';
import { Gen } from './generate/builder.ts';
import { addMonths, isRealDate, lastDayOfMonth } from './generate/calendar.ts';
import { DEFAULT_CITY_CODES, cityByCode } from './generate/geography.ts';
import { DIRT, outsiderRecords } from './generate/dirt.ts';
import { SCENARIOS, SCENARIO_KINDS, type Scenario } from './generate/scenarios.ts';
import { writeJsonFile } from './generate/write.ts';
import type { ExpectedRejection, ExpectedSkip } from './generate/ledger.ts';
import type { ExpectedResult } from './generate/oracle.ts';

export type { ExpectedRejection, ExpectedSkip, ExpectedResult };
export { SCENARIO_KINDS, DIRT };

export interface GenerateOptions {
  /** roster size (≥ 1) */
  persons: number;
  /** the same seed always gives the same world, byte for byte */
  seed: string | number;
  /** the period certified, `YYYY-MM` (default `2026-11`) */
  period?: string;
  /** the data cut-off `YYYY-MM-DD`, on or after the first day of the period (default `2026-11-28`) */
  asOf?: string;
  /** source faults (busy, rate limits, HTML errors, short tokens, late police items); default true; they never change outcomes */
  faults?: boolean;
  /** 4-digit city codes of the roster and of the police endpoints (default: every known city) */
  cities?: string[];
}

export interface Expected {
  worldVersion: 1;
  seed: string | number;
  period: string;
  asOf: string;
  /** `<channel>/<dataset>` → counts of a first pull from 2000-01-01 with asOf = world.asOf */
  counts: Record<string, PullCounts>;
  rejections: ExpectedRejection[];
  skips: ExpectedSkip[];
  /** per personId (roster order), the result for `period` (evidence left out) */
  results: Record<string, ExpectedResult>;
  /** how many roster persons each scenario made, and how often each dirt item was written */
  catalog: { scenarios: Record<string, number>; dirt: Record<string, number>; outsiders: number };
}

export interface GeneratedWorld {
  world: World;
  expected: Expected;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

function settle(options: GenerateOptions): Required<GenerateOptions> {
  const period = options.period ?? '2026-11';
  const asOf = options.asOf ?? '2026-11-28';
  const faults = options.faults ?? true;
  const cities = options.cities ?? [...DEFAULT_CITY_CODES];
  if (!Number.isInteger(options.persons) || options.persons < 1) {
    throw new RangeError(`persons must be a positive integer, got ${String(options.persons)}`);
  }
  if (typeof options.seed !== 'string' && typeof options.seed !== 'number') throw new TypeError('seed must be a string or a number');
  if (!PERIOD.test(period) || period < '2012-01') throw new RangeError(`period must be YYYY-MM from 2012-01 on, got ${period}`);
  if (!isRealDate(asOf)) throw new RangeError(`asOf must be a real date YYYY-MM-DD, got ${asOf}`);
  if (asOf < `${period}-01`) throw new RangeError(`asOf ${asOf} lies before the period ${period}`);
  if (asOf > lastDayOfMonth(addMonths(period, 1))) throw new RangeError(`asOf ${asOf} lies more than a month after the period ${period}`);
  if (cities.length === 0) throw new RangeError('cities must name at least one city');
  if (new Set(cities).size !== cities.length) throw new RangeError('cities must not repeat');
  for (const c of cities) cityByCode(c);
  return { persons: options.persons, seed: options.seed, period, asOf, faults, cities };
}

/** Generate a world and what the hub must make of it. Deterministic for a seed and options. */
export function generateWorld(options: GenerateOptions): GeneratedWorld {
  const s = settle(options);
  const g = new Gen({ persons: s.persons, seed: s.seed, period: s.period, asOf: s.asOf, faults: s.faults, cities: s.cities });

  // every scenario once (as far as the roster allows), the rest drawn by weight
  const plan: Scenario[] = s.persons >= SCENARIOS.length ? [...SCENARIOS] : g.rng.shuffle([...SCENARIOS]).slice(0, s.persons);
  const drawScenario = g.rng.picker(SCENARIOS.map((x) => [x, x.weight] as const));
  while (plan.length < s.persons) plan.push(drawScenario());
  g.rng.shuffle(plan);
  for (const scenario of plan) {
    const before = g.persons.length;
    scenario.build(g);
    if (g.persons.length !== before + 1) throw new Error(`generator bug: scenario ${scenario.kind} made ${g.persons.length - before} persons`);
  }

  // dirt: every item once, then more in proportion to the roster, about outsiders and plain recipients
  const plainPersons = g.persons.filter((p) => p.scenario === 'plain');
  const dirtCounts: Record<string, number> = {};
  const repeatable = DIRT.filter((d) => !d.once);
  const extra = Math.round(s.persons * 0.02);
  const dirtPlan = [...DIRT];
  for (let i = 0; i < extra; i++) dirtPlan.push(g.rng.pick(repeatable));
  for (const item of dirtPlan) {
    const subject = plainPersons.length > 0 && g.rng.chance(0.3) ? g.rng.pick(plainPersons).subject : g.localOutsider();
    item.write(g, subject);
    dirtCounts[item.name] = (dirtCounts[item.name] ?? 0) + 1;
  }

  // people the roster does not hold: the sources serve the whole population
  const outsiders = Math.max(20, Math.round(s.persons * 0.25));
  for (let i = 0; i < outsiders; i++) {
    const who = g.outsider(g.rng.chance(0.25) ? 'national' : 'city');
    outsiderRecords(g, who);
    if (g.rng.chance(0.3)) outsiderRecords(g, who);
  }

  const resultList = g.persons.map((p) => g.finish(p));
  const world = g.seal();
  world.roster.sort((a, b) => (a.personId < b.personId ? -1 : 1));
  resultList.sort((a, b) => (a.personId < b.personId ? -1 : 1));
  const results: Record<string, ExpectedResult> = {};
  for (const r of resultList) results[r.personId] = r;

  return {
    world,
    expected: {
      worldVersion: 1, seed: s.seed, period: s.period, asOf: s.asOf,
      counts: g.ledger.counts, rejections: g.ledger.rejections, skips: g.ledger.skips, results,
      catalog: { scenarios: g.scenarioCounts, dirt: dirtCounts, outsiders },
    },
  };
}

export interface WorldPaths {
  world: string;
  expected: string;
}

/**
 * Where `writeWorld` puts its files: a folder (`world.json` and `world.expected.json` inside),
 * or the world file's path (the sidecar beside it: `x.json` → `x.expected.json`).
 */
export function worldPaths(target: string | { dir: string } | { world: string; expected?: string }): WorldPaths {
  if (typeof target === 'string') {
    if (target.endsWith('.json')) return { world: target, expected: target.replace(/\.json$/, '.expected.json') };
    return { world: join(target, 'world.json'), expected: join(target, 'world.expected.json') };
  }
  if ('dir' in target) return { world: join(target.dir, 'world.json'), expected: join(target.dir, 'world.expected.json') };
  return { world: target.world, expected: target.expected ?? target.world.replace(/(\.json)?$/, '.expected.json') };
}

/** Write the world and its expected sidecar (streamed: same bytes as JSON.stringify). */
export function writeWorld(generated: GeneratedWorld, target: string | { dir: string } | { world: string; expected?: string }): WorldPaths {
  const paths = worldPaths(target);
  mkdirSync(dirname(paths.world), { recursive: true });
  mkdirSync(dirname(paths.expected), { recursive: true });
  writeJsonFile(paths.world, generated.world);
  writeJsonFile(paths.expected, generated.expected);
  return paths;
}

/** The fields of a result the generator predicts (all but evidence), in results.schema.json order. */
export const PREDICTED_FIELDS = ['decision', 'action', 'reasons', 'lossDate', 'certifiedMonth', 'certifiedUntil', 'riskLevel', 'overpaidMonths', 'overpaidAmountFen'] as const;

/** How a hub's result differs from the generator's expectation for that person: one line per field (empty when it agrees). */
export function resultDifferences(result: Result, expected: ExpectedResult | undefined): string[] {
  if (!expected) return [`${result.personId}: no expected result (not on the roster?)`];
  const out: string[] = [];
  for (const k of PREDICTED_FIELDS) {
    const got = JSON.stringify(result[k]);
    const want = JSON.stringify(expected[k]);
    if (got !== want) out.push(`${result.personId} ${k}: got ${got}, expected ${want}`);
  }
  return out;
}
