// The record JSON Schemas, compiled once (ajv, draft 2020-12), and their validators.
// The schemas are the source of truth for record shapes; types.ts follows them.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** One schema violation: where (JSON pointer), the source field it concerns, and what is wrong. */
export interface SchemaError {
  /** JSON pointer into the validated value ('' = the value itself) */
  path: string;
  /**
   * for raw records: the source's own field name the error is about (civil: the CSV header
   * name); null when the error concerns the record as a whole
   */
  field: string | null;
  message: string;
}

/**
 * A (channel, dataset) pair sources.md does not define: a wiring error, not bad data. schemas/
 * imports nothing, so this one error cannot extend lib/errors.ts's base; it carries its
 * registry code by name and `describeError` there gives it kind, retryable and HTTP status.
 */
export class UnknownDatasetError extends Error {
  override readonly name = 'UnknownDatasetError';
  readonly code = 'LIFECERT_SCHEMA_DATASET_UNKNOWN';
  constructor(channel: string, dataset: string) {
    super(`no dataset ${JSON.stringify(dataset)} on channel ${JSON.stringify(channel)}`);
  }
}

const SCHEMA_FILES = [
  'raw-ministry.schema.json',
  'raw-bigdata.schema.json',
  'raw-police.schema.json',
  'raw-civil.schema.json',
  'raw-health.schema.json',
  'event.schema.json',
  'rejection.schema.json',
  'world.schema.json',
  'results.schema.json',
  'feedback-item.schema.json',
] as const;

type JsonSchema = { $id: string; $defs?: Record<string, JsonSchema>; properties?: Record<string, unknown> } & Record<string, unknown>;

function readSchema(file: string): JsonSchema {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, file), 'utf8')) as JsonSchema;
}

const schemas = new Map<string, JsonSchema>(SCHEMA_FILES.map((f) => [f, readSchema(f)]));

// ajv is CommonJS: under Node's ESM interop its default import is the module object.
const AjvClass = Ajv2020.default;
const ajv = new AjvClass({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
for (const schema of schemas.values()) ajv.addSchema(schema);

function compiled(file: string, pointer = ''): ValidateFunction {
  const schema = schemas.get(file);
  if (!schema) throw new Error(`schema ${file} not loaded`);
  const fn = ajv.getSchema(schema.$id + pointer);
  if (!fn) throw new Error(`schema ${file}${pointer} does not compile`);
  return fn;
}

/** The raw schema file of a channel (every `police-<city4>` shares the `police` schema). */
function rawFileOf(channel: string): string | null {
  if (channel === 'ministry' || channel === 'bigdata' || channel === 'police' || channel === 'civil' || channel === 'health') {
    return `raw-${channel}.schema.json`;
  }
  return /^police-[0-9]{4}$/.test(channel) ? 'raw-police.schema.json' : null;
}

interface RawValidator {
  validate: ValidateFunction;
  /** the published field names in the order sources.md lists them (civil: header order) */
  fields: readonly string[];
}

const rawValidators = new Map<string, RawValidator>();
for (const file of SCHEMA_FILES.filter((f) => f.startsWith('raw-'))) {
  const defs = schemas.get(file)?.$defs ?? {};
  for (const [dataset, def] of Object.entries(defs)) {
    if (file === 'raw-civil.schema.json' && dataset !== 'cremation') continue;
    if (file === 'raw-ministry.schema.json' && dataset === 'record') continue;
    const shape = file === 'raw-civil.schema.json' ? defs.row : def.$ref ? defs.record : def;
    rawValidators.set(`${file}#${dataset}`, {
      validate: compiled(file, `#/$defs/${dataset}`),
      fields: Object.keys(shape.properties ?? {}),
    });
  }
}

function rawValidator(channel: string, dataset: string): RawValidator {
  const file = rawFileOf(channel);
  const v = file === null ? undefined : rawValidators.get(`${file}#${dataset}`);
  if (!v) throw new UnknownDatasetError(channel, dataset);
  return v;
}

/** Whether a (channel, dataset) pair is one sources.md defines. */
export function isKnownDataset(channel: string, dataset: string): boolean {
  const file = rawFileOf(channel);
  return file !== null && rawValidators.has(`${file}#${dataset}`);
}

/** The published field names of a dataset's raw record, in sources.md order (civil: header order). */
export function publishedFields(channel: string, dataset: string): readonly string[] {
  return rawValidator(channel, dataset).fields;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function toErrors(errors: ErrorObject[] | null | undefined, fieldOf: (path: string) => string | null): SchemaError[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath,
    field: fieldOf(e.instancePath),
    message: `${e.instancePath || '(record)'} ${e.message ?? 'is invalid'}`,
  }));
}

/**
 * Shape errors of a raw source record (an object of string fields; civil: {file, line, row}).
 * Content is not judged here: dirty values are normalization's to handle. Throws
 * UnknownDatasetError for a (channel, dataset) pair sources.md does not define.
 */
export function validateRaw(channel: string, dataset: string, raw: unknown): SchemaError[] {
  const { validate } = rawValidator(channel, dataset);
  if (validate(raw)) return [];
  const civil = channel === 'civil';
  return toErrors(validate.errors, (p) => {
    const tokens = p.split('/').slice(1).map(unescapePointer);
    if (civil) return tokens.length >= 2 && tokens[0] === 'row' ? tokens[1] : null;
    return tokens.length >= 1 ? tokens[0] : null;
  });
}

const validateEventFn = compiled('event.schema.json');
const validateRejectionFn = compiled('rejection.schema.json');
const validateWorldFn = compiled('world.schema.json');
const validateResultFn = compiled('results.schema.json');
const validateFeedbackItemFn = compiled('feedback-item.schema.json');

function run(fn: ValidateFunction, value: unknown): SchemaError[] {
  return fn(value) ? [] : toErrors(fn.errors, () => null);
}

/** Errors of a canonical event as staged (event.schema.json). */
export function validateEvent(event: unknown): SchemaError[] {
  return run(validateEventFn, event);
}

/** Errors of a rejection record (rejection.schema.json). */
export function validateRejection(rejection: unknown): SchemaError[] {
  return run(validateRejectionFn, rejection);
}

/** Errors of a sandbox world file (world.schema.json). */
export function validateWorld(world: unknown): SchemaError[] {
  return run(validateWorldFn, world);
}

/** Errors of one eligibility result (results.schema.json). */
export function validateResult(result: unknown): SchemaError[] {
  return run(validateResultFn, result);
}

/** Errors of a feedback item (feedback-item.schema.json). */
export function validateFeedbackItem(item: unknown): SchemaError[] {
  return run(validateFeedbackItemFn, item);
}
