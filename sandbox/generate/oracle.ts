// The generator's own arithmetic for decision-rules §4–§6. The scenarios state which losses and
// conflicts they built (they know what they wrote); this module only orders them into a decision
// and does the month arithmetic of validity, risk and overpayment. It shares no code with the
// hub's matching, so the expected results are an independent check of it.
import type { Action, Decision, ReasonCode, Result, RosterEntry } from '../../schemas/types.ts';
import { addMonths, ageOn, lastDayOfMonth, monthDiff, monthOf } from './calendar.ts';

export interface AliveFact {
  /** the ALIVE event's date, YYYY-MM-DD */
  date: string;
  strong: boolean;
  overseas: boolean;
}

export interface LossFact {
  code: 'DEATH' | 'NATIONALITY_LOST' | 'MISSING' | 'IMPRISONED' | 'DUPLICATE';
  /** the loss date (death date, cancellation date, sentence or benefit start) */
  date: string;
  /** end of the imprisonment or benefit, YYYY-MM-DD, when it has one */
  end?: string;
}

export interface PrisonFacts {
  /** a current imprisonment exists (whether it makes a loss or not) */
  current: boolean;
  /** the latest end among imprisonments that ended before the first day of P */
  latestEndBeforeP: string | null;
}

/** The result record of results.schema.json without evidence, plus the scenario that made the person. */
export type ExpectedResult = Omit<Result, 'evidence'> & {
  /** the generator's scenario that made this person (not part of the result record) */
  scenario: string;
};

export interface Validity {
  certifiedMonth: string;
  certifiedUntil: string;
  riskLevel: 'LOW' | 'MEDIUM' | 'HIGH';
}

/** §5: confirmation month, risk and validity from the counted ALIVE events. */
export function validity(entry: RosterEntry, alive: readonly AliveFact[], period: string): Validity {
  let c = entry.lastCertifiedMonth;
  for (const a of alive) if (monthOf(a.date) > c) c = monthOf(a.date);
  const age = ageOn(entry.birthDate, lastDayOfMonth(period));
  let score = age >= 90 ? 2 : age >= 80 ? 1 : 0;
  const windowStart = addMonths(period, -11);
  const strongRecent = alive.some((a) => a.strong && monthOf(a.date) >= windowStart && monthOf(a.date) <= period);
  if (!strongRecent && entry.lastCertifiedMonth < windowStart) score += 1;
  if (alive.some((a) => a.overseas)) score += 1;
  const riskLevel = score === 0 ? 'LOW' : score <= 2 ? 'MEDIUM' : 'HIGH';
  const cycle = riskLevel === 'LOW' ? 12 : riskLevel === 'MEDIUM' ? 6 : 3;
  return { certifiedMonth: c, certifiedUntil: addMonths(c, cycle), riskLevel };
}

/** §6: months m with S ≤ m ≤ T in the union of the losses' overpaid ranges. */
export function overpaidMonths(entry: RosterEntry, losses: readonly LossFact[]): number {
  const s = entry.startedMonth;
  const t = entry.paidThrough;
  const months = new Set<string>();
  for (const loss of losses) {
    let from: string;
    let to: string = t;
    if (loss.code === 'DUPLICATE') from = monthOf(loss.date);
    else from = addMonths(monthOf(loss.date), 1);
    if ((loss.code === 'IMPRISONED' || loss.code === 'DUPLICATE') && loss.end) {
      if (monthOf(loss.end) < to) to = monthOf(loss.end);
    }
    if (from < s) from = s;
    for (let m = from; m <= to; m = addMonths(m, 1)) months.add(m);
  }
  return months.size;
}

export interface PersonFacts {
  entry: RosterEntry;
  alive: readonly AliveFact[];
  losses: readonly LossFact[];
  conflicts: ReadonlySet<ReasonCode>;
  prison: PrisonFacts;
  scenario: string;
}

/** §4 in order, with §5–§7 for the fields of the result record. */
export function decide(facts: PersonFacts, period: string): ExpectedResult {
  const { entry } = facts;
  const base = {
    period, personId: entry.personId, areaCode: entry.areaCode,
    lossDate: null, certifiedMonth: null, certifiedUntil: null, riskLevel: null,
    overpaidMonths: null, overpaidAmountFen: null, scenario: facts.scenario,
  } as const;
  const sorted = (codes: Iterable<ReasonCode>): ReasonCode[] => [...new Set(codes)].sort();

  if (entry.accountStatus === 'sealed') {
    return { ...base, decision: 'excluded', action: 'NONE', reasons: ['ACCOUNT_SEALED'] };
  }
  if (facts.losses.length > 0) {
    const lossDate = facts.losses.map((l) => l.date).sort()[0];
    const months = overpaidMonths(entry, facts.losses);
    return {
      ...base, decision: 'ineligible',
      action: entry.benefitStatus === 'normal' ? 'STOP' : 'NONE',
      reasons: sorted([...facts.losses.map((l) => l.code), ...facts.conflicts]),
      lossDate, overpaidMonths: months, overpaidAmountFen: months * entry.monthlyAmountFen,
    };
  }
  if (facts.conflicts.size > 0) {
    return { ...base, decision: 'suspect', action: 'VERIFY', reasons: sorted(facts.conflicts), riskLevel: 'HIGH' };
  }
  const v = validity(entry, facts.alive, period);
  if (entry.benefitStatus === 'suspended') {
    const reason = entry.suspendReason;
    const since = entry.suspendedSince ?? period;
    let basis: 'RELEASED' | 'RECERTIFIED' | null = null;
    const end = facts.prison.latestEndBeforeP;
    if (reason === 'IMPRISONED' && !facts.prison.current && end !== null && facts.alive.some((a) => a.strong && a.date > end)) {
      basis = 'RELEASED';
    }
    if ((reason === 'CERT_EXPIRED' || reason === 'DEATH_SUSPECTED') && facts.alive.some((a) => a.strong && monthOf(a.date) >= since)) {
      basis = 'RECERTIFIED';
    }
    if (basis !== null && v.certifiedUntil >= period) {
      return { ...base, decision: 'eligible', action: 'RESTORE', reasons: [basis], ...v };
    }
    if (monthDiff(period, since) >= 24 && reason !== 'IMPRISONED') {
      return { ...base, decision: 'excluded', action: 'SEAL', reasons: ['SEAL_DUE'] };
    }
    return { ...base, decision: 'excluded', action: 'NONE', reasons: ['REMAINS_SUSPENDED'] };
  }
  if (v.certifiedUntil >= period) {
    const deferred = v.certifiedMonth !== entry.lastCertifiedMonth;
    return { ...base, decision: 'eligible', action: deferred ? 'RECORD' : 'NONE', reasons: [deferred ? 'DEFERRED' : 'CERT_VALID'], ...v };
  }
  return { ...base, decision: 'suspect', action: 'VERIFY', reasons: ['CERT_EXPIRED'], ...v };
}
