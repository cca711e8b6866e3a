// Health commission connector: page/size paging with updatedFrom, one dataset per endpoint.
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../kit/connector.ts';
import { loadConnectorSchema, validateConfig } from '../kit/config.ts';
import { callOptions, checkFailure } from '../kit/connector-deps.ts';
import type { ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';
import { assertDataset } from '../kit/datasets.ts';
import { asOfEndMs, windowStartMs } from '../kit/high-water.ts';
import type { HighWaterState } from '../kit/high-water.ts';
import { normalizeUpdateTime, toChinaIso } from '../../lib/china-time.ts';
import { pageWindow } from '../kit/window-pager.ts';
import { idOf, stringOf } from '../kit/item.ts';
import { HealthClient } from './client.ts';
import type { HealthFeedbackItem, HealthItem } from './client.ts';

export type HealthDataset = 'death-certificates' | 'vaccinations' | 'checkups';

/** The record id field of each dataset (sources.md). */
export const HEALTH_RECORD_ID: Readonly<Record<HealthDataset, string>> = Object.freeze({
  'death-certificates': 'certificateNo',
  vaccinations: 'vaccinationId',
  checkups: 'checkupId',
});

export interface HealthConfig {
  url: string;
  apiKey: string;
  datasets: HealthDataset[];
  pageSize: number;
  maxPasses: number;
  initialDate: string;
  timeoutMs: number;
  retry: RetryConfig;
}

export interface HealthConnector extends Connector<HighWaterState> {
  readonly client: HealthClient;
  postFeedback(items: readonly HealthFeedbackItem[], options?: { signal?: AbortSignal }): Promise<{ accepted: number }>;
}

const schema = loadConnectorSchema('health');

export function createHealthConnector(input: unknown, deps: ConnectorDeps = {}): HealthConnector {
  const config = validateConfig<HealthConfig>('health', schema, input);
  const client = new HealthClient(config, deps);
  const now = deps.now ?? Date.now;

  return {
    channel: 'health',
    datasets: Object.freeze([...config.datasets]),
    client,
    spec: () => structuredClone(schema),

    async check(): Promise<CheckResult> {
      try {
        await client.fetchPage(config.datasets[0], toChinaIso(now()), 1, 1, { maxAttempts: 1 });
        return { ok: true };
      } catch (err) {
        return checkFailure(err);
      }
    },

    pull(dataset: string, state: HighWaterState | null, options: PullOptions): AsyncIterable<Page<HighWaterState>> {
      return pullDataset(client, config, dataset, state, options);
    },

    postFeedback: (items, options = {}) => client.postFeedback(items, options),
  };
}

async function* pullDataset(client: HealthClient, config: Readonly<HealthConfig>, dataset: string, state: HighWaterState | null, options: PullOptions): AsyncGenerator<Page<HighWaterState>> {
  assertDataset('health', config.datasets, dataset);
  const idField = HEALTH_RECORD_ID[dataset as HealthDataset];
  yield* pageWindow<HealthItem>({
    sinceMs: windowStartMs(state, config.initialDate),
    cutoffMs: asOfEndMs(options.asOf),
    pageSize: Math.min(options.pageSize ?? config.pageSize, 200),
    state,
    maxPasses: config.maxPasses,
    ...(options.signal ? { signal: options.signal } : {}),
    fetchPage: async (sinceMs, pageIndex, size) => {
      const page = await client.fetchPage(dataset, toChinaIso(sinceMs), pageIndex + 1, size, callOptions(options));
      return { items: page.data, total: page.total, body: page.body, request: page.request };
    },
    toRecord: (item): PulledRecord => ({ recordId: idOf(item, idField), raw: item, updatedAt: normalizeUpdateTime(stringOf(item, 'updatedAt')) }),
  });
}
