// Calendar arithmetic for the generator: China dates `YYYY-MM-DD`, months `YYYY-MM`.
// Written here rather than taken from lib/: the oracle decides with these, and it must share no
// code with matching/ (which uses lib/china-time.ts), so that one slip in a month step cannot
// make the engine and its check agree on a wrong answer.

/** `YYYY-MM` moved by `n` months (n may be negative). */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`;
}

/** `a − b` in calendar months for `YYYY-MM` values. */
export function monthDiff(a: string, b: string): number {
  return (Number(a.slice(0, 4)) - Number(b.slice(0, 4))) * 12 + Number(a.slice(5, 7)) - Number(b.slice(5, 7));
}

// A world needs millions of date steps: day numbers and month ends are memoized (the calendar
// a world spans is a few tens of thousands of days).
const dayNumbers = new Map<string, number>();
const dayDates = new Map<number, string>();
const monthEnds = new Map<string, string>();

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  let n = dayNumbers.get(date);
  if (n === undefined) {
    n = Math.round(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86400000);
    dayNumbers.set(date, n);
  }
  return n;
}

export function dateOfDay(n: number): string {
  let d = dayDates.get(n);
  if (d === undefined) {
    d = new Date(n * 86400000).toISOString().slice(0, 10);
    dayDates.set(n, d);
  }
  return d;
}

export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}

/** The last day `YYYY-MM-DD` of a `YYYY-MM` month. */
export function lastDayOfMonth(month: string): string {
  let d = monthEnds.get(month);
  if (d === undefined) {
    d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    monthEnds.set(month, d);
  }
  return d;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** True when `YYYY-MM-DD` names a real calendar day. */
export function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= Number(lastDayOfMonth(`${m[1]}-${m[2]}`).slice(8, 10)) && y > 0;
}

/** Days from `a` to `b` (b − a). */
export function dayDiff(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

/**
 * Full years of age on `day` (decision-rules §0): someone born on 29 February has the
 * birthday on 1 March in other years.
 */
export function ageOn(birthDate: string, day: string): number {
  const by = Number(birthDate.slice(0, 4));
  let bm = Number(birthDate.slice(5, 7));
  let bd = Number(birthDate.slice(8, 10));
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const d = Number(day.slice(8, 10));
  if (bm === 2 && bd === 29 && !isLeapYear(y)) {
    bm = 3;
    bd = 1;
  }
  const beforeBirthday = m < bm || (m === bm && d < bd);
  return y - by - (beforeBirthday ? 1 : 0);
}

/** The same calendar day `years` earlier (29 February → 28 February in a common year). */
export function yearsBefore(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) - years;
  const md = date.slice(5);
  if (md === '02-29' && !isLeapYear(y)) return `${String(y).padStart(4, '0')}-02-28`;
  return `${String(y).padStart(4, '0')}-${md}`;
}

export function compact(date: string): string {
  return date.replaceAll('-', '');
}
