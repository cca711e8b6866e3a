// City police household registration changes (sources.md §3) → canonical events.
// Police write status and reason as text; the code tables map them to the same canonical
// values as the big-data center's numeric codes.
import type { EventBody, Normalized, NormalizeContext } from '../../schemas/types.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import {
  POLICE_CANCEL_REASON, POLICE_HUKOU_STATUS, RecordCheck, asFields, decide, isDeathReason,
  normalizeName, readShape, stringField,
} from '../kit/normalize/index.ts';
import { POLICE_RAW } from './raw-records.ts';

/** The one police dataset. */
export const POLICE_DATASET = 'hukou';

export function normalizePolice(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  const fields = POLICE_RAW.fields(dataset);
  return decide((): EventBody => {
    const r = new RecordCheck(
      readShape(raw, { dataset, fields, wholeRecordField: 'sfzh' }, asFields),
      ctx,
    );
    const personId = r.identity('sfzh');
    const name = normalizeName(r.value('xm'));

    // Status and cancellation reason first: they decide which dates are required at all.
    const status = r.requiredCode('hjzt', POLICE_HUKOU_STATUS, 'household status');
    const reason = status === 'CANCELLED'
      ? r.requiredCode('zxyy', POLICE_CANCEL_REASON, 'cancellation reason', 'a cancelled household record (注销) needs it')
      : null;
    r.requireId('id');
    if (reason === null) {
      r.require('gxsj', 'update time', 'a normal household record is dated by it');
      const date = r.date('gxsj', 'update time');
      return { kind: 'HUKOU_NORMAL', origin: 'police', personId, name, date, detail: {} };
    }
    r.require('zxrq', 'cancellation date', 'a cancelled household record (注销) needs it');
    const date = r.date('zxrq', 'cancellation date');
    // Police records carry no death date: a death cancellation is dated by the cancellation.
    if (isDeathReason(reason)) return { kind: 'DEATH', origin: 'police', personId, name, date, detail: { dateKind: 'proxy' } };
    return { kind: 'HUKOU_CANCELLED', origin: 'police', personId, name, date, detail: { reason } };
  });
}

/** `id` as sent ('' when unreadable). */
export function recordIdOfPolice(_dataset: string, raw: unknown): string {
  return stringField(raw, 'id');
}

/** `gxsj` as ISO 8601 +08:00 ('' when unreadable). */
export function updatedAtOfPolice(_dataset: string, raw: unknown): string {
  return normalizeUpdateTime(stringField(raw, 'gxsj'));
}
