// Input and option types of the decision engine (decision-rules.md).

import type { EventKind, Origin, ReasonCode } from '../schemas/types.ts';

/**
 * The fields of a canonical event (normalization.md "Canonical event") that the decision
 * rules read. Source events are the newest staged version of each source record; hub events
 * (source `hub`, origin `hub`, dataset `cases` or `onsite`) are what staff verified.
 */
export interface MatchEvent {
  /** `ministry`, `bigdata`, `police-<city4>`, `civil`, `health` or `hub` */
  source: string;
  dataset: string;
  recordId: string;
  origin: Origin;
  /** normalized 18-character identity number */
  personId: string;
  /** normalized name; '' when empty or unreadable */
  name: string;
  kind: EventKind;
  /** YYYY-MM-DD (China date) */
  date: string;
  /** YYYY-MM-DD, only for IMPRISONED / OTHER_BENEFIT with a non-empty end */
  endDate?: string;
  /**
   * DEATH {dateKind}; HUKOU_CANCELLED {reason}; OTHER_BENEFIT {insuranceType, province};
   * ALIVE {signal, strength}; others {}.
   */
  detail: Readonly<Record<string, string>>;
  /** ISO 8601 with +08:00: orders the versions and, for hukou, the records of one channel */
  sourceUpdatedAt: string;
}

export interface DecideOptions {
  /** the period P being certified, YYYY-MM */
  period: string;
  /**
   * the run's data cut-off, YYYY-MM-DD. Checked for shape only: the rules bound events by
   * the last day of P, and the cut-off already bounded what was staged.
   */
  asOf: string;
}

/** Conflicts (§2): a suspect result, or an ineligible one listing any of them, opens a case. */
export const CONFLICT_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ALIVE_AFTER_DEATH',
  'SINGLE_SOURCE_DEATH',
  'DEATH_DATE_CONFLICT',
  'STATUS_CONFLICT',
  'NAME_MISMATCH',
  'HUKOU_CANCELLED_OTHER',
  'SETTLED_ABROAD',
]);

/** Losses (§3). */
export const LOSS_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'DEATH',
  'NATIONALITY_LOST',
  'MISSING',
  'IMPRISONED',
  'DUPLICATE',
]);
