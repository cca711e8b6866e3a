// §7 The result record: every field present, reasons sorted without repeats, evidence as
// {source, dataset, recordId, origin} once each, sorted in byte (UTF-8) order.

import type { EvidenceRef, ReasonCode, Result, RosterEntry } from '../schemas/types.ts';
import { compareUtf8, type PeriodContext } from './calendar.ts';
import type { MatchEvent } from './types.ts';

/** The record before any rule: excluded, no action, every optional field null. */
export function baseResult(entry: RosterEntry, ctx: PeriodContext): Result {
  return {
    period: ctx.period,
    personId: entry.personId,
    areaCode: entry.areaCode,
    decision: 'excluded',
    action: 'NONE',
    reasons: [],
    lossDate: null,
    certifiedMonth: null,
    certifiedUntil: null,
    riskLevel: null,
    overpaidMonths: null,
    overpaidAmountFen: null,
    evidence: [],
  };
}

function compareEvidence(a: EvidenceRef, b: EvidenceRef): number {
  return compareUtf8(a.source, b.source) || compareUtf8(a.dataset, b.dataset) || compareUtf8(a.recordId, b.recordId) || compareUtf8(a.origin, b.origin);
}

const NONE: readonly MatchEvent[] = [];

/** The evidence of `events` and `more`: each event once, sorted. */
export function toEvidence(events: readonly MatchEvent[], more: readonly MatchEvent[] = NONE): EvidenceRef[] {
  if (events.length + more.length === 0) return [];
  const refs: EvidenceRef[] = [];
  for (const e of events) refs.push({ source: e.source, dataset: e.dataset, recordId: e.recordId, origin: e.origin });
  for (const e of more) refs.push({ source: e.source, dataset: e.dataset, recordId: e.recordId, origin: e.origin });
  refs.sort(compareEvidence);
  let w = 1;
  for (let i = 1; i < refs.length; i++) if (compareEvidence(refs[i], refs[w - 1]) !== 0) refs[w++] = refs[i];
  refs.length = w;
  return refs;
}

/** The reasons of both lists, sorted alphabetically, each once. */
export function sortedReasons(a: readonly ReasonCode[], b: readonly ReasonCode[]): ReasonCode[] {
  const all = a.concat(b);
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[w - 1]) all[w++] = all[i];
  all.length = w;
  return all;
}
