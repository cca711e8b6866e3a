// The record JSON Schemas, compiled once (ajv, draft 2020-12), and their validators.
// The schemas are the source of truth for record shapes; types.ts follows them. The raw-record
// schemas (raw-<source>.schema.json) are compiled by compileRawSchema for the source definition
// that names them (connectors/<source>/), so this folder keeps no list of sources.
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
  'event.schema.json',
  'rejection.schema.json',
  'world.schema.json',
  'results.schema.json',
  'feedback-item.schema.json',
] as const;

/** A JSON Schema, or a part of one. */
export type JsonSchemaNode = { $defs?: Record<string, JsonSchemaNode>; properties?: Record<string, unknown>; $ref?: string } & Record<string, unknown>;

/** A JSON Schema document as read from its file: its `$id` names it. */
export type JsonSchema = JsonSchemaNode & { $id: string };

/** A schema file of this folder, parsed (the raw-record schemas are read by their sources' definitions). */
export function readSchemaFile(file: string): JsonSchema {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, file), 'utf8')) as JsonSchema;
}

const schemas = new Map<string, JsonSchema>(SCHEMA_FILES.map((f) => [f, readSchemaFile(f)]));

// ajv is CommonJS: under Node's ESM interop its default import is the module object.
const AjvClass = Ajv2020.default;
const newAjv = () => {
  const ajv = new AjvClass({ allErrors: true, strict: true, strictRequired: false });
  addFormats.default(ajv);
  return ajv;
};
const ajv = newAjv();
for (const schema of schemas.values()) ajv.addSchema(schema);

function compiled(file: string, pointer = ''): ValidateFunction {
  const schema = schemas.get(file);
  if (!schema) throw new Error(`schema ${file} not loaded`);
  const fn = ajv.getSchema(schema.$id + pointer);
  if (!fn) throw new Error(`schema ${file}${pointer} does not compile`);
  return fn;
}

/** How a source's raw-record schema document is laid out. */
export interface RawSchemaOptions {
  /** the source's name, for messages */
  source: string;
  /** the source's datasets: each one's record schema is `$defs/<dataset>` of the document */
  datasets: readonly string[];
  /**
   * where the source's own fields sit inside the carried record: civil carries
   * `{file, line, row}` and its fields are the `row`'s (`['row']`); default the record itself
   */
  fieldsAt?: readonly string[];
}

/** One source's raw-record schemas compiled: shape validation and the published field names per dataset. */
export interface RawSchema {
  readonly source: string;
  readonly datasets: readonly string[];
  has(dataset: string): boolean;
  /** the published field names of a dataset's record, in the order the contract lists them (civil: header order) */
  fields(dataset: string): readonly string[];
  /**
   * Shape errors of a raw record of `dataset` (an object of string fields; civil: {file, line, row}).
   * Content is not judged here: dirty values are normalization's to handle.
   */
  validate(dataset: string, raw: unknown): SchemaError[];
}

/**
 * Compile a source's raw-record schema document (draft 2020-12, one `$defs` entry per dataset).
 * Each source gets its own ajv, so that two registries holding sources whose schemas share an
 * `$id` (tests) do not collide.
 */
export function compileRawSchema(document: JsonSchema, options: RawSchemaOptions): RawSchema {
  const own = newAjv();
  own.addSchema(document);
  const fieldsAt = options.fieldsAt ?? [];
  const defs = document.$defs ?? {};
  const resolve = (schema: JsonSchemaNode | undefined): JsonSchemaNode | undefined => {
    const ref = schema?.$ref;
    if (typeof ref !== 'string') return schema;
    const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
    return m ? resolve(defs[m[1]]) : undefined;
  };
  const byDataset = new Map<string, { validate: ValidateFunction; fields: readonly string[] }>();
  for (const dataset of options.datasets) {
    let shape = resolve(defs[dataset]);
    if (!shape) throw new Error(`${options.source}: the raw schema ${document.$id} has no $defs/${dataset}`);
    for (const key of fieldsAt) shape = resolve(shape?.properties?.[key] as JsonSchemaNode | undefined);
    const validate = own.getSchema(`${document.$id}#/$defs/${dataset}`);
    if (!validate) throw new Error(`${options.source}: $defs/${dataset} of ${document.$id} does not compile`);
    byDataset.set(dataset, { validate, fields: Object.freeze(Object.keys(shape?.properties ?? {})) });
  }
  const entry = (dataset: string) => {
    const e = byDataset.get(dataset);
    if (!e) throw new UnknownDatasetError(options.source, dataset);
    return e;
  };
  // an error inside the fields is named by the field; anything else concerns the whole record
  const fieldOf = (pointer: string): string | null => {
    const tokens = pointer.split('/').slice(1).map(unescapePointer);
    if (tokens.length <= fieldsAt.length || fieldsAt.some((k, i) => tokens[i] !== k)) return null;
    return tokens[fieldsAt.length];
  };
  return Object.freeze({
    source: options.source,
    datasets: Object.freeze([...options.datasets]),
    has: (dataset: string) => byDataset.has(dataset),
    fields: (dataset: string) => entry(dataset).fields,
    validate(dataset: string, raw: unknown): SchemaError[] {
      const { validate } = entry(dataset);
      return validate(raw) ? [] : toErrors(validate.errors, fieldOf);
    },
  });
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
