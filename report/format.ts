// Number formats of the page. Hand-written rather than Intl so that the output does not
// depend on the ICU data of the machine that renders it.
import { createError } from '../lib/errors.ts';

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count with thousands separators: 100000 → `100,000`. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) throw createError('LIFECERT_REPORT_VALUE_INVALID', `formatCount: ${n} is not a whole number`);
  return (n < 0 ? '-' : '') + groupDigits(String(Math.abs(n)));
}

/**
 * An amount in fen (分, integer) as yuan with two decimals and thousands separators:
 * 123456789 → `1,234,567.89`. Integer arithmetic only, so no binary rounding creeps in.
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw createError('LIFECERT_REPORT_VALUE_INVALID', `formatYuan: ${fen} is not a whole number of fen`);
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${fen < 0 ? '-' : ''}${groupDigits(String(yuan))}.${String(cents).padStart(2, '0')}`;
}

/** `part / whole` as a percentage with one decimal; `—` when there is no whole to divide by. */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0) || !Number.isFinite(part)) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** Records per second with no decimals (one below 10); `—` when no time was measured. */
export function formatRate(records: number, seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(records)) return '—';
  const rate = records / seconds;
  return rate < 10 ? rate.toFixed(1) : formatCount(Math.round(rate));
}

/** Seconds with two decimals; `—` for a missing or negative value. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  return seconds.toFixed(2);
}
