// Civil affairs cremation rows (sources.md §4) → DEATH events (normalization.md).
import type { CivilRaw, EventBody, Normalized, NormalizeContext } from '../../schemas/types.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import { RecordCheck, decide, normalizeName, readShape } from '../kit/normalize/index.ts';
import { CIVIL_RAW } from './raw-records.ts';

export const CIVIL_DATASET = 'cremation';

function isCivilRaw(raw: unknown): raw is CivilRaw {
  if (raw === null || typeof raw !== 'object') return false;
  const c = raw as Partial<CivilRaw>;
  return typeof c.file === 'string' && typeof c.line === 'number' && c.row !== null && typeof c.row === 'object';
}

export function normalizeCivil(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  const fields = CIVIL_RAW.fields(dataset);
  return decide((): EventBody => {
    const r = new RecordCheck(
      readShape(raw, { dataset, fields, wholeRecordField: '身份证号码' }, (v) => (isCivilRaw(v) ? v.row : null)),
      ctx,
    );
    const personId = r.identity('身份证号码');
    const name = normalizeName(r.value('逝者姓名'));
    // The record id is the file and line, always there: only the dates can be missing.
    const dateField = r.requireOneOf(['死亡日期', '火化日期'], 'a death date (死亡日期) or a cremation date (火化日期)');
    const date = r.date(dateField, dateField === '死亡日期' ? 'death date' : 'cremation date');
    return {
      kind: 'DEATH', origin: 'civil', personId, name, date,
      detail: { dateKind: dateField === '死亡日期' ? 'death' : 'proxy' },
    };
  });
}

/** `<file name>:<line number>` ('' when the carried row is malformed). */
export function recordIdOfCivil(_dataset: string, raw: unknown): string {
  return isCivilRaw(raw) ? `${raw.file}:${raw.line}` : '';
}

/** `登记时间` (registration time) as ISO 8601 +08:00 ('' when unreadable). */
export function updatedAtOfCivil(_dataset: string, raw: unknown): string {
  if (!isCivilRaw(raw)) return '';
  const v = (raw.row as Record<string, unknown>)['登记时间'];
  return typeof v === 'string' ? normalizeUpdateTime(v) : '';
}

/** A cell of a civil row as sent ('' when absent). */
export function cellOfCivil(raw: unknown, header: string): string {
  if (!isCivilRaw(raw)) return '';
  const v = (raw.row as Record<string, unknown>)[header];
  return typeof v === 'string' ? v : '';
}
