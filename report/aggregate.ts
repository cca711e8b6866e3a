// One pass over the run's data into the few hundred figures the page shows. Results and
// rejections may number in the hundreds of thousands: only counts and a capped handful of
// examples are kept, never a row per person.
import type { Action, Decision, Result } from '../schemas/types.ts';
import { addMonths, chinaDate, parseUpdateTime } from '../lib/china-time.ts';
import type { ReportCase, ReportRejection } from './report-input.ts';
import { ACTIONS, DECISIONS, compareBytes } from './labels.ts';
import { createError } from '../lib/errors.ts';

/** Examples shown per source, dataset and rejection code. */
export const REJECTION_EXAMPLES = 3;
/** Cases listed per county (the rest are counted). */
export const CASES_LISTED_PER_COUNTY = 10;

export interface Tally {
  persons: number;
  decisions: Record<Decision, number>;
  actions: Record<Action, number>;
  /** eligible persons whose certification runs out within 3 months of the period (提醒名单) */
  reminders: number;
  overpaidPersons: number;
  overpaidMonths: number;
  overpaidFen: number;
}

export interface CountyTally extends Tally {
  areaCode: string;
}

export interface ResultSummary {
  total: Tally;
  /** by area code */
  counties: CountyTally[];
  /** persons listing each reason, most frequent first */
  reasons: { code: string; count: number }[];
}

function emptyTally(): Tally {
  return {
    persons: 0,
    decisions: { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 },
    actions: { NONE: 0, STOP: 0, SEAL: 0, VERIFY: 0, RECORD: 0, RESTORE: 0 },
    reminders: 0,
    overpaidPersons: 0,
    overpaidMonths: 0,
    overpaidFen: 0,
  };
}

function wholeOrZero(value: number | null, what: string, personId: string): number {
  if (value === null) return 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw createError('LIFECERT_REPORT_VALUE_INVALID', `result of ${personId}: ${what} ${value} is not a non-negative whole number`);
  }
  return value;
}

/**
 * Sums results of one period per county, one at a time (the demo feeds it while it writes
 * results.jsonl, so no list of the province's results is ever held). A result of another period,
 * or with a decision or action outside results.schema.json, is refused: the report would
 * otherwise misstate figures.
 */
export class ResultTally {
  private readonly total = emptyTally();
  private readonly byCounty = new Map<string, CountyTally>();
  private readonly reasons = new Map<string, number>();
  private readonly period: string;
  private readonly remindUntil: string;

  constructor(period: string) {
    this.period = period;
    this.remindUntil = addMonths(period, 3);
  }

  add(r: Result): void {
    const period = this.period;
    if (r.period !== period) throw createError('LIFECERT_REPORT_VALUE_INVALID', `result of ${r.personId} is for period ${r.period}, the report is for ${period}`);
    if (!DECISIONS.includes(r.decision)) throw createError('LIFECERT_REPORT_VALUE_INVALID', `result of ${r.personId}: unknown decision '${r.decision}'`);
    if (!ACTIONS.includes(r.action)) throw createError('LIFECERT_REPORT_VALUE_INVALID', `result of ${r.personId}: unknown action '${r.action}'`);
    let county = this.byCounty.get(r.areaCode);
    if (!county) {
      county = { areaCode: r.areaCode, ...emptyTally() };
      this.byCounty.set(r.areaCode, county);
    }
    const months = wholeOrZero(r.overpaidMonths, 'overpaidMonths', r.personId);
    const fen = wholeOrZero(r.overpaidAmountFen, 'overpaidAmountFen', r.personId);
    // workflow.md: eligible persons whose certifiedUntil lies within 3 months of P are reminded
    const remind = r.decision === 'eligible' && r.certifiedUntil !== null && r.certifiedUntil >= period && r.certifiedUntil <= this.remindUntil;
    for (const t of [this.total, county]) {
      t.persons++;
      t.decisions[r.decision]++;
      t.actions[r.action]++;
      if (remind) t.reminders++;
      if (months > 0 || fen > 0) t.overpaidPersons++;
      t.overpaidMonths += months;
      t.overpaidFen += fen;
    }
    for (const code of new Set(r.reasons)) this.reasons.set(code, (this.reasons.get(code) ?? 0) + 1);
  }

  summary(): ResultSummary {
    return {
      total: this.total,
      counties: [...this.byCounty.values()].sort((a, b) => compareBytes(a.areaCode, b.areaCode)),
      reasons: [...this.reasons].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || compareBytes(a.code, b.code)),
    };
  }
}

/** Sum the results of one period per county (see ResultTally). */
export function summarizeResults(results: Iterable<Result>, period: string): ResultSummary {
  const tally = new ResultTally(period);
  for (const r of results) tally.add(r);
  return tally.summary();
}

/** Keep the `limit` smallest items in order; O(limit) per item, limit being a handful. */
function keepSmallest<T>(kept: T[], item: T, limit: number, compare: (a: T, b: T) => number): void {
  if (kept.length === limit && compare(item, kept[limit - 1]) >= 0) return;
  let i = kept.length;
  while (i > 0 && compare(item, kept[i - 1]) < 0) i--;
  kept.splice(i, 0, item);
  if (kept.length > limit) kept.pop();
}

export interface RejectionGroup {
  channel: string;
  dataset: string;
  reasonCode: string;
  count: number;
  /** the first records by record id, at most REJECTION_EXAMPLES */
  examples: ReportRejection[];
}

const byRecord = (a: ReportRejection, b: ReportRejection) => compareBytes(a.recordId, b.recordId) || compareBytes(a.field, b.field);

/**
 * Rejections per source, dataset and code, with a few examples each, channels in the order of
 * `compareChannels` (the report's: the sources' order; default code-unit order).
 */
export function summarizeRejections(rejections: Iterable<ReportRejection>, compareChannels: (a: string, b: string) => number = compareBytes): RejectionGroup[] {
  const groups = new Map<string, RejectionGroup>();
  for (const r of rejections) {
    const key = `${r.channel}\u0000${r.dataset}\u0000${r.reasonCode}`;
    let g = groups.get(key);
    if (!g) {
      g = { channel: r.channel, dataset: r.dataset, reasonCode: r.reasonCode, count: 0, examples: [] };
      groups.set(key, g);
    }
    g.count++;
    keepSmallest(g.examples, r, REJECTION_EXAMPLES, byRecord);
  }
  return [...groups.values()].sort(
    (a, b) => compareChannels(a.channel, b.channel) || compareBytes(a.dataset, b.dataset) || compareBytes(a.reasonCode, b.reasonCode),
  );
}

export interface CountyCases {
  areaCode: string;
  count: number;
  /** opened in a month that has ended by asOf (当月清零: overdue) */
  overdue: number;
  reasons: { code: string; count: number }[];
  /** the oldest cases, at most CASES_LISTED_PER_COUNTY */
  listed: ReportCase[];
}

/** The China month `YYYY-MM` a case was opened in, or null when openedAt cannot be read. */
export function openedMonth(openedAt: string): string | null {
  const ms = parseUpdateTime(openedAt);
  return Number.isNaN(ms) ? null : chinaDate(ms).slice(0, 7);
}

const byOpening = (a: ReportCase, b: ReportCase) => compareBytes(a.openedAt, b.openedAt) || compareBytes(a.caseId, b.caseId);

/** Suspect cases per county with overdue counts; asOf is the demo's workflow clock. */
export function summarizeCases(cases: Iterable<ReportCase>, asOf: string): CountyCases[] {
  const asOfMonth = asOf.slice(0, 7);
  const counties = new Map<string, { c: CountyCases; reasons: Map<string, number> }>();
  for (const k of cases) {
    let entry = counties.get(k.areaCode);
    if (!entry) {
      entry = { c: { areaCode: k.areaCode, count: 0, overdue: 0, reasons: [], listed: [] }, reasons: new Map() };
      counties.set(k.areaCode, entry);
    }
    entry.c.count++;
    const month = openedMonth(k.openedAt);
    if (month !== null && month < asOfMonth) entry.c.overdue++;
    for (const code of new Set(k.reasons)) entry.reasons.set(code, (entry.reasons.get(code) ?? 0) + 1);
    keepSmallest(entry.c.listed, k, CASES_LISTED_PER_COUNTY, byOpening);
  }
  return [...counties.values()]
    .map(({ c, reasons }) => ({
      ...c,
      reasons: [...reasons].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || compareBytes(a.code, b.code)),
    }))
    .sort((a, b) => compareBytes(a.areaCode, b.areaCode));
}
