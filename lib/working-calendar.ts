// The working calendar behind the audit log's out-of-hours flag (workflow.md; article 9:
// 加强非工作时间段资格认证操作的管理和监控). Shipped as data (working-calendar.json: weekends,
// the public holidays and the make-up working days 调休 of the State Council's notices) and
// replaceable by a file of the same shape, because the notice for a year is published only
// in the November before it.
import fs from 'node:fs';
import path from 'node:path';
import { LifecertError } from './errors.ts';

export const DEFAULT_CALENDAR_FILE = path.join(import.meta.dirname, 'working-calendar.json');

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export class WorkingCalendarError extends LifecertError {
  override readonly name: string = 'WorkingCalendarError';
  constructor(message: string) {
    super('LIFECERT_CONFIG_CALENDAR_INVALID', message);
  }
}

export interface WorkingCalendar {
  /** the years the file covers; outside them only weekends are non-working days */
  readonly years: readonly string[];
  /** years whose days were not taken from a State Council notice yet */
  readonly provisionalYears: readonly string[];
  /** a China date `YYYY-MM-DD`: Monday–Friday and not a holiday, or a make-up working day */
  isWorkingDay(date: string): boolean;
  /** before the start or from the end of working hours China time, or on a non-working day */
  isOutOfHours(instantMs: number): boolean;
}

interface CalendarFile {
  workingHours: { start: string; end: string };
  years: Record<string, { source: string; provisional?: boolean; holidays: { name: string; from: string; to: string }[]; makeUpWorkdays: { date: string; for: string }[] }>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function isRealDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

function minutes(time: string): number {
  const m = TIME.exec(time);
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks the shape and every date of a calendar file and builds the calendar. */
export function parseWorkingCalendar(data: unknown, origin = 'working calendar'): WorkingCalendar {
  const fail = (what: string): never => {
    throw new WorkingCalendarError(`${origin}: ${what}`);
  };
  const file = data as Partial<CalendarFile> | null;
  if (typeof file !== 'object' || file === null) fail('expected a JSON object');
  const hours = file?.workingHours;
  const start = minutes(hours?.start ?? '');
  const end = minutes(hours?.end ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) fail('workingHours needs start < end as HH:MM');
  const years = file?.years;
  if (typeof years !== 'object' || years === null) fail('years must be an object keyed by year');
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const provisional: string[] = [];
  for (const [year, y] of Object.entries(years ?? {})) {
    if (!/^\d{4}$/.test(year)) fail(`year key '${year}' is not a year`);
    if (!Array.isArray(y.holidays) || !Array.isArray(y.makeUpWorkdays)) fail(`${year}: holidays and makeUpWorkdays must be lists`);
    if (y.provisional === true) provisional.push(year);
    for (const h of y.holidays) {
      if (!isRealDate(h.from) || !isRealDate(h.to) || h.from > h.to) fail(`${year} holiday '${h.name}': from/to must be dates with from <= to`);
      if (!h.from.startsWith(year) || !h.to.startsWith(year)) fail(`${year} holiday '${h.name}' lies outside ${year}`);
      for (let d = new Date(`${h.from}T00:00:00Z`); d.toISOString().slice(0, 10) <= h.to; d.setUTCDate(d.getUTCDate() + 1)) {
        holidays.add(d.toISOString().slice(0, 10));
      }
    }
    for (const w of y.makeUpWorkdays) {
      if (!isRealDate(w.date) || !w.date.startsWith(year)) fail(`${year} make-up working day '${w.date}' is not a date of ${year}`);
      const dow = dayOfWeek(w.date);
      if (dow !== 0 && dow !== 6) fail(`${year} make-up working day ${w.date} is not a Saturday or Sunday`);
      if (holidays.has(w.date)) fail(`${w.date} is both a holiday and a make-up working day`);
      workdays.add(w.date);
    }
  }
  const covered = Object.keys(years ?? {}).sort();
  const isWorkingDay = (date: string): boolean => {
    if (holidays.has(date)) return false;
    if (workdays.has(date)) return true;
    const dow = dayOfWeek(date);
    return dow !== 0 && dow !== 6;
  };
  return {
    years: covered,
    provisionalYears: provisional.sort(),
    isWorkingDay,
    isOutOfHours(instantMs: number): boolean {
      const local = new Date(instantMs + CHINA_OFFSET_MS);
      const date = local.toISOString().slice(0, 10);
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      return !isWorkingDay(date) || minute < start || minute >= end;
    },
  };
}

/** The calendar in `file` (default: the shipped one). */
export function loadWorkingCalendar(file: string = DEFAULT_CALENDAR_FILE): WorkingCalendar {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WorkingCalendarError(`cannot read the working calendar ${file}: ${(err as Error).message}`);
  }
  return parseWorkingCalendar(data, file);
}
