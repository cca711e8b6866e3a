// The hub's configuration: one file (LIFECERT_CONFIG, default ./lifecert.config.json) validated
// against config.schema.json, secrets only by reference to environment variables ({"env": "X"}),
// plus a `.env` file when present. The schema's `sources` section is assembled from the source
// registry when the file is read — each source's own configuration schema, secrets turned into
// references — so a source's settings are written down once, in its definition. Turns the
// sources section into connectors.
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createSchemaValidator, secretPaths } from '../connectors/kit/config.ts';
import type { Connector, CursorState } from '../connectors/kit/connector.ts';
import { servesChannel } from '../connectors/kit/source-definition.ts';
import type { SourceDefinition } from '../connectors/kit/source-definition.ts';
import { defaultRegistry } from '../connectors/registry.ts';
import type { SourceRegistry } from '../connectors/registry.ts';
import type { SourceConfig, SourcesConfig } from '../schemas/config.ts';

import { LifecertError } from '../lib/errors.ts';
import type { CodeOf } from '../lib/errors.ts';

export type { SourceConfig, SourcesConfig };

/** The configuration file cannot be used; the code says whether it is unreadable, invalid or a secret is wrong. */
export class HubConfigError extends LifecertError {
  override readonly name: string = 'HubConfigError';
  declare readonly code: CodeOf<'CONFIG'>;

  constructor(code: CodeOf<'CONFIG'>, message: string) {
    super(code, message);
  }
}

/** A run started by the clock (config.schema.json `schedules`). */
export interface ScheduleConfig {
  /** the scheduler id; its runs are requested by `schedule:<name>` */
  name: string;
  /** a cron pattern in `tz`; exactly one of cron and every */
  cron?: string;
  /** fire every this many ms */
  every?: number;
  /** default Asia/Shanghai */
  tz: string;
  run: {
    steps?: ('pull' | 'match' | 'publish')[];
    connectors?: string[];
    /** the China month of the firing time (default), or the month before it */
    period: 'current' | 'previous';
  };
}

/** Per source: pulls at once across all workers, and pull jobs started per window. */
export interface PullLimit {
  concurrency?: number;
  rateLimit?: { max: number; durationMs: number };
}

export interface HubConfig {
  /** source name → its configuration (secrets resolved), a list for a per-instance source (police) */
  sources: SourcesConfig;
  provincial?: { url: string; appId: string; appSecret: string };
  schedules: ScheduleConfig[];
  /** keyed by source name (police: all cities together) */
  pullLimits: Record<string, PullLimit>;
  /** a working-calendar file, relative to the configuration file (default: the shipped calendar) */
  workingCalendar?: string;
}

type JsonObject = Record<string, unknown>;

const baseSchema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'config.schema.json'), 'utf8')) as JsonObject;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isList = (v: unknown): v is readonly SourceConfig[] => Array.isArray(v);

/**
 * The JSON Schema of the configuration file for `registry`: config.schema.json with one entry
 * per source under `sources` — the source's configuration schema, where a property it marks
 * secret is a `{"env": "VARIABLE"}` reference, and a list of them for a per-instance source —
 * and one `pullLimits` entry per source.
 */
export function hubConfigSchema(registry: SourceRegistry = defaultRegistry): JsonObject {
  const schema = structuredClone(baseSchema);
  const properties = schema.properties as Record<string, JsonObject>;
  properties.sources.properties = Object.fromEntries(registry.sources.map((d) => [d.name, fileSchemaOf(d)]));
  properties.pullLimits.properties = Object.fromEntries(registry.sources.map((d) => [d.name, { $ref: '#/definitions/pullLimit' }]));
  return schema;
}

function fileSchemaOf(d: SourceDefinition): JsonObject {
  // a nested $id would move the base that `#/definitions/secretRef` resolves against
  const { $schema: _schema, $id: _id, ...entry } = structuredClone(d.configSchema) as JsonObject;
  referenceSecrets(entry);
  if (!d.instances) return entry;
  return { type: 'array', items: entry, description: `one entry per ${d.instances.key}, each its own channel ${d.name}-<${d.instances.key}>` };
}

function referenceSecrets(schema: JsonObject): void {
  const props = schema.properties;
  if (!isObject(props)) return;
  for (const [key, sub] of Object.entries(props)) {
    if (!isObject(sub)) continue;
    if (sub.secret === true) props[key] = { $ref: '#/definitions/secretRef', ...(typeof sub.description === 'string' ? { description: sub.description } : {}) };
    else referenceSecrets(sub);
  }
}

// one compiled validator per registry (the default one lives as long as the process)
const validators = new WeakMap<SourceRegistry, ValidateFunction>();

function hubValidator(registry: SourceRegistry): ValidateFunction {
  let validate = validators.get(registry);
  if (!validate) {
    validate = createSchemaValidator().compile(hubConfigSchema(registry));
    validators.set(registry, validate);
  }
  return validate;
}

/** Load `.env` (if present) into process.env without overriding what is already set. */
export function loadDotEnv(file = '.env'): void {
  if (!fs.existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  for (const [k, v] of Object.entries(before)) process.env[k] = v;
}

/**
 * Read and validate the configuration file; replace every `{"env": NAME}` secret reference by
 * the variable's value. A secret written literally in the file is refused: secrets come from
 * the environment or the visual editor's encrypted credentials, never from a committed file.
 */
export function loadHubConfig(file: string, env: NodeJS.ProcessEnv = process.env, registry: SourceRegistry = defaultRegistry): HubConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HubConfigError('LIFECERT_CONFIG_UNREADABLE', `cannot read configuration ${file}: ${(err as Error).message}`);
  }
  return resolveHubConfig(raw, env, file, registry);
}

/**
 * Validate a parsed configuration against the schema of `registry`'s sources and resolve its
 * secret references. Throws HubConfigError naming every problem.
 */
export function resolveHubConfig(raw: unknown, env: NodeJS.ProcessEnv, origin = 'configuration', registry: SourceRegistry = defaultRegistry): HubConfig {
  // before the schema, which would only say "must be object" about a secret written in clear
  refuseLiteralSecrets(raw, registry, origin);
  const validate = hubValidator(registry);
  // the validator fills in defaults (schedules' time zone, each source's settings): on a copy,
  // so that the caller's value stays as read
  const filled = structuredClone(raw);
  if (!validate(filled)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new HubConfigError('LIFECERT_CONFIG_INVALID', `${origin} is invalid: ${problems.join('; ')}`);
  }
  const input = filled as { sources?: Record<string, SourceConfig | readonly SourceConfig[]>; provincial?: JsonObject; schedules?: ScheduleConfig[]; pullLimits?: Record<string, PullLimit>; workingCalendar?: string };
  const sources: Record<string, SourceConfig | readonly SourceConfig[]> = {};
  for (const d of registry.sources) {
    const value = input.sources?.[d.name];
    if (value === undefined) continue;
    const secrets = secretPaths(d.configSchema);
    sources[d.name] = isList(value)
      ? value.map((c, i) => resolveSecrets(secrets, c, env, `${origin} sources.${d.name}[${i}]`))
      : resolveSecrets(secrets, value, env, `${origin} sources.${d.name}`);
  }
  const provincial = input.provincial
    ? (resolveSecrets(['appSecret'], input.provincial, env, `${origin} provincial`) as HubConfig['provincial'])
    : undefined;
  const schedules = input.schedules ?? [];
  const names = new Set<string>();
  for (const sc of schedules) {
    if (names.has(sc.name)) throw new HubConfigError('LIFECERT_CONFIG_INVALID', `${origin} schedules: the name '${sc.name}' is used twice (a name is the scheduler's id)`);
    if ((sc.cron === undefined) === (sc.every === undefined)) throw new HubConfigError('LIFECERT_CONFIG_INVALID', `${origin} schedules '${sc.name}': give exactly one of cron and every`);
    names.add(sc.name);
  }
  return { sources, provincial, schedules, pullLimits: input.pullLimits ?? {}, workingCalendar: input.workingCalendar };
}

function refuseLiteralSecrets(raw: unknown, registry: SourceRegistry, origin: string): void {
  const sources = isObject(raw) ? raw.sources : undefined;
  if (!isObject(sources)) return;
  for (const d of registry.sources) {
    const value = sources[d.name];
    const entries: [string, unknown][] = isList(value) ? value.map((c, i) => [`sources.${d.name}[${i}]`, c]) : [[`sources.${d.name}`, value]];
    for (const [where, entry] of entries) {
      for (const p of secretPaths(d.configSchema)) {
        if (typeof valueAt(entry, p) === 'string') throw literalSecret(`${origin} ${where}`, p);
      }
    }
  }
}

function valueAt(value: unknown, dotted: string): unknown {
  let node = value;
  for (const k of dotted.split('.')) node = isObject(node) ? node[k] : undefined;
  return node;
}

const literalSecret = (where: string, p: string) =>
  new HubConfigError('LIFECERT_CONFIG_SECRET_INLINE', `${where}.${p}: a secret may not be written in the configuration file; write {"env": "VARIABLE"} and set the variable`);

function resolveSecrets(paths: string[], value: SourceConfig, env: NodeJS.ProcessEnv, where: string): JsonObject {
  const copy = structuredClone(value) as JsonObject;
  for (const p of paths) {
    const keys = p.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1];
    if (!node || !(last in node)) continue;
    const ref = node[last];
    if (typeof ref === 'string') throw literalSecret(where, p);
    const name = (ref as { env?: unknown } | null)?.env;
    if (typeof name !== 'string') throw new HubConfigError('LIFECERT_CONFIG_SECRET_MISSING', `${where}.${p}: expected {"env": "VARIABLE"}`);
    const secret = env[name];
    if (secret === undefined || secret === '') throw new HubConfigError('LIFECERT_CONFIG_SECRET_MISSING', `${where}.${p}: environment variable ${name} is not set`);
    node[last] = secret;
  }
  return copy;
}

/**
 * One connector per configured source, in the registry's order (a per-instance source: one per
 * entry). Each factory validates its own configuration; a source the registry does not know, or
 * a channel configured twice, is a HubConfigError.
 */
export function buildConnectors(sources: SourcesConfig, registry: SourceRegistry = defaultRegistry): Connector<CursorState>[] {
  for (const name of Object.keys(sources)) {
    if (!registry.get(name)) throw new HubConfigError('LIFECERT_CONFIG_INVALID', `sources.${name}: no such source (known: ${registry.sources.map((d) => d.name).join(', ')})`);
  }
  const out: Connector<CursorState>[] = [];
  const channels = new Set<string>();
  for (const d of registry.sources) {
    const value = sources[d.name];
    if (value === undefined) continue;
    if (isList(value) !== Boolean(d.instances)) {
      throw new HubConfigError('LIFECERT_CONFIG_INVALID', `sources.${d.name}: expected ${d.instances ? `a list, one entry per ${d.instances.key}` : 'one object'}`);
    }
    for (const config of isList(value) ? value : [value]) {
      const connector = d.createConnector(config);
      if (!servesChannel(d, connector.channel)) throw new LifecertError('LIFECERT_CONNECTOR_DEFINITION_INVALID', `source ${d.name} made a connector for channel ${connector.channel}, which is not its own`);
      if (channels.has(connector.channel)) throw new HubConfigError('LIFECERT_CONFIG_INVALID', `sources.${d.name}: channel ${connector.channel} is configured twice`);
      channels.add(connector.channel);
      out.push(connector);
    }
  }
  return out;
}
