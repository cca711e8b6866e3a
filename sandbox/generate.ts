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
import { DIRT } from './generate/dirt.ts';
import { SCENARIO_KINDS } from './generate/scenarios.ts';
import { buildPersons, dirtExtra, outsiderCount, planPersons, scenarioPicker, settle, writeDirt, writeOutsiders } from './generate/plan.ts';
import type { Mix } from './generate/world-draft.ts';
import { STREAM_CHUNK, streamWorld, type StreamOptions, type StreamedWorld } from './generate/stream.ts';
import { writeJsonFile } from './generate/write.ts';
import type { ExpectedRejection, ExpectedSkip } from './generate/ledger.ts';
import type { ExpectedResult } from './generate/oracle.ts';

export type { ExpectedRejection, ExpectedSkip, ExpectedResult, Mix };
export { SCENARIO_KINDS, DIRT, STREAM_CHUNK };
export type { StreamedWorld, StreamOptions };

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
  /**
   * `catalogue` (default): every scenario and dirt item at the catalogue's rates, built to exercise
   * every rule; `month`: a realistic monthly volume — about three records per person, mostly alive
   * signals, deaths, cancellations and sentences at real monthly rates (sandbox/README.md)
   */
  mix?: Mix;
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

/** Generate a world and what the hub must make of it. Deterministic for a seed and options. */
export function generateWorld(options: GenerateOptions): GeneratedWorld {
  const s = settle(options);
  const g = new Gen({ persons: s.persons, seed: s.seed, period: s.period, asOf: s.asOf, faults: s.faults, cities: s.cities, mix: s.mix });

  // every scenario once (as far as the roster allows), the rest drawn by weight
  buildPersons(g, planPersons(g, s.persons, true, scenarioPicker(g, s.mix)));

  // dirt: every item once, then more in proportion to the roster, about outsiders and plain recipients
  const dirtCounts: Record<string, number> = {};
  writeDirt(g, g.persons, true, dirtExtra(s.persons), dirtCounts);

  const outsiders = outsiderCount(s.persons);
  writeOutsiders(g, outsiders);

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

/**
 * Generate a world straight into its files (`worldPaths(target)`), streamed: persons are made in
 * chunks of STREAM_CHUNK and spilled to temporary files beside the world, then merged, so memory
 * stays bounded whatever the number of persons (10,000,000 persons fit in a few hundred MB).
 * Deterministic for a seed and options (the same bytes every time), with the shape of
 * `writeWorld`'s files — but not `generateWorld`'s world for the same seed: the dice are thrown in
 * another order (chunk by chunk). Returns the counts and catalogue, not the world.
 */
export function generateWorldFiles(options: GenerateOptions, target: string | { dir: string } | { world: string; expected?: string }, streamOptions: StreamOptions = {}): StreamedWorld {
  return streamWorld(options, worldPaths(target), streamOptions);
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
