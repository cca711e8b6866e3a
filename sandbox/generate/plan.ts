// The steps both generators share (generate.ts builds a world in memory, stream.ts in chunks of
// persons): the settled options, the scenario plan of a batch of roster persons, the dirt and the
// outsiders written beside them.
import type { GenerateOptions } from '../generate.ts';
import type { Gen } from './builder.ts';
import type { Mix, Person } from './world-draft.ts';
import { addMonths, isRealDate, lastDayOfMonth } from './calendar.ts';
import { DEFAULT_CITY_CODES, cityByCode } from './geography.ts';
import { DIRT, outsiderRecords, type DirtItem } from './dirt.ts';
import { MONTH_WEIGHTS, SCENARIOS, type Scenario } from './scenarios.ts';

export type Settled = Required<GenerateOptions>;

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function settle(options: GenerateOptions): Settled {
  const period = options.period ?? '2026-11';
  const asOf = options.asOf ?? '2026-11-28';
  const faults = options.faults ?? true;
  const cities = options.cities ?? [...DEFAULT_CITY_CODES];
  const mix = options.mix ?? 'catalogue';
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
  if (mix !== 'catalogue' && mix !== 'month') throw new RangeError(`mix must be 'catalogue' or 'month', got ${String(mix)}`);
  for (const c of cities) cityByCode(c);
  return { persons: options.persons, seed: options.seed, period, asOf, faults, cities, mix };
}

/** The scenario picker of a mix (one per world: it keeps its cumulative weights). */
export function scenarioPicker(g: Gen, mix: Mix): () => Scenario {
  return g.rng.picker(mix === 'month' ? MONTH_WEIGHTS : SCENARIOS.map((x) => [x, x.weight] as const));
}

/**
 * The scenarios of `count` roster persons; `everyOnce`: every scenario of the catalogue once (as
 * far as `count` allows) before the drawn ones, so that even a small world exercises every rule.
 */
export function planPersons(g: Gen, count: number, everyOnce: boolean, draw: () => Scenario): Scenario[] {
  const plan: Scenario[] = !everyOnce ? [] : count >= SCENARIOS.length ? [...SCENARIOS] : g.rng.shuffle([...SCENARIOS]).slice(0, count);
  while (plan.length < count) plan.push(draw());
  g.rng.shuffle(plan);
  return plan;
}

/** Build each planned scenario: one roster person each. */
export function buildPersons(g: Gen, plan: readonly Scenario[]): void {
  for (const scenario of plan) {
    const before = g.persons.length;
    scenario.build(g);
    if (g.persons.length !== before + 1) throw new Error(`generator bug: scenario ${scenario.kind} made ${g.persons.length - before} persons`);
  }
}

const REPEATABLE = DIRT.filter((d) => !d.once);

/** Dirt: every item once when `everyOnce`, then `extra` drawn items, about plain persons of `among` and local outsiders. */
export function writeDirt(g: Gen, among: readonly Person[], everyOnce: boolean, extra: number, counts: Record<string, number>): void {
  const plainPersons = among.filter((p) => p.scenario === 'plain');
  const dirtPlan: DirtItem[] = everyOnce ? [...DIRT] : [];
  for (let i = 0; i < extra; i++) dirtPlan.push(g.rng.pick(REPEATABLE));
  for (const item of dirtPlan) {
    const subject = plainPersons.length > 0 && g.rng.chance(0.3) ? g.rng.pick(plainPersons).subject : g.localOutsider();
    item.write(g, subject);
    counts[item.name] = (counts[item.name] ?? 0) + 1;
  }
}

/** People the roster does not hold: the sources serve the whole population. */
export function writeOutsiders(g: Gen, n: number): void {
  for (let i = 0; i < n; i++) {
    const who = g.outsider(g.rng.chance(0.25) ? 'national' : 'city');
    outsiderRecords(g, who);
    if (g.rng.chance(0.3)) outsiderRecords(g, who);
  }
}

/** Dirt items drawn beyond the catalogue's once each, and outsiders, for a roster of `persons`. */
export function dirtExtra(persons: number): number {
  return Math.round(persons * 0.02);
}

export function outsiderCount(persons: number): number {
  return Math.max(20, Math.round(persons * 0.25));
}
