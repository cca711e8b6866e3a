// What the scenario sections share: the shape of a scenario and the helpers that recur across
// sections (one death through any channel of an origin, a hukou cancellation or normal statement
// on either household channel, a sentence's records, a second pension, a suspended person).
import type { RosterEntry } from '../../../schemas/types.ts';
import type { DeathFact, DeathOrigin, Person, Subject, WriteOpts } from '../world-draft.ts';
import type { Gen } from '../builder.ts';
import { addDays, addMonths, minDate } from '../calendar.ts';
import { OTHER_PROVINCES, PRISONS } from '../geography.ts';
import { impossibleDate, timeOfDay } from '../forms.ts';

export interface Scenario {
  kind: string;
  /** relative share when the roster is filled beyond one person per scenario */
  weight: number;
  build: (g: Gen) => void;
}

/** A day between `from` and `to` days before the horizon. */
export function ago(g: Gen, nearest: number, farthest: number): string {
  return g.dateBetween(g.daysAgo(farthest), g.daysAgo(nearest));
}

export function quiet(p: Person): void {
  p.noise.alive = false;
}

export function strongAuth(g: Gen, s: Subject, date: string, o: WriteOpts = {}): void {
  g.ministry.auth(s, date, g.rng.pick(['01', '02', '03', '04', '05', '06']), '1', o);
}

export function firstOfMonth(month: string): string {
  return `${month}-01`;
}

const DEATH_VIAS = {
  ministry: ['ministry'],
  health: ['health', 'health-relay'],
  civil: ['civil', 'civil-relay'],
  police: ['police-city', 'police-relay', 'police-bigdata'],
} as const;

export type DeathVia = 'ministry' | 'health' | 'health-relay' | 'civil' | 'civil-relay' | 'police-city' | 'police-relay' | 'police-bigdata';

/**
 * Write one death record through a channel. `kind` `death` gives the death date itself where the
 * channel carries one (police city records never do: their date is the cancellation, a proxy).
 */
export function writeDeath(g: Gen, s: Subject, via: DeathVia, d: string, kind: 'death' | 'proxy', o: WriteOpts = {}): DeathFact | null {
  const after = (lo: number, hi: number) => minDate(addDays(d, g.rng.int(lo, hi)), g.daysAgo(1));
  switch (via) {
    case 'ministry': return g.ministry.death(s, d, o);
    case 'health': return g.health.death(s, d, o);
    case 'health-relay': return g.bigdata.death(s, d, 'health', o);
    case 'police-bigdata': return g.bigdata.death(s, d, 'police', o);
    case 'civil':
      return kind === 'death'
        ? g.civil.death(s, { death: d, cremation: g.rng.chance(0.85) ? after(1, 3) : null }, o)
        : g.civil.death(s, { death: null, cremation: d }, o);
    case 'civil-relay':
      return kind === 'death' ? g.bigdata.cremation(s, d, after(1, 3), o) : g.bigdata.cremation(s, null, d, o);
    case 'police-city':
      return g.police.hukou(s, g.rng.pick(['死亡', '死亡', '宣告死亡']), kind === 'death' ? after(1, 10) : d, o);
    case 'police-relay':
      return kind === 'death'
        ? g.bigdata.hukou(s, { code: '01', date: after(1, 10), deathDate: d }, o)
        : g.bigdata.hukou(s, { code: g.rng.pick(['01', '02'] as const), date: d }, o);
  }
}

/** A channel of an origin that carries a real death date (not only a proxy). */
export function datedVia(g: Gen, origin: DeathOrigin): DeathVia {
  if (origin === 'police') return g.rng.pick(['police-relay', 'police-bigdata'] as const);
  return g.rng.pick(DEATH_VIAS[origin]);
}

export function anyVia(g: Gen, origin: DeathOrigin): DeathVia {
  return g.rng.pick(DEATH_VIAS[origin]);
}

export function origins(g: Gen, n: number): DeathOrigin[] {
  return g.rng.shuffle<DeathOrigin>(['ministry', 'health', 'civil', 'police']).slice(0, n);
}

export function must<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`generator bug: ${what} did not count`);
  return value;
}

/** A person suspended since `since` (their pension started before it). */
export function suspended(g: Gen, kind: string, reason: NonNullable<RosterEntry['suspendReason']>, since: string, opts: { ageMax?: number } = {}): Person {
  const p = g.person(kind, { startedBy: addMonths(since, -1), ...opts });
  g.suspend(p, reason, since);
  return p;
}

export function emigrate(g: Gen, s: Subject, date: string, o: WriteOpts = {}): 'bigdata' | 'police' {
  if (g.rng.chance(0.5)) {
    // some feeds carry a stray, even impossible, death date on a cancellation for another reason: never checked
    const raw = g.rng.chance(0.3) ? { SWRQ: impossibleDate('compact', g.rng, date.slice(0, 4)) } : undefined;
    g.bigdata.hukou(s, { code: '03', date }, { ...o, raw: { ...raw, ...o.raw } });
    return 'bigdata';
  }
  g.police.hukou(s, '出国定居', date, o);
  return 'police';
}

export function normalOn(g: Gen, s: Subject, channel: 'bigdata' | 'police', day: string, time?: string): void {
  const updated = `${day} ${time ?? timeOfDay(g.rng)}`;
  if (channel === 'bigdata') g.bigdata.hukou(s, { code: 'normal', date: day }, { updated });
  else g.police.hukou(s, null, null, { updated });
}

export function cancelVia(g: Gen, s: Subject, reason: 'NATIONALITY_LOST' | 'MISSING' | 'OTHER' | 'MOVED_OUT' | 'MILITARY', date: string, channel: 'bigdata' | 'police', o: WriteOpts = {}): void {
  const codes = { NATIONALITY_LOST: ['07', '丧失国籍'], MISSING: ['04', '宣告失踪'], OTHER: ['99', '其他'], MOVED_OUT: ['05', '迁出'], MILITARY: ['06', '服兵役'] } as const;
  const [code, text] = codes[reason];
  if (channel === 'bigdata') g.bigdata.hukou(s, { code, date }, o);
  else g.police.hukou(s, text, date, o);
}

export function channelOf(g: Gen): 'bigdata' | 'police' {
  return g.rng.chance(0.5) ? 'bigdata' : 'police';
}

export function prisonRecord(g: Gen, s: Subject, start: string, end: string | null, via: 'ministry' | 'bigdata', o: WriteOpts = {}): void {
  const key = `${s.personId}/${start}`;
  // every record of one sentence names the same prison
  const prison = g.notes.get(key) ?? (s.sex === '2' ? '广东省女子监狱' : g.rng.pick(PRISONS.filter((x) => x !== '广东省女子监狱')));
  g.notes.set(key, prison);
  if (via === 'ministry') g.ministry.prison(s, start, end, prison, o);
  else g.bigdata.prison(s, start, end, prison, o);
}

export function anyPrisonVia(g: Gen): 'ministry' | 'bigdata' {
  return g.rng.chance(0.5) ? 'ministry' : 'bigdata';
}

export function secondPension(g: Gen): [string, string] {
  const type = g.rng.weighted<string>([['110', 5], ['120', 2], ['170', 2]]);
  const province = type === '170' ? g.rng.pick(OTHER_PROVINCES) : g.rng.chance(0.4) ? '440000' : g.rng.pick(OTHER_PROVINCES);
  return [type, province];
}
