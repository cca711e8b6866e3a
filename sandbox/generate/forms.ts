// How each source writes dates and times, clean and dirty (normalization.md "Dates").
import type { Rng } from './prng.ts';
import { addDays } from './calendar.ts';
import { fullWidthDigits } from './identity.ts';

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A random time of day `HH:mm:ss`, office hours most of the time. */
export function timeOfDay(rng: Rng): string {
  const h = rng.chance(0.85) ? rng.int(8, 18) : rng.int(0, 23);
  return `${pad2(h)}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}`;
}

/** ISO 8601 of a China date and time: `+08:00`, or the same instant in UTC (`Z`). */
export function isoStamp(date: string, time: string, zulu: boolean): string {
  if (!zulu) return `${date}T${time}+08:00`;
  const h = Number(time.slice(0, 2));
  const utcDate = h < 8 ? addDays(date, -1) : date;
  return `${utcDate}T${pad2((h + 16) % 24)}${time.slice(2)}Z`;
}

/** A China date-time whose UTC rendering falls on the previous day (crosses midnight). */
export function earlyMorningTime(rng: Rng): string {
  return `${pad2(rng.int(0, 7))}:${pad2(rng.int(0, 59))}:00`;
}

function parts(date: string): [string, number, number] {
  return [date.slice(0, 4), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

export type DateForm =
  | 'iso' | 'unpadded' | 'compact' | 'slashes' | 'dots' | 'chinese' | 'localTime'
  | 'isoNoOffset' | 'isoOffset' | 'isoZulu';

/** Write a China date in one of the accepted forms; the value always normalizes to `date`. */
export function writeDate(date: string, form: DateForm, rng: Rng): string {
  const [y, m, d] = parts(date);
  switch (form) {
    case 'iso': return date;
    case 'unpadded': return `${y}-${m}-${d}`;
    case 'compact': return date.replaceAll('-', '');
    case 'slashes': return `${y}/${m}/${d}`;
    case 'dots': return `${y}.${m}.${d}`;
    case 'chinese': return `${y}年${m}月${d}日`;
    case 'localTime': return `${date} ${timeOfDay(rng)}`;
    case 'isoNoOffset': return `${date}T${timeOfDay(rng)}`;
    case 'isoOffset': return isoStamp(date, timeOfDay(rng), false);
    case 'isoZulu': return isoStamp(date, rng.chance(0.5) ? earlyMorningTime(rng) : timeOfDay(rng), true);
  }
}

const CIVIL_FORMS: readonly (readonly [DateForm, number])[] = [
  ['iso', 30], ['unpadded', 10], ['compact', 10], ['slashes', 12], ['dots', 5], ['chinese', 10],
  ['localTime', 6], ['isoNoOffset', 4], ['isoOffset', 3], ['isoZulu', 3],
];

/** A civil-affairs date: every form offices use, sometimes in full-width digits. */
export function civilDate(date: string, rng: Rng): string {
  const form = rng.weighted(CIVIL_FORMS);
  const text = writeDate(date, form, rng);
  if ((form === 'chinese' || form === 'iso' || form === 'slashes') && rng.chance(0.12)) return fullWidthDigits(text);
  return text;
}

/** Police `YYYY/MM/DD` (some city systems drop the zero padding). */
export function policeDate(date: string, rng: Rng): string {
  const [y, m, d] = parts(date);
  return rng.chance(0.85) ? `${y}/${pad2(m)}/${pad2(d)}` : `${y}/${m}/${d}`;
}

/** Big-data `YYYYMMDD`, now and then `YYYY-MM-DD` from an older feed. */
export function bigdataDate(date: string, rng: Rng): string {
  return rng.chance(0.93) ? date.replaceAll('-', '') : date;
}

/** Impossible dates as sources send them, in a given style. */
export function impossibleDate(style: 'compact' | 'iso' | 'slashes' | 'chinese', rng: Rng, year: string): string {
  const [m, d] = rng.pick([[2, 30], [2, 31], [4, 31], [9, 31], [6, 31], [11, 31], [10, 32], [13, 1], [0, 10]] as const);
  switch (style) {
    case 'compact': return `${year}${pad2(m)}${pad2(d)}`;
    case 'iso': return `${year}-${pad2(m)}-${pad2(d)}`;
    case 'slashes': return `${year}/${pad2(m)}/${pad2(d)}`;
    case 'chinese': return `${year}年${m}月${d}日`;
  }
}
