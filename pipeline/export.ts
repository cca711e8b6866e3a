// `lifecert export`: a period's lists from the T+1 mirror as JSON lines or CSV, streamed in
// keyset pages (memory bounded by a page, whatever the province's size).
//   results    every result of the period, by personId — the JSON lines are exactly the demo's
//              results.jsonl;
//   reminders  eligible persons whose certification ends within 3 months (the `reminders` view),
//              by county then person: the county reminds them (粤人社规〔2023〕4号);
//   worklists  STOP / SEAL / VERIFY results (the `worklists` view), by county, action, person.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Db } from '../mirror/db.ts';
import { csvLine } from '../lib/csv.ts';
import type { Result } from '../schemas/types.ts';
import { readResults } from './match.ts';
import { keysetRows } from '../mirror/keyset.ts';
import { ExportError } from './errors.ts';

export { ExportError } from './errors.ts';

export const EXPORT_LISTS = ['results', 'reminders', 'worklists'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface Reminder {
  period: string;
  areaCode: string;
  personId: string;
  certifiedUntil: string;
  /** 0 when the certification ends in the period itself, up to 3 */
  monthsLeft: number;
}

export interface WorklistEntry {
  period: string;
  areaCode: string;
  action: 'STOP' | 'SEAL' | 'VERIFY';
  personId: string;
  reasons: Result['reasons'];
}

/** CSV columns per list: the JSON field names, in the order of the JSON objects. */
export const CSV_COLUMNS = {
  results: ['period', 'personId', 'areaCode', 'decision', 'action', 'reasons', 'lossDate', 'certifiedMonth', 'certifiedUntil', 'riskLevel', 'overpaidMonths', 'overpaidAmountFen', 'evidence'],
  reminders: ['period', 'areaCode', 'personId', 'certifiedUntil', 'monthsLeft'],
  worklists: ['period', 'areaCode', 'action', 'personId', 'reasons'],
} as const satisfies Record<ExportList, readonly string[]>;

export interface ExportOptions {
  period: string;
  list?: ExportList;
  format?: ExportFormat;
  /** rows per keyset query (default 5,000) */
  batchSize?: number;
}

/**
 * A CSV field from a JSON value: the reason codes joined by `;`, other objects as JSON text
 * (evidence), null as an empty field.
 */
function csvValue(column: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (column === 'reasons' && Array.isArray(value)) return value.join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The rows of one list, in its order. */
export function readList(db: Db, list: ExportList, period: string, batchSize = 5000): AsyncGenerator<object> {
  switch (list) {
    case 'results':
      return readResults(db, period, batchSize);
    case 'reminders':
      return readReminders(db, period, batchSize);
    case 'worklists':
      return readWorklists(db, period, batchSize);
  }
}

export async function* readReminders(db: Db, period: string, batchSize?: number): AsyncGenerator<Reminder> {
  const rows = keysetRows(
    ['', ''],
    batchSize,
    ([area, person], limit) =>
      db.query<{ area_code: string; person_id: string; certified_until: string; months_left: number }>(
        `SELECT area_code, person_id, certified_until, months_left FROM reminders
          WHERE period = $1 AND (area_code, person_id) > ($2, $3) ORDER BY area_code, person_id LIMIT $4`,
        [period, area, person, limit],
      ),
    (r) => [r.area_code, r.person_id],
  );
  for await (const r of rows) yield { period, areaCode: r.area_code, personId: r.person_id, certifiedUntil: r.certified_until, monthsLeft: r.months_left };
}

export async function* readWorklists(db: Db, period: string, batchSize?: number): AsyncGenerator<WorklistEntry> {
  const rows = keysetRows(
    ['', '', ''],
    batchSize,
    ([area, action, person], limit) =>
      db.query<{ area_code: string; action: WorklistEntry['action']; person_id: string; reasons: Result['reasons'] }>(
        `SELECT area_code, action, person_id, reasons FROM worklists
          WHERE period = $1 AND (area_code, action, person_id) > ($2, $3, $4) ORDER BY area_code, action, person_id LIMIT $5`,
        [period, area, action, person, limit],
      ),
    (r) => [r.area_code, r.action, r.person_id],
  );
  for await (const r of rows) yield { period, areaCode: r.area_code, action: r.action, personId: r.person_id, reasons: r.reasons };
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Write one list of a period to `out` (not ended here) and return the rows written. CSV starts
 * with a header line, also for an empty list. `onRow` sees every row as written.
 */
export async function exportList(db: Db, out: Writable, options: ExportOptions, onRow?: (row: object) => void): Promise<number> {
  const list = options.list ?? 'results';
  const format = options.format ?? 'jsonl';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) throw new ExportError(`period must be YYYY-MM, got '${options.period}'`);
  if (!(EXPORT_LISTS as readonly string[]).includes(list)) throw new ExportError(`unknown list '${list}' (one of ${EXPORT_LISTS.join(', ')})`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ExportError(`unknown format '${format}' (one of ${EXPORT_FORMATS.join(', ')})`);
  const columns: readonly string[] = CSV_COLUMNS[list];
  if (format === 'csv') await write(out, csvLine(columns));
  let count = 0;
  for await (const row of readList(db, list, options.period, options.batchSize)) {
    const record = row as Record<string, unknown>;
    await write(out, format === 'jsonl' ? `${JSON.stringify(row)}\n` : csvLine(columns.map((c) => csvValue(c, record[c]))));
    onRow?.(row);
    count += 1;
  }
  return count;
}
