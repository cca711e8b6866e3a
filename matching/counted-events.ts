// §0 "Counted events" of one roster entry, sorted by kind: only the entry's own events dated on
// or before the last day of P; for hukou, per channel only the record with the newest update
// time; §1's staff confirmation (a hub ONSITE) and §2's certification from abroad applied;
// imprisonments and other benefits merged into spells; misnamed events set aside for §2.

import type { RosterEntry } from '../schemas/types.ts';
import { parseUpdateTime } from '../lib/china-time.ts';
import { compareUtf8, type PeriodContext } from './calendar.ts';
import { isHub, isHukou } from './event-traits.ts';
import { normalizeName } from './names.ts';
import { addToSpell, benefitKey, type Spell } from './spells.ts';
import type { MatchEvent } from './types.ts';

export interface CountedEvents {
  /** hub and source DEATH events (a source one not confirmed away by staff) */
  deaths: MatchEvent[];
  alive: MatchEvent[];
  hukouNormal: MatchEvent[];
  /** cancellations that still have an effect: EMIGRATED, NATIONALITY_LOST, MISSING, OTHER */
  cancellations: MatchEvent[];
  prisons: Spell[];
  benefits: Spell[];
  /** the latest OVERSEAS_AUTH date, '' when none (§5 risk) */
  overseasDate: string;
  /** DEATH events carrying another name than the roster's (§2 NAME_MISMATCH without a hub DEATH) */
  misnamedDeaths: MatchEvent[];
  /** IMPRISONED, OTHER_BENEFIT and effective HUKOU_CANCELLED events carrying another name */
  misnamedOthers: MatchEvent[];
}

// Canonical update times are `YYYY-MM-DDTHH:mm:ss+08:00`, whose string order is time order;
// anything else is compared as an instant.
function compareUpdateTime(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 25 && b.length === 25 && a.endsWith('+08:00') && b.endsWith('+08:00')) return a < b ? -1 : 1;
  const ta = parseUpdateTime(a);
  const tb = parseUpdateTime(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a < b ? -1 : a > b ? 1 : 0;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** a is the newer hukou record of its channel: newest update time, then greater record id in byte order. */
function isNewerRecord(a: MatchEvent, b: MatchEvent): boolean {
  const byTime = compareUpdateTime(a.sourceUpdatedAt, b.sourceUpdatedAt);
  if (byTime !== 0) return byTime > 0;
  return compareUtf8(a.recordId, b.recordId) > 0;
}

export function countEvents(entry: RosterEntry, events: readonly MatchEvent[], ctx: PeriodContext): CountedEvents {
  const personId = entry.personId;
  const lastDay = ctx.lastDay;

  // First pass: the winning hukou record per channel, the latest staff confirmation (ONSITE)
  // and the latest overseas certification, which the second pass needs before it counts.
  let hukouWinners: MatchEvent[] | null = null;
  let onsiteDate = '';
  let overseasDate = '';
  for (const ev of events) {
    if (ev.personId !== personId || ev.date > lastDay) continue;
    if (isHukou(ev)) {
      if (hukouWinners === null) hukouWinners = [];
      let i = 0;
      while (i < hukouWinners.length && hukouWinners[i].source !== ev.source) i++;
      if (i === hukouWinners.length) hukouWinners.push(ev);
      else if (isNewerRecord(ev, hukouWinners[i])) hukouWinners[i] = ev;
    } else if (ev.kind === 'ALIVE') {
      const signal = ev.detail.signal;
      if (signal === 'ONSITE' && isHub(ev) && ev.date > onsiteDate) onsiteDate = ev.date;
      if (signal === 'OVERSEAS_AUTH' && ev.date > overseasDate) overseasDate = ev.date;
    }
  }

  // Second pass: the counted events by kind.
  const counted: CountedEvents = {
    deaths: [],
    alive: [],
    hukouNormal: [],
    cancellations: [],
    prisons: [],
    benefits: [],
    overseasDate,
    misnamedDeaths: [],
    misnamedOthers: [],
  };
  // the roster name is normalized only when an event with a name needs comparing
  let rosterName: string | null = null;
  const isMisnamed = (ev: MatchEvent): boolean => {
    if (ev.name === '') return false;
    const name = normalizeName(ev.name);
    if (name === '') return false;
    if (rosterName === null) rosterName = normalizeName(entry.name);
    return name !== rosterName;
  };

  for (const ev of events) {
    if (ev.personId !== personId || ev.date > lastDay) continue;
    if (hukouWinners !== null && isHukou(ev)) {
      let winner: MatchEvent | undefined;
      for (const w of hukouWinners) if (w.source === ev.source) winner = w;
      // several events of the winning record (a record passed twice) all stand for it
      if (winner === undefined || winner.recordId !== ev.recordId || winner.sourceUpdatedAt !== ev.sourceUpdatedAt) continue;
    }
    switch (ev.kind) {
      case 'DEATH':
        // §1 staff confirmation: source deaths dated on or before an on-site check stop counting
        if (!isHub(ev) && ev.date <= onsiteDate) break;
        counted.deaths.push(ev);
        if (isMisnamed(ev)) counted.misnamedDeaths.push(ev);
        break;
      case 'HUKOU_CANCELLED': {
        if (!isHub(ev) && ev.date <= onsiteDate) break;
        const reason = ev.detail.reason;
        // §2: an overseas certification after settling abroad leaves that cancellation no effect at all
        if (reason === 'EMIGRATED' && overseasDate > ev.date) break;
        if (reason === 'EMIGRATED' || reason === 'NATIONALITY_LOST' || reason === 'MISSING' || reason === 'OTHER') {
          counted.cancellations.push(ev);
          if (isMisnamed(ev)) counted.misnamedOthers.push(ev);
        }
        // MOVED_OUT and MILITARY have no effect
        break;
      }
      case 'HUKOU_NORMAL':
        counted.hukouNormal.push(ev);
        break;
      case 'IMPRISONED': {
        const misnamed = isMisnamed(ev);
        if (misnamed) counted.misnamedOthers.push(ev);
        addToSpell(counted.prisons, ev.date, ev, !misnamed);
        break;
      }
      case 'OTHER_BENEFIT': {
        const misnamed = isMisnamed(ev);
        if (misnamed) counted.misnamedOthers.push(ev);
        addToSpell(counted.benefits, benefitKey(ev), ev, !misnamed);
        break;
      }
      case 'ALIVE':
        counted.alive.push(ev);
        break;
    }
  }
  return counted;
}
