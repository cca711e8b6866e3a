// The decision engine: one roster entry and its events → one result (decision-rules.md). The
// rules run as named pure passes, each in its own file, in the contract's order: the counted
// events (§0, counted-events.ts), death evidence (§1), conflicts (§2), losses (§3) and then the
// decision of §4 below, with validity and risk (§5), overpayment (§6) and the record (§7).
// Every intermediate is a set-like fold (min, max, any) or is sorted with a total order, so the
// same events in any order give the same result.

import type { Result, RosterEntry } from '../schemas/types.ts';
import { checkEntry, periodContextOf } from './check-input.ts';
import { findConflicts } from './conflicts.ts';
import { countEvents } from './counted-events.ts';
import { weighDeaths } from './death-evidence.ts';
import { MatchInputError } from './errors.ts';
import { findLosses } from './losses.ts';
import { countOverpaidMonths } from './overpayment.ts';
import { baseResult, sortedReasons, toEvidence } from './result-record.ts';
import { restoration, unrestored } from './suspended.ts';
import type { DecideOptions, MatchEvent } from './types.ts';
import { addLatestAlive, certify } from './validity.ts';

/**
 * Decide one roster entry for period P (decision-rules.md §0–§7).
 *
 * `events`: for this person, the newest version of every source record whose newest version
 * was staged (rejected, skipped, withdrawn and case-falsified records already left out), plus
 * the hub events of case outcomes and on-site certifications. Events of other persons and
 * events dated after the last day of P are ignored here.
 */
export function decide(entry: RosterEntry, events: readonly MatchEvent[], options: DecideOptions): Result {
  const ctx = periodContextOf(options);
  checkEntry(entry);
  const result = baseResult(entry, ctx);

  // §4.1: a sealed account is not evaluated at all.
  if (entry.accountStatus === 'sealed') {
    result.reasons = ['ACCOUNT_SEALED'];
    return result;
  }

  const counted = countEvents(entry, events, ctx);
  const death = weighDeaths(counted.deaths);
  const conflicts = findConflicts(counted, death);
  const losses = findLosses(counted, death, conflicts.reasons.length > 0, ctx);

  // §4.2 any loss → ineligible, with its overpayment (§6).
  if (losses.reasons.length > 0) {
    const months = countOverpaidMonths(entry, losses.overpaid);
    result.decision = 'ineligible';
    result.action = entry.benefitStatus === 'normal' ? 'STOP' : 'NONE';
    result.reasons = sortedReasons(losses.reasons, conflicts.reasons);
    result.lossDate = losses.lossDate;
    result.overpaidMonths = months;
    result.overpaidAmountFen = months * entry.monthlyAmountFen;
    result.evidence = toEvidence(losses.evidence, conflicts.evidence);
    return result;
  }

  // §4.3 any conflict → suspect.
  if (conflicts.reasons.length > 0) {
    result.decision = 'suspect';
    result.action = 'VERIFY';
    result.reasons = sortedReasons(conflicts.reasons, []);
    result.riskLevel = 'HIGH';
    result.evidence = toEvidence(conflicts.evidence);
    return result;
  }

  // §5 confirmation month, risk and validity.
  const cert = certify(entry, counted.alive, counted.overseasDate !== '', ctx);

  // §4.4 a suspended benefit.
  if (entry.benefitStatus === 'suspended') {
    const restore = restoration(entry, counted, cert, ctx);
    if (restore !== null && cert.valid) {
      result.decision = 'eligible';
      result.action = 'RESTORE';
      result.reasons = [restore.reason];
      result.certifiedMonth = cert.confirmedMonth;
      result.certifiedUntil = cert.certifiedUntil;
      result.riskLevel = cert.riskLevel;
      result.evidence = toEvidence(restore.evidence);
      return result;
    }
    const stay = unrestored(entry, ctx);
    result.decision = 'excluded';
    result.action = stay.action;
    result.reasons = [stay.reason];
    return result;
  }

  // §4.5 a normal benefit.
  result.certifiedMonth = cert.confirmedMonth;
  result.certifiedUntil = cert.certifiedUntil;
  result.riskLevel = cert.riskLevel;
  if (!cert.valid) {
    result.decision = 'suspect';
    result.action = 'VERIFY';
    result.reasons = ['CERT_EXPIRED'];
    return result;
  }
  result.decision = 'eligible';
  if (cert.confirmedMonth === entry.lastCertifiedMonth) {
    result.action = 'NONE';
    result.reasons = ['CERT_VALID'];
  } else {
    // 递延认证: a new certification record from the latest sign of life
    const deferEvidence: MatchEvent[] = [];
    addLatestAlive(deferEvidence, counted.alive, cert.latestAlive);
    result.action = 'RECORD';
    result.reasons = ['DEFERRED'];
    result.evidence = toEvidence(deferEvidence);
  }
  return result;
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
