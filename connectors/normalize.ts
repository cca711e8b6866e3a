// Normalization dispatch used by the pipeline: one raw source record → a staged event body, a
// rejection or a skip (normalization.md), plus the record id and update time the pipeline keys
// versions by. The channel names the source through the registry (`police-4401` → police), and
// the source's definition maps the record; the module-level functions use the built-in sources.
import type { SchemaError } from '../schemas/index.ts';
import type { Normalized, NormalizeContext, Origin } from '../schemas/types.ts';
import { stringField } from './kit/normalize/record.ts';
import { defaultRegistry } from './registry.ts';
import type { SourceRegistry } from './registry.ts';

export { UnknownDatasetError } from '../schemas/index.ts';

export interface Normalizer {
  /**
   * Normalize one raw record as the channel served it. Never throws for record content: every
   * record becomes staged, rejected or skipped. Throws UnknownDatasetError for a (channel,
   * dataset) pair no registered source defines (a wiring error, not a data error).
   */
  normalize(channel: string, dataset: string, raw: unknown, ctx: NormalizeContext): Normalized;
  /** The record id per sources.md (civil `<file>:<line>`), as sent; '' when the record carries none. */
  recordIdOf(channel: string, dataset: string, raw: unknown): string;
  /** The source's update time as ISO 8601 +08:00; '' when unreadable. */
  updatedAtOf(channel: string, dataset: string, raw: unknown): string;
  /**
   * The department a record originates from, whatever became of it: big-data by `SJLY` (null
   * when unknown), ministry `PRISON` justice, otherwise the channel's own department.
   */
  originOf(channel: string, dataset: string, raw: unknown): Origin | null;
  /** The source's own name of its identity-number field (feedback names it). */
  identityFieldOf(channel: string, dataset: string): string;
  /** A field of the raw record exactly as sent (civil: the cell under that header); '' when absent. */
  rawFieldOf(channel: string, dataset: string, raw: unknown, field: string): string;
  /** The identity number exactly as the source sent it (feedback items carry it so). */
  reportedPersonIdOf(channel: string, dataset: string, raw: unknown): string;
  /** The published field names of a dataset in sources.md order (civil: header order). */
  fieldsOf(channel: string, dataset: string): readonly string[];
  /** Shape errors of a raw record against its dataset's raw-record schema. */
  validateRaw(channel: string, dataset: string, raw: unknown): SchemaError[];
}

/** The normalization of every source in `registry`; each function may be passed on alone. */
export function createNormalizer(registry: SourceRegistry): Normalizer {
  const source = registry.resolve;
  const rawFieldOf = (channel: string, dataset: string, raw: unknown, field: string): string => {
    const { mapper } = source(channel, dataset);
    return mapper.fieldOf ? mapper.fieldOf(raw, field) : stringField(raw, field);
  };
  return Object.freeze({
    normalize: (channel: string, dataset: string, raw: unknown, ctx: NormalizeContext) => source(channel, dataset).mapper.normalize(dataset, raw, ctx),
    recordIdOf: (channel: string, dataset: string, raw: unknown) => source(channel, dataset).mapper.recordIdOf(dataset, raw),
    updatedAtOf: (channel: string, dataset: string, raw: unknown) => source(channel, dataset).mapper.updatedAtOf(dataset, raw),
    originOf: (channel: string, dataset: string, raw: unknown) => source(channel, dataset).mapper.originOf(dataset, raw),
    identityFieldOf: (channel: string, dataset: string) => source(channel, dataset).mapper.identityField,
    rawFieldOf,
    reportedPersonIdOf: (channel: string, dataset: string, raw: unknown) => rawFieldOf(channel, dataset, raw, source(channel, dataset).mapper.identityField),
    fieldsOf: (channel: string, dataset: string) => source(channel, dataset).raw.fields(dataset),
    validateRaw: (channel: string, dataset: string, raw: unknown) => source(channel, dataset).raw.validate(dataset, raw),
  });
}

const builtin = createNormalizer(defaultRegistry);

export const { normalize, recordIdOf, updatedAtOf, originOf, identityFieldOf, rawFieldOf, reportedPersonIdOf, fieldsOf, validateRaw } = builtin;
