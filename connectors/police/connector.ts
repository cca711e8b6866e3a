// City police connector, one per city (channel `police-<city4>`). Offset paging over a
// window that changes while it is paged: see kit/window-pager.ts for how late rows are caught.
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../kit/connector.ts';
import { loadConnectorSchema, validateConfig } from '../kit/config.ts';
import { callOptions, checkFailure } from '../kit/connector-deps.ts';
import type { ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';
import { assertDataset } from '../kit/datasets.ts';
import type { HighWaterState } from '../kit/high-water.ts';
import { chinaDate, normalizeUpdateTime } from '../../lib/china-time.ts';
import { dateWindow, pageWindow } from '../kit/window-pager.ts';
import { idOf, stringOf } from '../kit/item.ts';
import { PoliceClient } from './client.ts';
import type { PoliceFeedbackItem, PoliceItem } from './client.ts';
import { POLICE_DATASETS } from './raw-records.ts';

export interface PoliceConfig {
  city: string;
  url: string;
  clientId: string;
  clientSecret: string;
  pageSize: number;
  tokenRenewSeconds: number;
  maxPasses: number;
  initialDate: string;
  timeoutMs: number;
  retry: RetryConfig;
}

export interface PoliceConnector extends Connector<HighWaterState> {
  readonly client: PoliceClient;
  postFeedback(items: readonly PoliceFeedbackItem[], options?: { signal?: AbortSignal }): Promise<{ accepted: number }>;
}

const schema = loadConnectorSchema('police');

export function createPoliceConnector(input: unknown, deps: ConnectorDeps = {}): PoliceConnector {
  const config = validateConfig<PoliceConfig>('police', schema, input);
  const client = new PoliceClient(config, deps);
  const channel = `police-${config.city}`;
  const now = deps.now ?? Date.now;

  return {
    channel,
    datasets: POLICE_DATASETS,
    client,
    spec: () => structuredClone(schema),

    async check(): Promise<CheckResult> {
      try {
        await client.fetchChanges(chinaDate(now()), 0, 1, { maxAttempts: 1 });
        return { ok: true };
      } catch (err) {
        return checkFailure(err);
      }
    },

    pull(dataset: string, state: HighWaterState | null, options: PullOptions): AsyncIterable<Page<HighWaterState>> {
      return pullHukou(client, config, channel, dataset, state, options);
    },

    postFeedback: (items, options = {}) => client.postFeedback(items, options),
  };
}

async function* pullHukou(client: PoliceClient, config: Readonly<PoliceConfig>, channel: string, dataset: string, state: HighWaterState | null, options: PullOptions): AsyncGenerator<Page<HighWaterState>> {
  assertDataset(channel, POLICE_DATASETS, dataset);
  yield* pageWindow<PoliceItem>({
    // `since` is a China date: the window starts at the beginning of that day
    ...dateWindow(state, config, options),
    fetchPage: (sinceMs, pageIndex, pageSize) => client.fetchChanges(chinaDate(sinceMs), pageIndex * pageSize, pageSize, callOptions(options)),
    toRecord: (item): PulledRecord => ({ recordId: idOf(item, 'id'), raw: item, updatedAt: normalizeUpdateTime(stringOf(item, 'gxsj')) }),
  });
}
