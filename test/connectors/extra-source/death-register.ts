// A sixth source that exists only in the tests: a city's death register, JSON over HTTP with a
// bearer token and offset paging over `since`. Everything the hub needs of it is in this file —
// raw schema, configuration schema, connector, mapper, label — built from connectors/kit the
// way a source folder under connectors/ would be; registering the definition is all it takes.
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../../../connectors/kit/connector.ts';
import { validateConfig } from '../../../connectors/kit/config.ts';
import { callOptions, checkFailure, retryOptions } from '../../../connectors/kit/connector-deps.ts';
import type { CallOptions, ConnectorDeps, RetryConfig } from '../../../connectors/kit/connector-deps.ts';
import { assertDataset } from '../../../connectors/kit/datasets.ts';
import { ConnectorError } from '../../../connectors/kit/errors/connector-error.ts';
import type { HighWaterState } from '../../../connectors/kit/high-water.ts';
import { createHttpClient, isRecord, joinUrl, parseJsonBody } from '../../../connectors/kit/http.ts';
import { RecordCheck, asFields, decide, normalizeName, readShape, stringField } from '../../../connectors/kit/normalize/index.ts';
import { withRetry } from '../../../connectors/kit/retry.ts';
import type { SourceDefinition } from '../../../connectors/kit/source-definition.ts';
import { dateWindow, pageWindow } from '../../../connectors/kit/window-pager.ts';
import type { WindowPage } from '../../../connectors/kit/window-pager.ts';
import { normalizeUpdateTime, toChinaIso } from '../../../lib/china-time.ts';
import { compileRawSchema } from '../../../schemas/index.ts';
import type { EventBody, Normalized, NormalizeContext } from '../../../schemas/types.ts';

export const NAME = 'death-register';
export const DATASET = 'deaths';

/** One death registration as the register sends it. */
export type Registration = Record<string, string>;

const RAW = compileRawSchema(
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://lifecert.example/test/raw-death-register.schema.json',
    $defs: {
      deaths: {
        type: 'object',
        properties: {
          regNo: { type: 'string' },
          idNumber: { type: 'string' },
          name: { type: 'string' },
          deathDate: { type: 'string' },
          registeredAt: { type: 'string' },
        },
        additionalProperties: { type: 'string' },
      },
    },
  },
  { source: NAME, datasets: [DATASET] },
);

const retrySchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    maxAttempts: { type: 'integer', minimum: 1, default: 5 },
    baseDelayMs: { type: 'integer', minimum: 0, default: 500 },
    maxDelayMs: { type: 'integer', minimum: 0, default: 30000 },
    maxRetryAfterMs: { type: 'integer', minimum: 0, default: 300000 },
  },
};

const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://lifecert.example/test/death-register.json',
  title: 'City death register, bearer-token JSON over HTTP',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'token'],
  properties: {
    url: { type: 'string', format: 'uri', pattern: '^https?://', description: 'base URL; records at <url>/deaths' },
    token: { type: 'string', minLength: 1, secret: true, description: 'the bearer token' },
    pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 100 },
    maxPasses: { type: 'integer', minimum: 1, maximum: 50, default: 6 },
    initialDate: { type: 'string', format: 'date', default: '2000-01-01' },
    timeoutMs: { type: 'integer', minimum: 100, default: 30000 },
    retry: retrySchema,
  },
} as const;

interface DeathRegisterConfig {
  url: string;
  token: string;
  pageSize: number;
  maxPasses: number;
  initialDate: string;
  timeoutMs: number;
  retry: RetryConfig;
}

function createDeathRegisterConnector(input: unknown, deps: ConnectorDeps = {}): Connector<HighWaterState> {
  const config = validateConfig<DeathRegisterConfig>(NAME, CONFIG_SCHEMA, input);
  const http = createHttpClient({ timeoutMs: config.timeoutMs });
  const fetchPage = (sinceMs: number, offset: number, limit: number, call: CallOptions = {}, maxAttempts?: number): Promise<WindowPage<Registration>> => {
    const query = new URLSearchParams({ since: toChinaIso(sinceMs), offset: String(offset), limit: String(limit) });
    const retry = retryOptions(config.retry, deps, call, 'GET /deaths');
    if (maxAttempts !== undefined) retry.maxAttempts = maxAttempts;
    return withRetry(async () => {
      const res = await http.send({ method: 'GET', url: joinUrl(config.url, `/deaths?${query}`), headers: { Authorization: `Bearer ${config.token}` }, ...(call.signal ? { signal: call.signal } : {}) });
      const json = parseJsonBody(res);
      if (!isRecord(json) || typeof json.total !== 'number' || !Array.isArray(json.items) || !json.items.every(isRecord)) {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the answer lacks total or items`, { request: res.request });
      }
      return { items: json.items as Registration[], total: json.total, body: res.body, request: res.request };
    }, retry);
  };

  return {
    channel: NAME,
    datasets: [DATASET],
    spec: () => structuredClone(CONFIG_SCHEMA),
    async check(): Promise<CheckResult> {
      try {
        await fetchPage(Date.now(), 0, 1, {}, 1);
        return { ok: true };
      } catch (err) {
        return checkFailure(err);
      }
    },
    pull(dataset: string, state: HighWaterState | null, options: PullOptions): AsyncIterable<Page<HighWaterState>> {
      assertDataset(NAME, [DATASET], dataset);
      return pageWindow<Registration>({
        ...dateWindow(state, config, options),
        fetchPage: (sinceMs, pageIndex, pageSize) => fetchPage(sinceMs, pageIndex * pageSize, pageSize, callOptions(options)),
        toRecord: (item): PulledRecord => ({ recordId: stringField(item, 'regNo'), raw: item, updatedAt: normalizeUpdateTime(stringField(item, 'registeredAt')) }),
      });
    },
  };
}

function normalizeDeath(dataset: string, raw: unknown, ctx: NormalizeContext): Normalized {
  return decide((): EventBody => {
    const r = new RecordCheck(readShape(raw, { dataset, fields: RAW.fields(dataset), wholeRecordField: 'idNumber' }, asFields), ctx);
    const personId = r.identity('idNumber');
    const name = normalizeName(r.value('name'));
    r.require('regNo', 'registration number');
    r.require('deathDate', 'death date');
    const date = r.date('deathDate', 'death date');
    return { kind: 'DEATH', origin: 'civil', personId, name, date, detail: { dateKind: 'death' } };
  });
}

export const deathRegister: SourceDefinition = {
  name: NAME,
  datasets: [DATASET],
  raw: RAW,
  configSchema: CONFIG_SCHEMA,
  createConnector: createDeathRegisterConnector,
  mapper: {
    normalize: normalizeDeath,
    recordIdOf: (_dataset, raw) => stringField(raw, 'regNo'),
    updatedAtOf: (_dataset, raw) => normalizeUpdateTime(stringField(raw, 'registeredAt')),
    // death registration is civil affairs' record (normalization.md's departments)
    originOf: () => 'civil',
    identityField: 'idNumber',
  },
  label: { zh: '市死亡登记', en: 'City death register' },
};
