// Provincial big-data center records (sources.md §2) → canonical events (normalization.md).
// The center relays other departments' data: the origin is the department named in SJLY.
import type { EventBody, Normalized, NormalizeContext, Origin } from '../../schemas/types.ts';
import { UnknownDatasetError } from '../../schemas/index.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import {
  BIGDATA_CANCEL_REASON, BIGDATA_HUKOU_STATUS, BIGDATA_ORIGIN, RecordCheck, asFields, decide,
  isDeathReason, lookupCode, normalizeName, readShape, stringField,
} from '../kit/normalize/index.ts';
import { BIGDATA_RAW } from './raw-records.ts';

export function normalizeBigdata(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  const fields = BIGDATA_RAW.fields(dataset);
  return decide((): EventBody => {
    const r = new RecordCheck(
      readShape(raw, { dataset, fields, wholeRecordField: 'GMSFHM' }, asFields),
      ctx,
    );
    const personId = r.identity('GMSFHM');
    const name = normalizeName(r.value('XM'));
    const event = { personId, name };

    switch (dataset) {
      case 'hukou': {
        // Status and cancellation reason first: they decide which dates are required at all.
        const status = r.requiredCode('HKZT', BIGDATA_HUKOU_STATUS, 'household status');
        const reason = status === 'CANCELLED'
          ? r.requiredCode('ZXYYDM', BIGDATA_CANCEL_REASON, 'cancellation reason', 'a cancelled household record needs it')
          : null;
        r.requireId('JLID');
        r.require('SJLY', 'originating department');
        if (reason === null) {
          r.require('GXSJ', 'update time', 'a normal household record is dated by it');
          const date = r.date('GXSJ', 'update time');
          const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
          return { kind: 'HUKOU_NORMAL', origin, ...event, date, detail: {} };
        }
        r.require('ZXRQ', 'cancellation date', 'a cancelled household record needs it');
        const cancelled = r.date('ZXRQ', 'cancellation date');
        if (isDeathReason(reason)) {
          const death = r.present('SWRQ') ? r.date('SWRQ', 'death date') : null;
          const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
          return death === null
            ? { kind: 'DEATH', origin, ...event, date: cancelled, detail: { dateKind: 'proxy' } }
            : { kind: 'DEATH', origin, ...event, date: death, detail: { dateKind: 'death' } };
        }
        const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
        return { kind: 'HUKOU_CANCELLED', origin, ...event, date: cancelled, detail: { reason } };
      }
      case 'death': {
        r.requireId('JLID');
        r.require('SJLY', 'originating department');
        r.require('SWRQ', 'death date');
        const date = r.date('SWRQ', 'death date');
        const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
        return { kind: 'DEATH', origin, ...event, date, detail: { dateKind: 'death' } };
      }
      case 'cremation': {
        r.requireId('JLID');
        r.require('SJLY', 'originating department');
        const dateField = r.requireOneOf(['SWRQ', 'HHRQ'], 'a death date or a cremation date');
        const date = r.date(dateField, dateField === 'SWRQ' ? 'death date' : 'cremation date');
        const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
        return { kind: 'DEATH', origin, ...event, date, detail: { dateKind: dateField === 'SWRQ' ? 'death' : 'proxy' } };
      }
      case 'prison': {
        r.requireId('JLID');
        r.require('SJLY', 'originating department');
        r.require('XQQSRQ', 'sentence start date');
        const date = r.date('XQQSRQ', 'sentence start date');
        const endDate = r.endDate('XQJZRQ', 'sentence end date');
        const origin = r.code('SJLY', BIGDATA_ORIGIN, 'originating department');
        return { kind: 'IMPRISONED', origin, ...event, date, ...(endDate === undefined ? {} : { endDate }), detail: {} };
      }
      default:
        throw new UnknownDatasetError('bigdata', dataset);
    }
  });
}

/** `JLID` as sent ('' when unreadable). */
export function recordIdOfBigdata(_dataset: string, raw: unknown): string {
  return stringField(raw, 'JLID');
}

/** `GXSJ` as ISO 8601 +08:00 ('' when unreadable). */
export function updatedAtOfBigdata(_dataset: string, raw: unknown): string {
  return normalizeUpdateTime(stringField(raw, 'GXSJ'));
}

/** The department a big-data record originates from (SJLY), null when SJLY is unknown. */
export function originOfBigdata(_dataset: string, raw: unknown): Origin | null {
  return lookupCode(BIGDATA_ORIGIN, stringField(raw, 'SJLY'));
}
