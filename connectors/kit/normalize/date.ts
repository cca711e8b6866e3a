// Source dates (normalization.md "Dates"): the forms the sources write, all read as China dates.
import type { RejectionCode } from '../../../schemas/types.ts';
import { chinaDate, parseUpdateTime } from '../../../lib/china-time.ts';
import { halfWidthDigits, hasUnreadableCharacter, quote } from './text.ts';

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
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T]\d{2}:\d{2}/;
/** The offset of an ISO date-time, when it has one. */
const OFFSET = /(Z|([+-])(\d{2}):?(\d{2}))$/;

/** normalization.md "Hostile input": longer values are DATE_INVALID without reading further. */
export const MAX_DATE_LENGTH = 64;
/** Years a checked date may carry (normalization.md "Hostile input"). */
export const EARLIEST_YEAR = 1880;
export const LATEST_YEAR = 2099;
/** The sources' "no end" (an end date of 9999-12-31, in any accepted form, with or without a time). */
export const NO_END = '9999-12-31';

export type SourceDate =
  /** `date`: the China date; `written`: the calendar date as the source wrote it (before any time-zone conversion) */
  | { ok: true; date: string; written: string }
  | { ok: false };

const INVALID: SourceDate = { ok: false };

/**
 * Read a source date value: the China date it stands for and the date as written. Bounded: a
 * value longer than 64 characters, holding a control character or an unpaired surrogate, an
 * offset outside -12:00..+14:00 or an impossible date is not read. Years are not judged here.
 */
export function readSourceDate(value: string): SourceDate {
  if (hasUnreadableCharacter(value)) return INVALID;
  const trimmedValue = value.trim();
  if (trimmedValue.length > MAX_DATE_LENGTH) return INVALID;
  const text = halfWidthDigits(trimmedValue);
  for (const form of DATE_ONLY) {
    const m = form.exec(text);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isCalendarDate(y, mo, d)) return INVALID;
    const date = `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return { ok: true, date, written: date };
  }
  const m = DATE_TIME.exec(text);
  if (!m) return INVALID;
  const written = `${m[1]}-${m[2]}-${m[3]}`;
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return INVALID;
  const offset = OFFSET.exec(text);
  if (offset && offset[1] !== 'Z') {
    const minutes = Number(offset[3]) * 60 + Number(offset[4]);
    if (Number(offset[4]) > 59) return INVALID;
    if (offset[2] === '-' ? minutes > 12 * 60 : minutes > 14 * 60) return INVALID;
  }
  const ms = parseUpdateTime(text);
  if (Number.isNaN(ms)) return INVALID;
  const date = chinaDate(ms);
  // a year beyond 9999 after conversion is written `+010000-…`: no date of ours
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { ok: true, date: '+99999-12-31', written };
  return { ok: true, date, written };
}

/**
 * The China date `YYYY-MM-DD` a source date value stands for, or null when the value is in no
 * accepted form or names no real date. A date-time is converted to China time (UTC+8) first,
 * so `2026-11-02T18:30:00Z` is 2026-11-03; without an offset it already is China time.
 */
export function parseSourceDate(value: string): string | null {
  const read = readSourceDate(value);
  return read.ok && /^\d{4}-/.test(read.date) ? read.date : null;
}

/** An end date that says "no end" (9999-12-31 as written, in any accepted form): it reads as empty. */
export function isNoEnd(value: string): boolean {
  const read = readSourceDate(value);
  return read.ok && read.written === NO_END;
}

export interface DateCheckOptions {
  /** the run's data cut-off YYYY-MM-DD */
  asOf: string;
  /** a BENEFIT start or any end date may lie after the as-of date */
  futureAllowed: boolean;
}

/** Parse a date that normalization checks (a required date or one an event uses). */
export function checkSourceDate(value: string, options: DateCheckOptions): DateCheck {
  const read = readSourceDate(value);
  if (!read.ok) {
    return { ok: false, code: 'DATE_INVALID', problem: `holds ${quote(value)}, which is not a real date in any accepted form` };
  }
  const { date } = read;
  const year = /^\d{4}-/.test(date) ? Number(date.slice(0, 4)) : Number.POSITIVE_INFINITY;
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) {
    return { ok: false, code: 'DATE_INVALID', problem: `holds ${quote(value)}, a date outside the years ${EARLIEST_YEAR}–${LATEST_YEAR} (China time)` };
  }
  if (!options.futureAllowed && date > options.asOf) {
    return { ok: false, code: 'DATE_FUTURE', problem: `holds ${quote(value)} (${date}), after the as-of date ${options.asOf}` };
  }
  return { ok: true, date };
}
