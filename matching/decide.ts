// The decision engine: one roster entry and its events → one result (decision-rules.md).
// Pure and synchronous; every intermediate is a set-like fold (min, max, any) or is sorted
// with a total order, so the same events in any order give the same result.

import type { EvidenceRef, ReasonCode, Result, RosterEntry } from '../schemas/types.ts';
import { parseUpdateTime } from '../lib/china-time.ts';
import {
  ageOnLastDay,
  compareUtf8,
  dayNumber,
  monthFromIndex,
  monthIndex,
  periodContext,
  type PeriodContext,
} from './calendar.ts';
import { MatchInputError } from './errors.ts';
import { normalizeName } from './names.ts';
import type { DecideOptions, MatchEvent } from './types.ts';

const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** §2: a weak ALIVE event (a bill, a hospital record) may arrive dated up to 7 days after a death. */
const WEAK_ALIVE_GRACE_DAYS = 7;
/** §2: death dates of two origins further apart than this conflict. */
const DEATH_DATE_TOLERANCE_DAYS = 31;
/** §4.4 article 9: suspended this many months (not for imprisonment) → seal the account. */
const SEAL_AFTER_MONTHS = 24;
const STRONG_SIGNALS = new Set(['FACE_AUTH', 'REMOTE_ASSIST', 'OVERSEAS_AUTH', 'ONSITE']);

/** A merged imprisonment or other benefit (§0 "Merging"). */
interface Spell {
  key: string;
  start: string;
  /** latest non-empty end among the merged events; '' when none has one */
  end: string;
  events: MatchEvent[];
  /** at least one event is not misnamed */
  makesLoss: boolean;
}

let cachedContext: PeriodContext | null = null;
let cachedAsOf = '';

// Validated once per (period, asOf), not once per person.
function contextFor(options: DecideOptions): PeriodContext {
  if (cachedContext !== null && cachedContext.period === options.period && cachedAsOf === options.asOf) return cachedContext;
  if (typeof options.period !== 'string' || !PERIOD.test(options.period)) {
    throw new MatchInputError('period', `expected YYYY-MM, got ${JSON.stringify(options.period)}`);
  }
  if (typeof options.asOf !== 'string' || !DATE.test(options.asOf)) {
    throw new MatchInputError('asOf', `expected YYYY-MM-DD, got ${JSON.stringify(options.asOf)}`);
  }
  cachedContext = periodContext(options.period);
  cachedAsOf = options.asOf;
  return cachedContext;
}

function checkEntry(entry: RosterEntry): void {
  const id = entry.personId;
  if (typeof id !== 'string' || id.length !== 18) throw new MatchInputError('personId', 'expected 18 characters', null);
  if (!DATE.test(entry.birthDate)) throw new MatchInputError('birthDate', 'expected YYYY-MM-DD', id);
  if (!PERIOD.test(entry.lastCertifiedMonth)) throw new MatchInputError('lastCertifiedMonth', 'expected YYYY-MM', id);
  if (!PERIOD.test(entry.startedMonth)) throw new MatchInputError('startedMonth', 'expected YYYY-MM', id);
  if (!PERIOD.test(entry.paidThrough)) throw new MatchInputError('paidThrough', 'expected YYYY-MM', id);
  if (!Number.isSafeInteger(entry.monthlyAmountFen) || entry.monthlyAmountFen < 0) {
    throw new MatchInputError('monthlyAmountFen', 'expected a non-negative integer', id);
  }
  if (entry.accountStatus !== 'active' && entry.accountStatus !== 'sealed') {
    throw new MatchInputError('accountStatus', `unknown value ${JSON.stringify(entry.accountStatus)}`, id);
  }
  if (entry.benefitStatus === 'suspended') {
    // sources.md: suspendReason and suspendedSince are set exactly when suspended.
    if (entry.suspendedSince === undefined || !PERIOD.test(entry.suspendedSince)) {
      throw new MatchInputError('suspendedSince', 'a suspended entry needs YYYY-MM', id);
    }
    const r = entry.suspendReason;
    if (r !== 'IMPRISONED' && r !== 'CERT_EXPIRED' && r !== 'DEATH_SUSPECTED' && r !== 'OTHER') {
      throw new MatchInputError('suspendReason', `a suspended entry needs a known reason, got ${JSON.stringify(r)}`, id);
    }
  } else if (entry.benefitStatus !== 'normal') {
    throw new MatchInputError('benefitStatus', `unknown value ${JSON.stringify(entry.benefitStatus)}`, id);
  }
}

function isHub(ev: MatchEvent): boolean {
  return ev.origin === 'hub';
}

/** §0: hukou is a status; HUKOU_NORMAL, HUKOU_CANCELLED and a DEATH from a hukou record. */
function isHukou(ev: MatchEvent): boolean {
  return ev.dataset === 'hukou' && ev.origin !== 'hub' && (ev.kind === 'HUKOU_NORMAL' || ev.kind === 'HUKOU_CANCELLED' || ev.kind === 'DEATH');
}

function isStrong(ev: MatchEvent): boolean {
  const strength = ev.detail.strength;
  if (strength === 'strong') return true;
  if (strength === 'weak') return false;
  return STRONG_SIGNALS.has(ev.detail.signal);
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

function compareEvidence(a: EvidenceRef, b: EvidenceRef): number {
  return compareUtf8(a.source, b.source) || compareUtf8(a.dataset, b.dataset) || compareUtf8(a.recordId, b.recordId) || compareUtf8(a.origin, b.origin);
}

function toEvidence(events: readonly MatchEvent[]): EvidenceRef[] {
  if (events.length === 0) return [];
  const refs: EvidenceRef[] = events.map((e) => ({ source: e.source, dataset: e.dataset, recordId: e.recordId, origin: e.origin }));
  refs.sort(compareEvidence);
  let w = 1;
  for (let i = 1; i < refs.length; i++) if (compareEvidence(refs[i], refs[w - 1]) !== 0) refs[w++] = refs[i];
  refs.length = w;
  return refs;
}

function addSpell(spells: Spell[], key: string, ev: MatchEvent, notMisnamed: boolean): void {
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

function isCurrent(spell: Spell, ctx: PeriodContext): boolean {
  // start ≤ last day of P holds already: later events do not count at all
  return spell.start <= ctx.lastDay && (spell.end === '' || spell.end >= ctx.firstDay);
}

function riskLevelOf(score: number): 'LOW' | 'MEDIUM' | 'HIGH' {
  return score >= 3 ? 'HIGH' : score >= 1 ? 'MEDIUM' : 'LOW';
}

const CYCLE_MONTHS = { LOW: 12, MEDIUM: 6, HIGH: 3 } as const;

function baseResult(entry: RosterEntry, ctx: PeriodContext): Result {
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

/**
 * §6: the size of the union of overpaid month ranges, bounded by startedMonth..paidThrough.
 * Ranges are [from, to] in month indexes; `to` defaults to paidThrough.
 */
function countOverpaidMonths(entry: RosterEntry, ranges: Array<[number, number]>): number {
  const first = monthIndex(entry.startedMonth);
  const last = monthIndex(entry.paidThrough);
  if (last < first || ranges.length === 0) return 0;
  const clipped: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    const lo = from > first ? from : first;
    const hi = to < last ? to : last;
    if (lo <= hi) clipped.push([lo, hi]);
  }
  clipped.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let count = 0;
  let coveredTo = Number.NEGATIVE_INFINITY;
  for (const [lo, hi] of clipped) {
    if (hi <= coveredTo) continue;
    count += hi - (lo > coveredTo ? lo : coveredTo + 1) + 1;
    coveredTo = hi;
  }
  return count;
}

/**
 * Decide one roster entry for period P (decision-rules.md §0–§7).
 *
 * `events`: for this person, the newest version of every source record whose newest version
 * was staged (rejected, skipped, withdrawn and case-falsified records already left out), plus
 * the hub events of case outcomes and on-site certifications. Events of other persons and
 * events dated after the last day of P are ignored here.
 */
export function decide(entry: RosterEntry, events: readonly MatchEvent[], options: DecideOptions): Result {
  const ctx = contextFor(options);
  checkEntry(entry);
  const result = baseResult(entry, ctx);

  // §4.1: a sealed account is not evaluated at all.
  if (entry.accountStatus === 'sealed') {
    result.reasons = ['ACCOUNT_SEALED'];
    return result;
  }

  const personId = entry.personId;
  const lastDay = ctx.lastDay;

  // Pass 1 (§0, §1, §2): the winning hukou record per channel, the latest staff confirmation
  // (ONSITE) and the latest overseas certification.
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

  // Pass 2: the counted events by kind.
  const deaths: MatchEvent[] = [];
  const alive: MatchEvent[] = [];
  const hukouNormal: MatchEvent[] = [];
  /** cancellations that still have an effect: EMIGRATED, NATIONALITY_LOST, MISSING, OTHER */
  const cancellations: MatchEvent[] = [];
  const prisons: Spell[] = [];
  const benefits: Spell[] = [];
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
        deaths.push(ev);
        break;
      case 'HUKOU_CANCELLED': {
        if (!isHub(ev) && ev.date <= onsiteDate) break;
        const reason = ev.detail.reason;
        // §2: an overseas certification after settling abroad leaves that cancellation no effect at all
        if (reason === 'EMIGRATED' && overseasDate > ev.date) break;
        if (reason === 'EMIGRATED' || reason === 'NATIONALITY_LOST' || reason === 'MISSING' || reason === 'OTHER') cancellations.push(ev);
        // MOVED_OUT and MILITARY have no effect
        break;
      }
      case 'HUKOU_NORMAL':
        hukouNormal.push(ev);
        break;
      case 'IMPRISONED':
        addSpell(prisons, ev.date, ev, !isMisnamed(ev));
        break;
      case 'OTHER_BENEFIT':
        addSpell(benefits, `${ev.detail.insuranceType ?? ''}\u0000${ev.detail.province ?? ''}\u0000${ev.date}`, ev, !isMisnamed(ev));
        break;
      case 'ALIVE':
        alive.push(ev);
        break;
    }
  }

  // §1 death evidence.
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
  const hasHubDeath = hubDeathDate !== '';
  const originCount = deathOrigins.length; // D
  const deathDate = hasHubDeath ? hubDeathDate : earliestDeathKind !== '' ? earliestDeathKind : earliestProxy;

  // §2 conflicts. The evidence of each listed reason is gathered beside it (§7).
  const conflicts: ReasonCode[] = [];
  const conflictEvidence: MatchEvent[] = [];
  let deathEvidenceNeeded = false;

  if (!hasHubDeath && deathDate !== '') {
    const deathDay = dayNumber(deathDate);
    let found = false;
    for (const ev of alive) {
      const after = isStrong(ev) ? ev.date > deathDate : dayNumber(ev.date) - deathDay > WEAK_ALIVE_GRACE_DAYS;
      if (after) {
        found = true;
        conflictEvidence.push(ev);
      }
    }
    if (found) {
      conflicts.push('ALIVE_AFTER_DEATH');
      deathEvidenceNeeded = true;
    }
  }
  if (!hasHubDeath && originCount === 1) {
    conflicts.push('SINGLE_SOURCE_DEATH');
    deathEvidenceNeeded = true;
  }
  if (!hasHubDeath && originCount >= 2) {
    let lo = '';
    let hi = '';
    for (const d of originDeathKind) {
      if (d === '') continue; // proxy dates are never compared
      if (lo === '' || d < lo) lo = d;
      if (hi === '' || d > hi) hi = d;
    }
    if (lo !== '' && dayNumber(hi) - dayNumber(lo) > DEATH_DATE_TOLERANCE_DAYS) {
      conflicts.push('DEATH_DATE_CONFLICT');
      deathEvidenceNeeded = true;
    }
  }
  if (!hasHubDeath && hukouNormal.length > 0) {
    let earliestCancel = '';
    for (const ev of cancellations) if (earliestCancel === '' || ev.date < earliestCancel) earliestCancel = ev.date;
    let latestConflictingNormal = '';
    let afterDeath = false;
    for (const ev of hukouNormal) {
      const pastDeath = earliestDeathAny !== '' && ev.date > earliestDeathAny;
      const pastCancel = earliestCancel !== '' && ev.date > earliestCancel;
      if (!pastDeath && !pastCancel) continue;
      if (pastDeath) afterDeath = true;
      if (ev.date > latestConflictingNormal) latestConflictingNormal = ev.date;
      conflictEvidence.push(ev);
    }
    if (latestConflictingNormal !== '') {
      conflicts.push('STATUS_CONFLICT');
      // the cancellations some normal record contradicts
      for (const ev of cancellations) if (ev.date < latestConflictingNormal) conflictEvidence.push(ev);
      if (afterDeath) deathEvidenceNeeded = true;
    }
  }
  {
    let misnamed = false;
    if (!hasHubDeath) {
      for (const ev of deaths) {
        if (isMisnamed(ev)) {
          misnamed = true;
          conflictEvidence.push(ev);
        }
      }
    }
    for (const spells of [prisons, benefits]) {
      for (const spell of spells) {
        for (const ev of spell.events) {
          if (isMisnamed(ev)) {
            misnamed = true;
            conflictEvidence.push(ev);
          }
        }
      }
    }
    for (const ev of cancellations) {
      if (isMisnamed(ev)) {
        misnamed = true;
        conflictEvidence.push(ev);
      }
    }
    if (misnamed) conflicts.push('NAME_MISMATCH');
  }
  {
    let other = false;
    let abroad = false;
    for (const ev of cancellations) {
      if (ev.detail.reason === 'OTHER') {
        other = true;
        conflictEvidence.push(ev);
      } else if (ev.detail.reason === 'EMIGRATED') {
        abroad = true;
        conflictEvidence.push(ev);
      }
    }
    if (other) conflicts.push('HUKOU_CANCELLED_OTHER');
    if (abroad) conflicts.push('SETTLED_ABROAD');
  }

  // §3 losses; conflicts block the status losses, never an imprisonment or a second pension.
  const noConflict = conflicts.length === 0;
  const losses: ReasonCode[] = [];
  const lossEvidence: MatchEvent[] = [];
  /** §6 overpaid month ranges [from, to] as month indexes */
  const overpaid: Array<[number, number]> = [];
  const openEnd = Number.POSITIVE_INFINITY;
  let lossDate = '';
  const noteLoss = (reason: ReasonCode, date: string): void => {
    if (!losses.includes(reason)) losses.push(reason);
    if (lossDate === '' || date < lossDate) lossDate = date;
  };

  if (hasHubDeath || (originCount >= 2 && noConflict)) {
    noteLoss('DEATH', deathDate);
    deathEvidenceNeeded = true;
    overpaid.push([monthIndex(deathDate) + 1, openEnd]);
  }
  if (noConflict) {
    for (const reason of ['NATIONALITY_LOST', 'MISSING'] as const) {
      let earliest = '';
      for (const ev of cancellations) {
        if (ev.detail.reason !== reason) continue;
        if (earliest === '' || ev.date < earliest) earliest = ev.date;
        lossEvidence.push(ev);
      }
      if (earliest !== '') {
        noteLoss(reason, earliest);
        overpaid.push([monthIndex(earliest) + 1, openEnd]);
      }
    }
  }
  for (const spell of prisons) {
    if (!spell.makesLoss || !isCurrent(spell, ctx)) continue;
    noteLoss('IMPRISONED', spell.start);
    for (const ev of spell.events) lossEvidence.push(ev);
    overpaid.push([monthIndex(spell.start) + 1, spell.end === '' ? openEnd : monthIndex(spell.end)]);
  }
  for (const spell of benefits) {
    if (!spell.makesLoss || !isCurrent(spell, ctx)) continue;
    noteLoss('DUPLICATE', spell.start);
    for (const ev of spell.events) lossEvidence.push(ev);
    overpaid.push([monthIndex(spell.start), spell.end === '' ? openEnd : monthIndex(spell.end)]);
  }

  if (deathEvidenceNeeded) for (const ev of deaths) conflictEvidence.push(ev);

  // §4.2 any loss → ineligible.
  if (losses.length > 0) {
    const months = countOverpaidMonths(entry, overpaid);
    result.decision = 'ineligible';
    result.action = entry.benefitStatus === 'normal' ? 'STOP' : 'NONE';
    result.reasons = sortedReasons(losses, conflicts);
    result.lossDate = lossDate;
    result.overpaidMonths = months;
    result.overpaidAmountFen = months * entry.monthlyAmountFen;
    for (const ev of conflictEvidence) lossEvidence.push(ev);
    result.evidence = toEvidence(lossEvidence);
    return result;
  }

  // §4.3 any conflict → suspect.
  if (!noConflict) {
    result.decision = 'suspect';
    result.action = 'VERIFY';
    result.reasons = sortedReasons(conflicts, []);
    result.riskLevel = 'HIGH';
    result.evidence = toEvidence(conflictEvidence);
    return result;
  }

  // §5 confirmation month, risk and validity.
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
  if (overseasDate !== '') score += 1;
  const riskLevel = riskLevelOf(score);
  const certifiedUntil = monthFromIndex(monthIndex(confirmedMonth) + CYCLE_MONTHS[riskLevel]);
  const valid = certifiedUntil >= ctx.period;
  const latestAliveEvents = (into: MatchEvent[]): void => {
    for (const ev of alive) if (ev.date === latestAlive) into.push(ev);
  };

  // §4.4 a suspended benefit.
  if (entry.benefitStatus === 'suspended') {
    const suspendedSince = entry.suspendedSince as string;
    const reason = entry.suspendReason;
    const restoreEvidence: MatchEvent[] = [];
    let restore: ReasonCode | null = null;
    if (reason === 'IMPRISONED') {
      let anyCurrent = false;
      let latestEnd = '';
      for (const spell of prisons) {
        if (isCurrent(spell, ctx)) anyCurrent = true;
        else if (spell.end !== '' && spell.end < ctx.firstDay && spell.end > latestEnd) latestEnd = spell.end;
      }
      if (!anyCurrent && latestEnd !== '') {
        for (const ev of alive) if (isStrong(ev) && ev.date > latestEnd) restoreEvidence.push(ev);
        if (restoreEvidence.length > 0) {
          restore = 'RELEASED';
          for (const spell of prisons) if (spell.end === latestEnd) for (const ev of spell.events) restoreEvidence.push(ev);
        }
      }
    } else if (reason === 'CERT_EXPIRED' || reason === 'DEATH_SUSPECTED') {
      const since = `${suspendedSince}-01`;
      for (const ev of alive) if (isStrong(ev) && ev.date >= since) restoreEvidence.push(ev);
      if (restoreEvidence.length > 0) {
        restore = 'RECERTIFIED';
        latestAliveEvents(restoreEvidence);
      }
    }
    if (restore !== null && valid) {
      result.decision = 'eligible';
      result.action = 'RESTORE';
      result.reasons = [restore];
      result.certifiedMonth = confirmedMonth;
      result.certifiedUntil = certifiedUntil;
      result.riskLevel = riskLevel;
      result.evidence = toEvidence(restoreEvidence);
      return result;
    }
    result.decision = 'excluded';
    if (ctx.periodIndex - monthIndex(suspendedSince) >= SEAL_AFTER_MONTHS && reason !== 'IMPRISONED') {
      result.action = 'SEAL';
      result.reasons = ['SEAL_DUE'];
    } else {
      result.action = 'NONE';
      result.reasons = ['REMAINS_SUSPENDED'];
    }
    return result;
  }

  // §4.5 a normal benefit.
  result.certifiedMonth = confirmedMonth;
  result.certifiedUntil = certifiedUntil;
  result.riskLevel = riskLevel;
  if (!valid) {
    result.decision = 'suspect';
    result.action = 'VERIFY';
    result.reasons = ['CERT_EXPIRED'];
    return result;
  }
  result.decision = 'eligible';
  if (confirmedMonth === entry.lastCertifiedMonth) {
    result.action = 'NONE';
    result.reasons = ['CERT_VALID'];
  } else {
    // 递延认证: a new certification record from the latest sign of life
    const deferEvidence: MatchEvent[] = [];
    latestAliveEvents(deferEvidence);
    result.action = 'RECORD';
    result.reasons = ['DEFERRED'];
    result.evidence = toEvidence(deferEvidence);
  }
  return result;
}

function sortedReasons(a: readonly ReasonCode[], b: readonly ReasonCode[]): ReasonCode[] {
  const all = a.concat(b);
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[w - 1]) all[w++] = all[i];
  all.length = w;
  return all;
}

const NO_EVENTS: readonly MatchEvent[] = [];

/**
 * Decide every roster entry of one shard (an area code). Results come sorted by personId, the
 * order of results.jsonl, whatever order the entries came in.
 */
export function decideShard(
  entries: Iterable<RosterEntry>,
  eventsByPerson: ReadonlyMap<string, readonly MatchEvent[]>,
  options: DecideOptions,
): Result[] {
  const results: Result[] = [];
  for (const entry of entries) results.push(decide(entry, eventsByPerson.get(entry.personId) ?? NO_EVENTS, options));
  results.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  for (let i = 1; i < results.length; i++) {
    if (results[i].personId === results[i - 1].personId) {
      throw new MatchInputError('personId', 'the roster holds this person twice (one row per personId)', results[i].personId);
    }
  }
  return results;
}
