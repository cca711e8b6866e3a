// Shared fixtures for the decision-engine tests: the worked examples, a seeded shuffle, and
// builders for roster entries and events.

import fs from 'node:fs';
import path from 'node:path';
import type { Result, RosterEntry } from '../../schemas/types.ts';
import type { MatchEvent } from '../../matching/types.ts';

export interface DecisionExample {
  name: string;
  explains: string;
  period: string;
  asOf: string;
  roster: RosterEntry;
  events: MatchEvent[];
  expected: Result;
}

export function loadExamples(): DecisionExample[] {
  const file = path.join(import.meta.dirname, '..', 'data', 'decisions.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DecisionExample[];
}

/** mulberry32: a small seeded generator, so a failing shuffle can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export const PERIOD = '2026-11';
export const AS_OF = '2026-11-28';
export const OPTIONS = { period: PERIOD, asOf: AS_OF };
export const PID = '440106195504120224';
export const OTHER_PID = '440106195504120240';
export const NAME = '陈秀兰';

export function roster(overrides: Partial<RosterEntry> = {}): RosterEntry {
  return {
    personId: PID,
    name: NAME,
    sex: '2',
    birthDate: '1955-04-12',
    areaCode: '440106',
    benefitStatus: 'normal',
    accountStatus: 'active',
    lastCertifiedMonth: '2026-06',
    startedMonth: '2015-05',
    paidThrough: '2026-10',
    monthlyAmountFen: 28350,
    ...overrides,
  };
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}${String(counter).padStart(6, '0')}`;
}

type EventOverrides = Partial<MatchEvent>;

function event(base: Omit<MatchEvent, 'personId' | 'name' | 'sourceUpdatedAt'>, o: EventOverrides): MatchEvent {
  return {
    personId: PID,
    name: NAME,
    sourceUpdatedAt: `${base.date}T10:15:00+08:00`,
    ...base,
    ...o,
  };
}

/** A death: by default a health certificate with a date of kind `death`. */
export function death(date: string, o: EventOverrides & { dateKind?: 'death' | 'proxy' } = {}): MatchEvent {
  const { dateKind, ...rest } = o;
  return event(
    { source: 'health', dataset: 'death-certificates', recordId: nextId('Q'), origin: 'health', kind: 'DEATH', date, detail: { dateKind: dateKind ?? 'death' } },
    rest,
  );
}

export function civilDeath(date: string, o: EventOverrides & { dateKind?: 'death' | 'proxy' } = {}): MatchEvent {
  return death(date, { source: 'civil', dataset: 'cremation', recordId: `HH_440106_20261103.csv:${nextId('')}`, origin: 'civil', ...o });
}

export function ministryDeath(date: string, o: EventOverrides = {}): MatchEvent {
  return death(date, { source: 'ministry', dataset: 'DEATH', recordId: nextId('SW'), origin: 'ministry', ...o });
}

export function policeHukouDeath(date: string, o: EventOverrides = {}): MatchEvent {
  return death(date, { source: 'police-4401', dataset: 'hukou', recordId: nextId('4401HJ'), origin: 'police', dateKind: 'proxy', ...o });
}

export function alive(date: string, signal: string, o: EventOverrides = {}): MatchEvent {
  const strong = signal === 'FACE_AUTH' || signal === 'REMOTE_ASSIST' || signal === 'OVERSEAS_AUTH' || signal === 'ONSITE';
  const where: Record<string, [string, string, string]> = {
    FACE_AUTH: ['ministry', 'AUTH', 'RZ'],
    REMOTE_ASSIST: ['ministry', 'AUTH', 'RZ'],
    OVERSEAS_AUTH: ['ministry', 'OVERSEAS', 'JW'],
    TRAVEL: ['ministry', 'TRAVEL', 'CX'],
    MEDICAL: ['ministry', 'MEDICAL', 'JY'],
    VACCINATION: ['health', 'vaccinations', 'VAC'],
    CHECKUP: ['health', 'checkups', 'TJ'],
    ONSITE: ['hub', 'onsite', 'ONS'],
  };
  const [source, dataset, prefix] = where[signal];
  const origin = source === 'hub' ? 'hub' : (source as 'ministry' | 'health');
  return event(
    { source, dataset, recordId: nextId(prefix), origin, kind: 'ALIVE', date, detail: { signal, strength: strong ? 'strong' : 'weak' } },
    o,
  );
}

export function hukouNormal(date: string, o: EventOverrides = {}): MatchEvent {
  return event(
    { source: 'bigdata', dataset: 'hukou', recordId: nextId('HK'), origin: 'police', kind: 'HUKOU_NORMAL', date, detail: {} },
    { sourceUpdatedAt: `${date}T09:00:00+08:00`, ...o },
  );
}

export function hukouCancelled(date: string, reason: string, o: EventOverrides = {}): MatchEvent {
  return event(
    { source: 'police-4401', dataset: 'hukou', recordId: nextId('4401HJ'), origin: 'police', kind: 'HUKOU_CANCELLED', date, detail: { reason } },
    o,
  );
}

export function prison(start: string, end: string | undefined, o: EventOverrides = {}): MatchEvent {
  const base = event(
    { source: 'ministry', dataset: 'PRISON', recordId: nextId('FX'), origin: 'justice', kind: 'IMPRISONED', date: start, detail: {} },
    o,
  );
  if (end !== undefined) base.endDate = end;
  return base;
}

export function benefit(start: string, end: string | undefined, insuranceType = '110', province = '310000', o: EventOverrides = {}): MatchEvent {
  const base = event(
    { source: 'ministry', dataset: 'BENEFIT', recordId: nextId('DY'), origin: 'ministry', kind: 'OTHER_BENEFIT', date: start, detail: { insuranceType, province } },
    o,
  );
  if (end !== undefined) base.endDate = end;
  return base;
}

/** Hub events of case outcomes (dataset `cases`, record id = the case id). */
export function hubDeath(date: string): MatchEvent {
  return event({ source: 'hub', dataset: 'cases', recordId: nextId('CASE-'), origin: 'hub', kind: 'DEATH', date, detail: { dateKind: 'death' } }, {});
}

export function hubOnsite(date: string, dataset: 'cases' | 'onsite' = 'cases'): MatchEvent {
  return alive(date, 'ONSITE', { dataset, recordId: nextId(dataset === 'cases' ? 'CASE-' : 'ONS-') });
}

export function hubPrison(start: string, end?: string): MatchEvent {
  return prison(start, end, { source: 'hub', dataset: 'cases', recordId: nextId('CASE-'), origin: 'hub' });
}

export function hubBenefit(start: string, end: string | undefined, insuranceType: string, province: string): MatchEvent {
  return benefit(start, end, insuranceType, province, { source: 'hub', dataset: 'cases', recordId: nextId('CASE-'), origin: 'hub' });
}

export function ref(e: MatchEvent): { source: string; dataset: string; recordId: string; origin: string } {
  return { source: e.source, dataset: e.dataset, recordId: e.recordId, origin: e.origin };
}
