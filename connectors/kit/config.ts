// Connector configuration: validated once against the connector's JSON Schema (defaults
// applied), then deep-frozen, so a running connector can never see a half-valid setting.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ConfigError } from './errors/config-error.ts';

const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../schemas/connectors');

// ajv-formats ships CommonJS with a default export; under NodeNext it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** An ajv that knows the `secret` annotation (keeps strict mode on everything else). */
export function createSchemaValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  return ajv;
}

const shared = createSchemaValidator();
const compiled = new Map<string, ValidateFunction>();

/** The connector configuration schema `schemas/connectors/<name>.json`. */
export function loadConnectorSchema(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * Validate `input` against the schema (a copy gets the defaults), then freeze it deeply.
 * Throws ConfigError listing every problem.
 */
export function validateConfig<T>(name: string, schema: Record<string, unknown>, input: unknown): Readonly<T> {
  let validate = compiled.get(name);
  if (!validate) {
    validate = shared.compile(schema);
    compiled.set(name, validate);
  }
  const copy: unknown = input === undefined ? {} : structuredClone(input);
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new ConfigError(name, problems);
  }
  return deepFreeze(copy) as Readonly<T>;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** Paths (`appSecret`, `retry.x`) of the properties a schema marks `"secret": true`. */
export function secretPaths(schema: unknown, prefix = ''): string[] {
  const out: string[] = [];
  if (!schema || typeof schema !== 'object') return out;
  const props = (schema as { properties?: Record<string, unknown> }).properties;
  if (!props) return out;
  for (const [key, sub] of Object.entries(props)) {
    const p = prefix ? `${prefix}.${key}` : key;
    if (sub && typeof sub === 'object' && (sub as { secret?: unknown }).secret === true) out.push(p);
    out.push(...secretPaths(sub, p));
  }
  return out;
}

/** A copy of a configuration with every secret replaced by `***` (for logs and the API). */
export function redactConfig(schema: unknown, config: unknown): unknown {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const p of secretPaths(schema)) {
    const keys = p.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1];
    if (node && last in node) node[last] = '***';
  }
  return copy;
}
