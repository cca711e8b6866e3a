// Source dates (normalization.md "Dates"): the forms the sources write, all read as China dates.
import type { RejectionCode } from '../../../schemas/types.ts';
import { chinaDate, parseUpdateTime } from '../../../lib/china-time.ts';
import { halfWidthDigits } from './text.ts';

export type DateRejection = Extract<RejectionCode, 'DATE_INVALID' | 'DATE_FUTURE'>;

export type DateCheck =
  | { ok: true; date: string }
  | { ok: false; code: DateRejection; problem: string };

/** Gregorian calendar validity (1962-02-29 is not a date, 2000-02-29 is). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Date-only forms: YYYY-MM-DD / YYYY-M-D, YYYYMMDD, YYYY/M/D, YYYY.M.D, YYYY年M月D日. */
const DATE_ONLY: readonly RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})(\d{2})(\d{2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
];

/** `YYYY-MM-DD HH:mm:ss` (China time) or an ISO 8601 date-time with or without an offset. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/;

/**
 * The China date `YYYY-MM-DD` a source date value stands for, or null when the value is in no
 * accepted form or names no real date. A date-time is converted to China time (UTC+8) first,
 * so `2026-11-02T18:30:00Z` is 2026-11-03; without an offset it already is China time.
 */
export function parseSourceDate(value: string): string | null {
  const text = halfWidthDigits(value.trim());
  for (const form of DATE_ONLY) {
    const m = form.exec(text);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isCalendarDate(y, mo, d)) return null;
    return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  if (DATE_TIME.test(text)) {
    const ms = parseUpdateTime(text);
    return Number.isNaN(ms) ? null : chinaDate(ms);
  }
  return null;
}

export interface DateCheckOptions {
  /** the run's data cut-off YYYY-MM-DD */
  asOf: string;
  /** a BENEFIT start or any end date may lie after the as-of date */
  futureAllowed: boolean;
}

/** Parse a date that normalization checks (a required date or one an event uses). */
export function checkSourceDate(value: string, options: DateCheckOptions): DateCheck {
  const date = parseSourceDate(value);
  if (date === null) {
    return { ok: false, code: 'DATE_INVALID', problem: `holds ${JSON.stringify(value)}, which is not a real date in any accepted form` };
  }
  if (!options.futureAllowed && date > options.asOf) {
    return { ok: false, code: 'DATE_FUTURE', problem: `holds ${JSON.stringify(value)} (${date}), after the as-of date ${options.asOf}` };
  }
  return { ok: true, date };
}
