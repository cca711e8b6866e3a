// §5 Certification validity and deferred certification (递延认证): the confirmation month C,
// the risk level and its cycle, and certifiedUntil = C + cycle.

import type { RosterEntry } from '../schemas/types.ts';
import { ageOnLastDay, monthFromIndex, monthIndex, type PeriodContext } from './calendar.ts';
import { isStrong } from './event-traits.ts';
import type { MatchEvent } from './types.ts';

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

const CYCLE_MONTHS = { LOW: 12, MEDIUM: 6, HIGH: 3 } as const;

export interface Certification {
  /** the date of the latest counted ALIVE event (any strength), '' when none */
  latestAlive: string;
  /** C: the later of lastCertifiedMonth and the month of latestAlive */
  confirmedMonth: string;
  riskLevel: RiskLevel;
  certifiedUntil: string;
  /** certifiedUntil ≥ P */
  valid: boolean;
}

function riskLevelOf(score: number): RiskLevel {
  return score >= 3 ? 'HIGH' : score >= 1 ? 'MEDIUM' : 'LOW';
}

/** `alive`: the counted ALIVE events; `overseas`: whether any OVERSEAS_AUTH event counts. */
export function certify(entry: RosterEntry, alive: readonly MatchEvent[], overseas: boolean, ctx: PeriodContext): Certification {
  let latestAlive = '';
  let recentStrong = false;
  for (const ev of alive) {
    if (ev.date > latestAlive) latestAlive = ev.date;
    if (!recentStrong && ev.date >= ctx.staleFromDay && isStrong(ev)) recentStrong = true;
  }
  const aliveMonth = latestAlive === '' ? '' : latestAlive.slice(0, 7);
  const confirmedMonth = aliveMonth > entry.lastCertifiedMonth ? aliveMonth : entry.lastCertifiedMonth;
  const age = ageOnLastDay(entry.birthDate, ctx);
  let score = age >= 90 ? 2 : age >= 80 ? 1 : 0;
  if (!recentStrong && entry.lastCertifiedMonth < ctx.staleFromMonth) score += 1;
  if (overseas) score += 1;
  const riskLevel = riskLevelOf(score);
  const certifiedUntil = monthFromIndex(monthIndex(confirmedMonth) + CYCLE_MONTHS[riskLevel]);
  return { latestAlive, confirmedMonth, riskLevel, certifiedUntil, valid: certifiedUntil >= ctx.period };
}

/** §7: the counted ALIVE events dated on the latest date (DEFERRED, RECERTIFIED), added to `into`. */
export function addLatestAlive(into: MatchEvent[], alive: readonly MatchEvent[], latestAlive: string): void {
  for (const ev of alive) if (ev.date === latestAlive) into.push(ev);
}
