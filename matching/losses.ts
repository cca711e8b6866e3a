// §3 Losses: every reason that applies, its date, the events behind it (§7) and the months it
// makes overpaid (§6). Conflicts block the status losses — death, nationality, missing — but
// never a current imprisonment or a second pension: those are paid by no one's doubt.

import type { ReasonCode } from '../schemas/types.ts';
import { monthIndex, type PeriodContext } from './calendar.ts';
import type { CountedEvents } from './counted-events.ts';
import type { DeathEvidence } from './death-evidence.ts';
import { OPEN_END, type MonthRange } from './overpayment.ts';
import { isCurrent } from './spells.ts';
import type { MatchEvent } from './types.ts';

export interface Losses {
  /** in no particular order, each once */
  readonly reasons: readonly ReasonCode[];
  /** the earliest loss date, '' when there is no loss */
  readonly lossDate: string;
  /** the events behind them, possibly repeated */
  readonly evidence: readonly MatchEvent[];
  /** §6: the overpaid month ranges, one per loss (a range per current spell) */
  readonly overpaid: readonly MonthRange[];
}

const NO_LOSSES: Losses = { reasons: [], lossDate: '', evidence: [], overpaid: [] };

export function findLosses(counted: CountedEvents, death: DeathEvidence, conflicted: boolean, ctx: PeriodContext): Losses {
  // every loss needs a death, a cancellation, an imprisonment or another benefit: most persons have none
  if (counted.deaths.length === 0 && counted.cancellations.length === 0 && counted.prisons.length === 0 && counted.benefits.length === 0) {
    return NO_LOSSES;
  }
  const losses = { reasons: [] as ReasonCode[], lossDate: '', evidence: [] as MatchEvent[], overpaid: [] as MonthRange[] };
  const note = (reason: ReasonCode, date: string): void => {
    if (!losses.reasons.includes(reason)) losses.reasons.push(reason);
    if (losses.lossDate === '' || date < losses.lossDate) losses.lossDate = date;
  };

  if (death.hasHubDeath || (death.originCount >= 2 && !conflicted)) {
    note('DEATH', death.deathDate);
    for (const ev of counted.deaths) losses.evidence.push(ev);
    losses.overpaid.push([monthIndex(death.deathDate) + 1, OPEN_END]);
  }
  if (!conflicted) {
    for (const reason of ['NATIONALITY_LOST', 'MISSING'] as const) {
      let earliest = '';
      for (const ev of counted.cancellations) {
        if (ev.detail.reason !== reason) continue;
        if (earliest === '' || ev.date < earliest) earliest = ev.date;
        losses.evidence.push(ev);
      }
      if (earliest !== '') {
        note(reason, earliest);
        losses.overpaid.push([monthIndex(earliest) + 1, OPEN_END]);
      }
    }
  }
  for (const spell of counted.prisons) {
    if (!spell.makesLoss || !isCurrent(spell, ctx)) continue;
    note('IMPRISONED', spell.start);
    for (const ev of spell.events) losses.evidence.push(ev);
    losses.overpaid.push([monthIndex(spell.start) + 1, spell.end === '' ? OPEN_END : monthIndex(spell.end)]);
  }
  for (const spell of counted.benefits) {
    if (!spell.makesLoss || !isCurrent(spell, ctx)) continue;
    note('DUPLICATE', spell.start);
    for (const ev of spell.events) losses.evidence.push(ev);
    losses.overpaid.push([monthIndex(spell.start), spell.end === '' ? OPEN_END : monthIndex(spell.end)]);
  }
  return losses;
}
