// What decide() refuses before any rule applies: a period or cut-off of the wrong shape, or a
// roster entry the rules cannot be applied to. Thrown (MatchInputError) rather than guessed at.

import type { RosterEntry } from '../schemas/types.ts';
import { periodContext, type PeriodContext } from './calendar.ts';
import { MatchInputError } from './errors.ts';
import type { DecideOptions } from './types.ts';

const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

let cachedContext: PeriodContext | null = null;
let cachedAsOf = '';

/** The period's context for the options; validated once per (period, asOf), not once per person. */
export function periodContextOf(options: DecideOptions): PeriodContext {
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

export function checkEntry(entry: RosterEntry): void {
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
