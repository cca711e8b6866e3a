// Ministry platform records (sources.md §1) → canonical events (normalization.md).
import type { AliveSignal, EventBody, Normalized, NormalizeContext } from '../../schemas/types.ts';
import { UnknownDatasetError } from '../../schemas/index.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import {
  AUTH_CHANNEL, AUTH_RESULT, GUANGDONG_PREFIX, INSURANCE_TYPE, RESIDENTS_PENSION, RecordCheck,
  aliveStrength, asFields, decide, hasUnreadableCharacter, isSixDigitCode, normalizeName, quote, readShape, stringField,
} from '../kit/normalize/index.ts';
import { MINISTRY_RAW } from './raw-records.ts';

/** What `eventDate` means per dataType (for messages). */
const EVENT_DATE: Readonly<Record<string, string>> = {
  DEATH: 'death date',
  BENEFIT: 'benefit start date',
  AUTH: 'authentication date',
  TRAVEL: 'travel date',
  MEDICAL: 'visit date',
  PRISON: 'sentence start date',
  OVERSEAS: 'authentication date',
};

/** The weak signs of life the ministry relays. */
const SIGNAL_OF: Readonly<Record<string, AliveSignal>> = { TRAVEL: 'TRAVEL', MEDICAL: 'MEDICAL' };

export function normalizeMinistry(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  const fields = MINISTRY_RAW.fields(dataset);
  return decide((): EventBody => {
    const r = new RecordCheck(
      readShape(raw, { dataset, fields, wholeRecordField: 'aac002' }, asFields),
      ctx,
    );
    const personId = r.identity('aac002');
    const name = normalizeName(r.value('aac003'));

    // Step 3, in published field order.
    r.requireId('recordId');
    r.require('eventDate', EVENT_DATE[dataset]);
    if (dataset === 'BENEFIT') {
      r.require('detailCode', 'insurance type', 'a BENEFIT record needs it');
      r.require('aab301', 'paying province', 'a BENEFIT record needs it');
    }
    if (dataset === 'AUTH') r.require('channel', 'authentication channel', 'an AUTH record needs it');
    if (dataset === 'AUTH' || dataset === 'OVERSEAS') r.require('result', 'authentication result', `an ${dataset} record needs it`);

    // Step 4: a pension may be approved to start next month, and a sentence or a benefit may end in the future.
    const date = r.date('eventDate', EVENT_DATE[dataset], dataset === 'BENEFIT');
    const hasEnd = dataset === 'BENEFIT' || dataset === 'PRISON';
    const endDate = hasEnd ? r.endDate('eventEndDate', dataset === 'BENEFIT' ? 'benefit end date' : 'sentence end date') : undefined;

    switch (dataset) {
      case 'DEATH':
        return { kind: 'DEATH', origin: 'ministry', personId, name, date, detail: { dateKind: 'death' } };
      case 'BENEFIT': {
        const insuranceType = r.code('detailCode', INSURANCE_TYPE, 'insurance type');
        const province = r.value('aab301').trim();
        // a control character is no white space to trim away (normalization.md "Hostile input")
        if (!isSixDigitCode(province) || hasUnreadableCharacter(r.value('aab301'))) {
          r.reject('CODE_UNKNOWN', 'aab301', `aab301 (paying province) holds ${quote(r.value('aab301'))}, which is not a six-digit region code.`);
        }
        if (insuranceType === RESIDENTS_PENSION && province.startsWith(GUANGDONG_PREFIX)) r.skip('OWN_PENSION');
        return {
          kind: 'OTHER_BENEFIT', origin: 'ministry', personId, name, date,
          ...(endDate === undefined ? {} : { endDate }),
          detail: { insuranceType, province },
        };
      }
      case 'AUTH': {
        const signal = r.code('channel', AUTH_CHANNEL, 'authentication channel');
        if (r.code('result', AUTH_RESULT, 'authentication result') === 'FAIL') r.skip('RESULT_FAIL');
        return { kind: 'ALIVE', origin: 'ministry', personId, name, date, detail: { signal, strength: aliveStrength(signal) } };
      }
      case 'OVERSEAS': {
        if (r.code('result', AUTH_RESULT, 'authentication result') === 'FAIL') r.skip('RESULT_FAIL');
        return { kind: 'ALIVE', origin: 'ministry', personId, name, date, detail: { signal: 'OVERSEAS_AUTH', strength: aliveStrength('OVERSEAS_AUTH') } };
      }
      case 'TRAVEL':
      case 'MEDICAL': {
        const signal = SIGNAL_OF[dataset];
        return { kind: 'ALIVE', origin: 'ministry', personId, name, date, detail: { signal, strength: aliveStrength(signal) } };
      }
      case 'PRISON':
        // Imprisonment data originates from justice; the ministry only relays it.
        return {
          kind: 'IMPRISONED', origin: 'justice', personId, name, date,
          ...(endDate === undefined ? {} : { endDate }),
          detail: {},
        };
      default:
        throw new UnknownDatasetError('ministry', dataset);
    }
  });
}

/** The ministry `recordId` as sent ('' when unreadable). */
export function recordIdOfMinistry(_dataset: string, raw: unknown): string {
  return stringField(raw, 'recordId');
}

/** `aae036` as ISO 8601 +08:00 ('' when unreadable). */
export function updatedAtOfMinistry(_dataset: string, raw: unknown): string {
  return normalizeUpdateTime(stringField(raw, 'aae036'));
}
