// Health commission items (sources.md §5) → canonical events (normalization.md).
import type { EventBody, Normalized, NormalizeContext } from '../../schemas/types.ts';
import { UnknownDatasetError } from '../../schemas/index.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import {
  HEALTH_ID_TYPE, RecordCheck, aliveStrength, asFields, decide, normalizeName, readShape, stringField,
} from '../kit/normalize/index.ts';
import { HEALTH_RAW } from './raw-records.ts';

interface HealthDataset {
  recordId: string;
  dateField: string;
  dateMeaning: string;
}

const DATASETS: Readonly<Record<string, HealthDataset>> = {
  'death-certificates': { recordId: 'certificateNo', dateField: 'deathTime', dateMeaning: 'time of death' },
  vaccinations: { recordId: 'vaccinationId', dateField: 'administeredAt', dateMeaning: 'vaccination time' },
  checkups: { recordId: 'checkupId', dateField: 'checkupDate', dateMeaning: 'check-up date' },
};

function datasetOf(dataset: string): HealthDataset {
  const d = DATASETS[dataset];
  if (!d) throw new UnknownDatasetError('health', dataset);
  return d;
}

export function normalizeHealth(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  const fields = HEALTH_RAW.fields(dataset);
  const d = datasetOf(dataset);
  return decide((): EventBody => {
    const r = new RecordCheck(
      readShape(raw, { dataset, fields, wholeRecordField: 'idType' }, asFields),
      ctx,
    );
    // Step 1: a passport or HK/Macau/Taiwan permit cannot match a resident roster: out of scope,
    // whatever else the record holds.
    r.require('idType', 'identity document type');
    const idType = r.code('idType', HEALTH_ID_TYPE, 'identity document type');
    if (idType !== 'RESIDENT_ID') r.skip('NOT_RESIDENT_ID');

    const personId = r.identity('idNumber');
    const name = normalizeName(r.value('name'));
    r.requireId(d.recordId);
    r.require(d.dateField, d.dateMeaning);
    const date = r.date(d.dateField, d.dateMeaning);

    if (dataset === 'death-certificates') {
      return { kind: 'DEATH', origin: 'health', personId, name, date, detail: { dateKind: 'death' } };
    }
    const signal = dataset === 'vaccinations' ? 'VACCINATION' : 'CHECKUP';
    return { kind: 'ALIVE', origin: 'health', personId, name, date, detail: { signal, strength: aliveStrength(signal) } };
  });
}

/** `certificateNo` / `vaccinationId` / `checkupId` as sent ('' when unreadable). */
export function recordIdOfHealth(dataset: string, raw: unknown): string {
  return stringField(raw, datasetOf(dataset).recordId);
}

/** `updatedAt` as ISO 8601 +08:00 ('' when unreadable). */
export function updatedAtOfHealth(_dataset: string, raw: unknown): string {
  return normalizeUpdateTime(stringField(raw, 'updatedAt'));
}
