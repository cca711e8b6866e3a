// §6 Overpayment (待遇多发): the months paid after a loss, as a union of month ranges clipped to
// the months actually paid (startedMonth … paidThrough).

import type { RosterEntry } from '../schemas/types.ts';
import { monthIndex } from './calendar.ts';

/** A range's `to` when the loss has no end: every month paid after its start. */
export const OPEN_END = Number.POSITIVE_INFINITY;

/** An overpaid month range [from, to], both inclusive, in month indexes (calendar.ts). */
export type MonthRange = [number, number];

/** The size of the union of `ranges`, bounded by the entry's startedMonth … paidThrough. */
export function countOverpaidMonths(entry: RosterEntry, ranges: readonly MonthRange[]): number {
  const first = monthIndex(entry.startedMonth);
  const last = monthIndex(entry.paidThrough);
  if (last < first || ranges.length === 0) return 0;
  const clipped: MonthRange[] = [];
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
