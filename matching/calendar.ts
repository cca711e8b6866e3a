// Allocation-free calendar arithmetic on `YYYY-MM` / `YYYY-MM-DD` strings for the hot path
// (the engine runs over ~10 million persons a period). Inputs are canonical: the mirror
// stores normalized dates only.

import { addMonths, lastDayOfMonth } from '../lib/china-time.ts';

const ZERO = 48;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - ZERO);
  return n;
}

/** `YYYY-MM` (or the month of a `YYYY-MM-DD`) as a count of months since year 0. */
export function monthIndex(monthOrDate: string): number {
  return digits(monthOrDate, 0, 4) * 12 + digits(monthOrDate, 5, 2) - 1;
}

export function monthFromIndex(index: number): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}`;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` (proleptic Gregorian, Howard Hinnant's days_from_civil). */
export function dayNumber(date: string): number {
  let y = digits(date, 0, 4);
  const m = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Byte (UTF-8) order of two strings. JavaScript compares UTF-16 code units, which agrees with
 * code-point (= UTF-8 byte) order except between surrogates and U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca <= 0xdfff ? ca + 0x2000 : ca - 0x800;
      cb = cb <= 0xdfff ? cb + 0x2000 : cb - 0x800;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length - b.length;
}

/** Everything about the period P the rules need, computed once per period, not per person. */
export interface PeriodContext {
  period: string;
  periodIndex: number;
  /** first day of P, YYYY-MM-DD */
  firstDay: string;
  /** last day of P, YYYY-MM-DD: events dated after it do not count */
  lastDay: string;
  /** P−11 (§5 staleness window start), YYYY-MM */
  staleFromMonth: string;
  /** first day of P−11 */
  staleFromDay: string;
  lastDayYear: number;
  /** `MM-DD` of the last day of P */
  lastDayMonthDay: string;
  lastDayYearIsLeap: boolean;
}

export function periodContext(period: string): PeriodContext {
  const lastDay = lastDayOfMonth(period);
  const staleFromMonth = addMonths(period, -11);
  const lastDayYear = digits(lastDay, 0, 4);
  return {
    period,
    periodIndex: monthIndex(period),
    firstDay: `${period}-01`,
    lastDay,
    staleFromMonth,
    staleFromDay: `${staleFromMonth}-01`,
    lastDayYear,
    lastDayMonthDay: lastDay.slice(5),
    lastDayYearIsLeap: isLeapYear(lastDayYear),
  };
}

/**
 * Age in full years on the last day of P (§0); a person born on 29 February has the birthday
 * on 1 March in other years.
 */
export function ageOnLastDay(birthDate: string, ctx: PeriodContext): number {
  let age = ctx.lastDayYear - digits(birthDate, 0, 4);
  let birthday = birthDate.slice(5, 10);
  if (birthday === '02-29' && !ctx.lastDayYearIsLeap) birthday = '03-01';
  if (ctx.lastDayMonthDay < birthday) age--;
  return age;
}
