// §1 Death evidence: what the counted DEATH events establish — a hub DEATH, the number D of
// distinct source origins, the death date — and the dates §2's death conflicts compare.

import { isHub } from './event-traits.ts';
import type { MatchEvent } from './types.ts';

export interface DeathEvidence {
  /** a hub DEATH settles what it verifies (§0 "Hub events") */
  readonly hasHubDeath: boolean;
  /** D: distinct source origins (not hub) with a counted DEATH event */
  readonly originCount: number;
  /** the death date: a hub DEATH's, else the earliest of kind `death`, else the earliest proxy; '' when none */
  readonly deathDate: string;
  /** the earliest source DEATH date of either kind, '' when none (STATUS_CONFLICT) */
  readonly earliestSourceDeath: string;
  /**
   * Of each origin's earliest date of kind `death`, the earliest and the latest ('' when no
   * origin has one): DEATH_DATE_CONFLICT compares these, never proxy dates.
   */
  readonly earliestOriginDeath: string;
  readonly latestOriginDeath: string;
}

const NO_DEATH: DeathEvidence = {
  hasHubDeath: false,
  originCount: 0,
  deathDate: '',
  earliestSourceDeath: '',
  earliestOriginDeath: '',
  latestOriginDeath: '',
};

export function weighDeaths(deaths: readonly MatchEvent[]): DeathEvidence {
  if (deaths.length === 0) return NO_DEATH;
  let hubDeathDate = '';
  let earliestDeathKind = '';
  let earliestProxy = '';
  let earliestDeathAny = '';
  const deathOrigins: string[] = [];
  /** per origin in deathOrigins, its earliest date of kind `death` ('' when none) */
  const originDeathKind: string[] = [];
  for (const ev of deaths) {
    if (isHub(ev)) {
      if (hubDeathDate === '' || ev.date < hubDeathDate) hubDeathDate = ev.date;
      continue;
    }
    if (earliestDeathAny === '' || ev.date < earliestDeathAny) earliestDeathAny = ev.date;
    let i = deathOrigins.indexOf(ev.origin);
    if (i < 0) {
      i = deathOrigins.length;
      deathOrigins.push(ev.origin);
      originDeathKind.push('');
    }
    if (ev.detail.dateKind === 'death') {
      if (originDeathKind[i] === '' || ev.date < originDeathKind[i]) originDeathKind[i] = ev.date;
      if (earliestDeathKind === '' || ev.date < earliestDeathKind) earliestDeathKind = ev.date;
    } else if (earliestProxy === '' || ev.date < earliestProxy) {
      earliestProxy = ev.date;
    }
  }
  let lo = '';
  let hi = '';
  for (const d of originDeathKind) {
    if (d === '') continue; // proxy dates are never compared
    if (lo === '' || d < lo) lo = d;
    if (hi === '' || d > hi) hi = d;
  }
  const hasHubDeath = hubDeathDate !== '';
  return {
    hasHubDeath,
    originCount: deathOrigins.length,
    deathDate: hasHubDeath ? hubDeathDate : earliestDeathKind !== '' ? earliestDeathKind : earliestProxy,
    earliestSourceDeath: earliestDeathAny,
    earliestOriginDeath: lo,
    latestOriginDeath: hi,
  };
}
