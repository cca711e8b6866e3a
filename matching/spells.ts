// §0 "Merging": imprisonment events with one start date are one imprisonment, other-benefit
// events with one insurance type, province and start are one benefit; each ends at the latest
// non-empty end among its events, and makes a loss when one of its events is not misnamed.

import type { PeriodContext } from './calendar.ts';
import type { MatchEvent } from './types.ts';

/** A merged imprisonment or other benefit. */
export interface Spell {
  key: string;
  start: string;
  /** latest non-empty end among the merged events; '' when none has one */
  end: string;
  events: MatchEvent[];
  /** at least one event is not misnamed */
  makesLoss: boolean;
}

/** Merge `ev` into the spell of `key` (a new spell when there is none yet). */
export function addToSpell(spells: Spell[], key: string, ev: MatchEvent, notMisnamed: boolean): void {
  let spell: Spell | undefined;
  for (const s of spells) if (s.key === key) spell = s;
  if (spell === undefined) {
    spell = { key, start: ev.date, end: '', events: [], makesLoss: false };
    spells.push(spell);
  }
  spell.events.push(ev);
  const end = ev.endDate ?? '';
  if (end > spell.end) spell.end = end;
  if (notMisnamed) spell.makesLoss = true;
}

export function isCurrent(spell: Spell, ctx: PeriodContext): boolean {
  // start ≤ last day of P holds already: later events do not count at all
  return spell.start <= ctx.lastDay && (spell.end === '' || spell.end >= ctx.firstDay);
}

/** The key that merges other-benefit events: insurance type, province and start. */
export function benefitKey(ev: MatchEvent): string {
  return `${ev.detail.insuranceType ?? ''}\u0000${ev.detail.province ?? ''}\u0000${ev.date}`;
}
