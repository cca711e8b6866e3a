// What the publish step derives from results: the cases to open and the reminder list
// (workflow.md "Suspect cases", "Import batches").

import type { Result } from '../schemas/types.ts';
import { monthIndex } from './calendar.ts';
import { CONFLICT_REASONS } from './types.ts';

/** Every suspect, and every ineligible result that also lists a conflict, opens one case (疑点). */
export function needsCase(result: Result): boolean {
  if (result.decision === 'suspect') return true;
  if (result.decision !== 'ineligible') return false;
  for (const reason of result.reasons) if (CONFLICT_REASONS.has(reason)) return true;
  return false;
}

/**
 * The reminder list (粤人社规〔2023〕4号: remind 3 months before expiry): eligible results whose
 * certifiedUntil lies within 3 months of P, read as P ≤ certifiedUntil ≤ P + 3. certifiedUntil is
 * the last valid month, so P + 3 still leaves the person three months to certify; an eligible
 * result never has certifiedUntil before P.
 */
export function isReminder(result: Result, period: string): boolean {
  if (result.decision !== 'eligible' || result.certifiedUntil === null) return false;
  const ahead = monthIndex(result.certifiedUntil) - monthIndex(period);
  return ahead >= 0 && ahead <= 3;
}
