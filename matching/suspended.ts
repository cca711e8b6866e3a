// §4.4 A suspended benefit: restored when the reason for the suspension is gone (RELEASED after
// an imprisonment, RECERTIFIED after an expired certification or a suspected death, article
// 17), otherwise sealed after 24 months (article 9, not for imprisonment) or left suspended.

import type { ReasonCode, RosterEntry } from '../schemas/types.ts';
import { monthIndex, type PeriodContext } from './calendar.ts';
import type { CountedEvents } from './counted-events.ts';
import { isStrong } from './event-traits.ts';
import { isCurrent } from './spells.ts';
import type { MatchEvent } from './types.ts';
import { addLatestAlive, type Certification } from './validity.ts';

/** §4.4 article 9: suspended this many months (not for imprisonment) → seal the account. */
const SEAL_AFTER_MONTHS = 24;

export interface Restoration {
  reason: 'RELEASED' | 'RECERTIFIED';
  /** the events behind it (§7), possibly repeated */
  evidence: MatchEvent[];
}

/** What a suspended entry's events would restore it for, before §5 validity is asked; null when nothing. */
export function restoration(entry: RosterEntry, counted: CountedEvents, cert: Certification, ctx: PeriodContext): Restoration | null {
  const reason = entry.suspendReason;
  const evidence: MatchEvent[] = [];
  if (reason === 'IMPRISONED') {
    let anyCurrent = false;
    let latestEnd = '';
    for (const spell of counted.prisons) {
      if (isCurrent(spell, ctx)) anyCurrent = true;
      else if (spell.end !== '' && spell.end < ctx.firstDay && spell.end > latestEnd) latestEnd = spell.end;
    }
    if (anyCurrent || latestEnd === '') return null;
    for (const ev of counted.alive) if (isStrong(ev) && ev.date > latestEnd) evidence.push(ev);
    if (evidence.length === 0) return null;
    for (const spell of counted.prisons) if (spell.end === latestEnd) for (const ev of spell.events) evidence.push(ev);
    return { reason: 'RELEASED', evidence };
  }
  if (reason === 'CERT_EXPIRED' || reason === 'DEATH_SUSPECTED') {
    const since = `${entry.suspendedSince as string}-01`;
    for (const ev of counted.alive) if (isStrong(ev) && ev.date >= since) evidence.push(ev);
    if (evidence.length === 0) return null;
    addLatestAlive(evidence, counted.alive, cert.latestAlive);
    return { reason: 'RECERTIFIED', evidence };
  }
  return null;
}

/** A suspended entry not restored: SEAL when due (article 9), else it remains suspended. */
export function unrestored(entry: RosterEntry, ctx: PeriodContext): { action: 'SEAL' | 'NONE'; reason: ReasonCode } {
  const sealDue = ctx.periodIndex - monthIndex(entry.suspendedSince as string) >= SEAL_AFTER_MONTHS && entry.suspendReason !== 'IMPRISONED';
  return sealDue ? { action: 'SEAL', reason: 'SEAL_DUE' } : { action: 'NONE', reason: 'REMAINS_SUSPENDED' };
}
