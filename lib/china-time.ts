// China time (UTC+8, no daylight saving) helpers. Every workflow date is a China date;
// update times are carried as ISO 8601 with +08:00 so that string order is time order.

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;
/** local instants from 0000-01-01 to 9999-12-31 (four-digit years): formatted by arithmetic */
const FIRST_LOCAL_MS = -62_167_219_200_000;
const LAST_LOCAL_MS = 253_402_300_799_999;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** `YYYY-MM-DDT` per local day number: a month of data touches a few dozen days */
const dayPrefixes = new Map<number, string>();

/**
 * `YYYY-MM-DDTHH:mm:ss` of a local instant (the offset already added), or null outside years
 * 0–9999 and for NaN. One Date per distinct day, not one per call: this runs for every record's
 * update time (the connectors, staging), where `new Date(…).toISOString()` showed in profiles.
 */
function localIsoSeconds(localMs: number): string | null {
  if (!(localMs >= FIRST_LOCAL_MS && localMs <= LAST_LOCAL_MS)) return null;
  const day = Math.floor(localMs / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const seconds = Math.floor((localMs - day * DAY_MS) / 1000);
  const h = Math.floor(seconds / 3600);
  const mi = Math.floor(seconds / 60) % 60;
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[mi]}:${TWO_DIGITS[seconds % 60]}`;
}

/** `2026-11-20T09:12:45+08:00` for an instant. */
export function toChinaIso(ms: number): string {
  const fast = localIsoSeconds(ms + CHINA_OFFSET_MS);
  if (fast !== null) return `${fast}+08:00`;
  const d = new Date(ms + CHINA_OFFSET_MS);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

/** An instant as ISO 8601 in China time, with milliseconds only when not zero (`…:45+08:00`, `…:45.500+08:00`). */
export function toChinaIsoMillis(ms: number): string {
  const local = ms + CHINA_OFFSET_MS;
  const fast = localIsoSeconds(local);
  if (fast !== null) {
    const millis = local - Math.floor(local / 1000) * 1000;
    return millis === 0 ? `${fast}+08:00` : `${fast}.${String(millis).padStart(3, '0')}+08:00`;
  }
  const iso = new Date(local).toISOString(); // 2026-11-20T09:12:45.000Z
  const millis = iso.slice(19, 23);
  return `${iso.slice(0, 19)}${millis === '.000' ? '' : millis}+08:00`;
}

/** The China date `YYYY-MM-DD` of an instant. */
export function chinaDate(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const ISO_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse a source update time into epoch ms: `YYYY-MM-DD HH:mm:ss` (China time) or ISO 8601
 * with or without an offset (without: China time). Returns NaN when unreadable.
 */
export function parseUpdateTime(value: string): number {
  // the two forms nearly every record carries, read digit by digit (no match array, no substrings)
  if (value.length === 19 || value.length === 25) {
    const fast = parseCommonForm(value);
    if (fast !== undefined) return fast;
  }
  // no update time is longer; the bound keeps a megabyte value from being scanned at all
  if (value.length > 64 && value.trim().length > 64) return Number.NaN;
  const v = value.trim();
  let m = LOCAL_TIME.exec(v);
  if (m) return fieldsToMs(m, 'Z') - CHINA_OFFSET_MS;
  m = ISO_OFFSET.exec(v);
  if (!m) return Number.NaN;
  const off = m[7];
  const base = fieldsToMs(m, 'Z');
  if (off === undefined) return base - CHINA_OFFSET_MS;
  if (off === 'Z') return base;
  const sign = off[0] === '-' ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  const offMs = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60000;
  return base - sign * offMs;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at `i` (0–9), or -1. */
function digitAt(v: string, i: number): number {
  const c = v.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at `i` as a number, or -1. */
function twoAt(v: string, i: number): number {
  const a = digitAt(v, i);
  const b = digitAt(v, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * `YYYY-MM-DD HH:mm:ss` / `YYYY-MM-DDTHH:mm:ss` (China time) and `YYYY-MM-DDTHH:mm:ss+08:00`,
 * exactly: what parseUpdateTime's regular expressions make of them (the same range checks), or
 * undefined for any other text, which takes the general path.
 */
function parseCommonForm(v: string): number | undefined {
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return undefined; // - - : :
  const sep = v.charCodeAt(10);
  if (v.length === 25) {
    if (sep !== 84 || !v.endsWith('+08:00')) return undefined; // T
  } else if (sep !== 32 && sep !== 84) {
    return undefined;
  }
  const hi = twoAt(v, 0);
  const lo = twoAt(v, 2);
  const mo = twoAt(v, 5);
  const d = twoAt(v, 8);
  const h = twoAt(v, 11);
  const mi = twoAt(v, 14);
  const s = twoAt(v, 17);
  if (hi < 0 || lo < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return undefined;
  return utcMs(hi * 100 + lo, mo, d, h, mi, s) - CHINA_OFFSET_MS;
}

function fieldsToMs(m: RegExpExecArray, _zone: 'Z'): number {
  // the regular expressions matched digits only: Number() cannot fail; no array, no Date per call
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  return utcMs(y, mo, d, h, mi, s);
}

/** The fields as a UTC instant, or NaN for an impossible one. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  // reject impossible values (2026-02-30 would roll over); Date.UTC reads years 0-99 as 19xx,
  // which never gave back the year written, so those are rejected as before
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return Number.NaN;
  const leap = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1] + (leap ? 1 : 0)) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Normalize a source update time to ISO +08:00, or '' when unreadable. */
export function normalizeUpdateTime(value: string): string {
  const ms = parseUpdateTime(value);
  if (Number.isNaN(ms)) return '';
  const iso = toChinaIso(ms);
  // an instant past 9999-12-31 China time has no 4-digit year (`+010000-…`): unreadable too
  return /^\d{4}-/.test(iso) ? iso : '';
}

/** The end of a China day (`2026-11-28` → the instant 2026-11-28T23:59:59.999+08:00) in ms. */
export function endOfChinaDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d + 1) - CHINA_OFFSET_MS - 1;
}

/** Add days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Month arithmetic on `YYYY-MM`. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** `a − b` in calendar months for `YYYY-MM` values. */
export function monthDiff(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number);
  const [yb, mb] = b.split('-').map(Number);
  return (ya - yb) * 12 + (ma - mb);
}

/** The last day `YYYY-MM-DD` of a `YYYY-MM` month. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
