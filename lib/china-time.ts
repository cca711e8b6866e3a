// China time (UTC+8, no daylight saving) helpers. Every workflow date is a China date;
// update times are carried as ISO 8601 with +08:00 so that string order is time order.

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** `2026-11-20T09:12:45+08:00` for an instant. */
export function toChinaIso(ms: number): string {
  const d = new Date(ms + CHINA_OFFSET_MS);
  return `${d.toISOString().slice(0, 19)}+08:00`;
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

function fieldsToMs(m: RegExpExecArray, _zone: 'Z'): number {
  // the regular expressions matched digits only: Number() cannot fail; no array, no Date per call
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
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
