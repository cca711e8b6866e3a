// Normalization dispatch used by the pipeline: one raw source record → a staged event body, a
// rejection or a skip (normalization.md), plus the record id and update time the pipeline keys
// versions by. Channels: `ministry`, `bigdata`, `police-<city4>`, `civil`, `health`.
import type { Normalized, NormalizeContext, Origin } from '../schemas/types.ts';
import { UnknownDatasetError, isKnownDataset, publishedFields } from '../schemas/index.ts';
import { normalizeMinistry, recordIdOfMinistry, updatedAtOfMinistry } from './ministry/mapper.ts';
import { normalizeBigdata, originOfBigdata, recordIdOfBigdata, updatedAtOfBigdata } from './bigdata/mapper.ts';
import { normalizePolice, recordIdOfPolice, updatedAtOfPolice } from './police/mapper.ts';
import { cellOfCivil, normalizeCivil, recordIdOfCivil, updatedAtOfCivil } from './civil/mapper.ts';
import { normalizeHealth, recordIdOfHealth, updatedAtOfHealth } from './health/mapper.ts';
import { stringField } from './kit/normalize/record.ts';

export { UnknownDatasetError } from '../schemas/index.ts';

type SourceKind = 'ministry' | 'bigdata' | 'police' | 'civil' | 'health';

interface SourceMapper {
  normalize(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized;
  recordIdOf(dataset: string, raw: unknown): string;
  updatedAtOf(dataset: string, raw: unknown): string;
  /** the source's identity-number field (civil: CSV header) */
  identityField: string;
}

const MAPPERS: Readonly<Record<SourceKind, SourceMapper>> = {
  ministry: { normalize: normalizeMinistry, recordIdOf: recordIdOfMinistry, updatedAtOf: updatedAtOfMinistry, identityField: 'aac002' },
  bigdata: { normalize: normalizeBigdata, recordIdOf: recordIdOfBigdata, updatedAtOf: updatedAtOfBigdata, identityField: 'GMSFHM' },
  police: { normalize: normalizePolice, recordIdOf: recordIdOfPolice, updatedAtOf: updatedAtOfPolice, identityField: 'sfzh' },
  civil: { normalize: normalizeCivil, recordIdOf: recordIdOfCivil, updatedAtOf: updatedAtOfCivil, identityField: '身份证号码' },
  health: { normalize: normalizeHealth, recordIdOf: recordIdOfHealth, updatedAtOf: updatedAtOfHealth, identityField: 'idNumber' },
};

/** The source behind a channel name; throws UnknownDatasetError for an unknown channel or dataset. */
function sourceOf(channel: string, dataset: string): SourceKind {
  const kind: SourceKind | null =
    channel === 'ministry' || channel === 'bigdata' || channel === 'civil' || channel === 'health'
      ? channel
      : /^police-[0-9]{4}$/.test(channel) ? 'police' : null;
  if (kind === null || !isKnownDataset(kind, dataset)) throw new UnknownDatasetError(channel, dataset);
  return kind;
}

/**
 * Normalize one raw record as the channel served it. Never throws for record content: every
 * record becomes staged, rejected or skipped. Throws UnknownDatasetError for a (channel,
 * dataset) pair sources.md does not define (a wiring error, not a data error).
 */
export function normalize(channel: string, dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  return MAPPERS[sourceOf(channel, dataset)].normalize(dataset, raw, ctx);
}

/** The record id per sources.md (civil `<file>:<line>`), as sent; '' when the record carries none. */
export function recordIdOf(channel: string, dataset: string, raw: unknown): string {
  return MAPPERS[sourceOf(channel, dataset)].recordIdOf(dataset, raw);
}

/** The source's update time as ISO 8601 +08:00; '' when unreadable. */
export function updatedAtOf(channel: string, dataset: string, raw: unknown): string {
  return MAPPERS[sourceOf(channel, dataset)].updatedAtOf(dataset, raw);
}

/**
 * The department a record originates from, whatever became of it: big-data by `SJLY` (null
 * when unknown), ministry `PRISON` justice, otherwise the channel's own department.
 */
export function originOf(channel: string, dataset: string, raw: unknown): Origin | null {
  switch (sourceOf(channel, dataset)) {
    case 'ministry':
      return dataset === 'PRISON' ? 'justice' : 'ministry';
    case 'bigdata':
      return originOfBigdata(dataset, raw);
    case 'police':
      return 'police';
    case 'civil':
      return 'civil';
    case 'health':
      return 'health';
  }
}

/** The source's own name of its identity-number field (feedback names it). */
export function identityFieldOf(channel: string, dataset: string): string {
  return MAPPERS[sourceOf(channel, dataset)].identityField;
}

/** A field of the raw record exactly as sent (civil: the cell under that header); '' when absent. */
export function rawFieldOf(channel: string, dataset: string, raw: unknown, field: string): string {
  return sourceOf(channel, dataset) === 'civil' ? cellOfCivil(raw, field) : stringField(raw, field);
}

/** The identity number exactly as the source sent it (feedback items carry it so). */
export function reportedPersonIdOf(channel: string, dataset: string, raw: unknown): string {
  return rawFieldOf(channel, dataset, raw, identityFieldOf(channel, dataset));
}

/** The published field names of a dataset in sources.md order (civil: header order). */
export function fieldsOf(channel: string, dataset: string): readonly string[] {
  return publishedFields(sourceOf(channel, dataset), dataset);
}
