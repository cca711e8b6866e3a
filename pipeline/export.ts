// `lifecert export`: a period's lists from the T+1 mirror as JSON lines or CSV, streamed in
// keyset pages (memory bounded by a page, whatever the province's size).
//   results    every result of the period, by personId — the JSON lines are exactly the demo's
//              results.jsonl;
//   reminders  eligible persons whose certification ends within 3 months (the `reminders` view),
//              by county then person: the county reminds them (粤人社规〔2023〕4号);
//   worklists  STOP / SEAL / VERIFY results (the `worklists` view), by county, action, person.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { csvLine } from '../lib/csv.ts';
import { readReminders, readResults, readWorklists } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import { ExportError } from './errors.ts';

export { ExportError } from './errors.ts';

export const EXPORT_LISTS = ['results', 'reminders', 'worklists'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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
