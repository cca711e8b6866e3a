// §2 Conflicts: every reason that applies, each with the counted events behind it (§7). A hub
// DEATH settles the death conflicts; a listed death conflict brings the DEATH events as evidence.

import type { ReasonCode } from '../schemas/types.ts';
import { dayNumber } from './calendar.ts';
import type { CountedEvents } from './counted-events.ts';
import type { DeathEvidence } from './death-evidence.ts';
import { isStrong } from './event-traits.ts';
import type { MatchEvent } from './types.ts';

/** §2: a weak ALIVE event (a bill, a hospital record) may arrive dated up to 7 days after a death. */
const WEAK_ALIVE_GRACE_DAYS = 7;
/** §2: death dates of two origins further apart than this conflict. */
const DEATH_DATE_TOLERANCE_DAYS = 31;

export interface Conflicts {
  /** in no particular order, each once */
  readonly reasons: readonly ReasonCode[];
  /** the events behind them, possibly repeated */
  readonly evidence: readonly MatchEvent[];
}

const NO_CONFLICTS: Conflicts = { reasons: [], evidence: [] };

export function findConflicts(counted: CountedEvents, death: DeathEvidence): Conflicts {
  const { alive, hukouNormal, cancellations } = counted;
  // every conflict needs a death, an effective cancellation or a misnamed event: most persons have none
  if (counted.deaths.length === 0 && cancellations.length === 0 && counted.misnamedOthers.length === 0) return NO_CONFLICTS;
  const reasons: ReasonCode[] = [];
  const evidence: MatchEvent[] = [];
  const hasHubDeath = death.hasHubDeath;
  const deathDate = death.deathDate;
  let deathEvidenceNeeded = false;

  if (!hasHubDeath && deathDate !== '') {
    const deathDay = dayNumber(deathDate);
    let found = false;
    for (const ev of alive) {
      const after = isStrong(ev) ? ev.date > deathDate : dayNumber(ev.date) - deathDay > WEAK_ALIVE_GRACE_DAYS;
      if (after) {
        found = true;
        evidence.push(ev);
      }
    }
    if (found) {
      reasons.push('ALIVE_AFTER_DEATH');
      deathEvidenceNeeded = true;
    }
  }
  if (!hasHubDeath && death.originCount === 1) {
    reasons.push('SINGLE_SOURCE_DEATH');
    deathEvidenceNeeded = true;
  }
  if (!hasHubDeath && death.originCount >= 2) {
    const lo = death.earliestOriginDeath;
    if (lo !== '' && dayNumber(death.latestOriginDeath) - dayNumber(lo) > DEATH_DATE_TOLERANCE_DAYS) {
      reasons.push('DEATH_DATE_CONFLICT');
      deathEvidenceNeeded = true;
    }
  }
  if (!hasHubDeath && hukouNormal.length > 0) {
    let earliestCancel = '';
    for (const ev of cancellations) if (earliestCancel === '' || ev.date < earliestCancel) earliestCancel = ev.date;
    const earliestDeath = death.earliestSourceDeath;
    let latestConflictingNormal = '';
    let afterDeath = false;
    for (const ev of hukouNormal) {
      const pastDeath = earliestDeath !== '' && ev.date > earliestDeath;
      const pastCancel = earliestCancel !== '' && ev.date > earliestCancel;
      if (!pastDeath && !pastCancel) continue;
      if (pastDeath) afterDeath = true;
      if (ev.date > latestConflictingNormal) latestConflictingNormal = ev.date;
      evidence.push(ev);
    }
    if (latestConflictingNormal !== '') {
      reasons.push('STATUS_CONFLICT');
      // the cancellations some normal record contradicts
      for (const ev of cancellations) if (ev.date < latestConflictingNormal) evidence.push(ev);
      if (afterDeath) deathEvidenceNeeded = true;
    }
  }
  // a misnamed DEATH does not conflict when staff verified the death
  const misnamedDeaths = hasHubDeath ? 0 : counted.misnamedDeaths.length;
  if (misnamedDeaths > 0 || counted.misnamedOthers.length > 0) {
    reasons.push('NAME_MISMATCH');
    if (misnamedDeaths > 0) for (const ev of counted.misnamedDeaths) evidence.push(ev);
    for (const ev of counted.misnamedOthers) evidence.push(ev);
  }
  let other = false;
  let abroad = false;
  for (const ev of cancellations) {
    if (ev.detail.reason === 'OTHER') {
      other = true;
      evidence.push(ev);
    } else if (ev.detail.reason === 'EMIGRATED') {
      abroad = true;
      evidence.push(ev);
    }
  }
  if (other) reasons.push('HUKOU_CANCELLED_OTHER');
  if (abroad) reasons.push('SETTLED_ABROAD');

  if (deathEvidenceNeeded) for (const ev of counted.deaths) evidence.push(ev);
  return { reasons, evidence };
}
