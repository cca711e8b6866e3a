// The hub's configuration: one file (LIFECERT_CONFIG, default ./lifecert.config.json) validated
// against config.schema.json, secrets only by reference to environment variables ({"env": "X"}),
// plus a `.env` file when present. Turns the sources section into connectors.
import fs from 'node:fs';
import path from 'node:path';
import { createSchemaValidator, loadConnectorSchema, secretPaths } from '../connectors/kit/config.ts';
import type { Connector, CursorState } from '../connectors/kit/connector.ts';
import { createMinistryConnector } from '../connectors/ministry/connector.ts';
import { createBigdataConnector } from '../connectors/bigdata/connector.ts';
import { createPoliceConnector } from '../connectors/police/connector.ts';
import { createCivilConnector } from '../connectors/civil/connector.ts';
import { createHealthConnector } from '../connectors/health/connector.ts';
import type { SourcesConfig } from '../schemas/config.ts';

export class HubConfigError extends Error {
  override readonly name = 'HubConfigError';
  readonly code = 'LIFECERT_CONFIG_INVALID';
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
  sources: SourcesConfig;
  provincial?: { url: string; appId: string; appSecret: string };
  schedules: ScheduleConfig[];
  /** keyed by source: ministry, bigdata, police, civil, health */
  pullLimits: Record<string, PullLimit>;
}

const hubSchema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'config.schema.json'), 'utf8')) as Record<string, unknown>;
const validateHub = createSchemaValidator().compile(hubSchema);

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
export function loadHubConfig(file: string, env: NodeJS.ProcessEnv = process.env): HubConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HubConfigError(`cannot read configuration ${file}: ${(err as Error).message}`);
  }
  return resolveHubConfig(raw, env, file);
}

export function resolveHubConfig(raw: unknown, env: NodeJS.ProcessEnv, origin = 'configuration'): HubConfig {
  if (!validateHub(raw)) {
    const problems = (validateHub.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new HubConfigError(`${origin} is invalid: ${problems.join('; ')}`);
  }
  const input = raw as { sources?: SourcesConfig; provincial?: Record<string, unknown>; schedules?: ScheduleConfig[]; pullLimits?: Record<string, PullLimit> };
  const sources: SourcesConfig = {};
  const s = input.sources ?? {};
  const resolve = (name: string, where: string, value: Record<string, unknown>) =>
    resolveSecrets(secretPaths(loadConnectorSchema(name)), value, env, `${origin} ${where}`);
  if (s.ministry) sources.ministry = resolve('ministry', 'sources.ministry', s.ministry);
  if (s.bigdata) sources.bigdata = resolve('bigdata', 'sources.bigdata', s.bigdata);
  if (s.police) sources.police = s.police.map((c, i) => resolve('police', `sources.police[${i}]`, c));
  if (s.civil) sources.civil = resolve('civil', 'sources.civil', s.civil);
  if (s.health) sources.health = resolve('health', 'sources.health', s.health);
  const provincial = input.provincial
    ? (resolveSecrets(['appSecret'], input.provincial, env, `${origin} provincial`) as HubConfig['provincial'])
    : undefined;
  const schedules = input.schedules ?? [];
  const names = new Set<string>();
  for (const sc of schedules) {
    if (names.has(sc.name)) throw new HubConfigError(`${origin} schedules: the name '${sc.name}' is used twice (a name is the scheduler's id)`);
    if ((sc.cron === undefined) === (sc.every === undefined)) throw new HubConfigError(`${origin} schedules '${sc.name}': give exactly one of cron and every`);
    names.add(sc.name);
  }
  return { sources, provincial, schedules, pullLimits: input.pullLimits ?? {} };
}

function resolveSecrets(paths: string[], value: Record<string, unknown>, env: NodeJS.ProcessEnv, where: string): Record<string, unknown> {
  const copy = structuredClone(value);
  for (const p of paths) {
    const keys = p.split('.');
    let node: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1];
    if (!node || !(last in node)) continue;
    const ref = node[last];
    if (typeof ref === 'string') {
      throw new HubConfigError(`${where}.${p}: a secret may not be written in the configuration file; write {"env": "VARIABLE"} and set the variable`);
    }
    const name = (ref as { env?: unknown } | null)?.env;
    if (typeof name !== 'string') throw new HubConfigError(`${where}.${p}: expected {"env": "VARIABLE"}`);
    const secret = env[name];
    if (secret === undefined || secret === '') throw new HubConfigError(`${where}.${p}: environment variable ${name} is not set`);
    node[last] = secret;
  }
  return copy;
}

/** One connector per configured source (police: one per city). Configs are validated by each factory. */
export function buildConnectors(sources: SourcesConfig): Connector<CursorState>[] {
  const out: Connector<CursorState>[] = [];
  const add = (c: unknown) => out.push(c as Connector<CursorState>);
  if (sources.ministry) add(createMinistryConnector(sources.ministry));
  if (sources.bigdata) add(createBigdataConnector(sources.bigdata));
  for (const city of sources.police ?? []) add(createPoliceConnector(city));
  if (sources.civil) add(createCivilConnector(sources.civil));
  if (sources.health) add(createHealthConnector(sources.health));
  return out;
}
