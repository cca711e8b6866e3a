// Ministry connector: QueryCertData per dataType for the whole province, startDate from the
// cursor, endDate = the run's as-of date, pageNo paging (kit/window-pager.ts).
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../kit/connector.ts';
import { loadConnectorSchema, validateConfig } from '../kit/config.ts';
import { callOptions, checkFailure } from '../kit/connector-deps.ts';
import type { RetryConfig } from '../kit/connector-deps.ts';
import { assertDataset } from '../kit/datasets.ts';
import type { HighWaterState } from '../kit/high-water.ts';
import { chinaDate, normalizeUpdateTime } from '../../lib/china-time.ts';
import { dateWindow, pageWindow } from '../kit/window-pager.ts';
import { MinistryClient } from './client.ts';
import type { MinistryClientDeps, MinistryCorrectionItem, MinistryFeedbackItem, MinistryRecord, SubmitResult } from './client.ts';

export type MinistryDataType = 'DEATH' | 'BENEFIT' | 'AUTH' | 'TRAVEL' | 'MEDICAL' | 'PRISON' | 'OVERSEAS';

export interface MinistryConfig {
  url: string;
  username: string;
  password: string;
  areaCode: string;
  dataTypes: MinistryDataType[];
  pageSize: number;
  maxPasses: number;
  initialDate: string;
  timeoutMs: number;
  retry: RetryConfig;
}

export interface MinistryConnector extends Connector<HighWaterState> {
  readonly client: MinistryClient;
  submitFeedback(batchId: string, items: readonly MinistryFeedbackItem[], options?: { signal?: AbortSignal }): Promise<SubmitResult>;
  submitCorrection(batchId: string, items: readonly MinistryCorrectionItem[], options?: { signal?: AbortSignal }): Promise<SubmitResult>;
}

const schema = loadConnectorSchema('ministry');

/** `2026-11-28` → `20261128` */
export const yyyymmdd = (date: string): string => date.replaceAll('-', '');

export function createMinistryConnector(input: unknown, deps: MinistryClientDeps = {}): MinistryConnector {
  const config = validateConfig<MinistryConfig>('ministry', schema, input);
  const client = new MinistryClient(config, deps);
  const now = deps.now ?? Date.now;

  return {
    channel: 'ministry',
    datasets: Object.freeze([...config.dataTypes]),
    client,
    spec: () => structuredClone(schema),

    async check(): Promise<CheckResult> {
      try {
        const today = yyyymmdd(chinaDate(now()));
        await client.queryCertData({ dataType: config.dataTypes[0], areaCode: config.areaCode, startDate: today, endDate: today, pageNo: 1, pageSize: 1 }, { maxAttempts: 1 });
        return { ok: true };
      } catch (err) {
        return checkFailure(err);
      }
    },

    pull(dataset: string, state: HighWaterState | null, options: PullOptions): AsyncIterable<Page<HighWaterState>> {
      return pullDataType(client, config, dataset, state, options);
    },

    submitFeedback: (batchId, items, options = {}) => client.submitFeedback(batchId, items, options),
    submitCorrection: (batchId, items, options = {}) => client.submitCorrection(batchId, items, options),
  };
}

async function* pullDataType(client: MinistryClient, config: Readonly<MinistryConfig>, dataType: string, state: HighWaterState | null, options: PullOptions): AsyncGenerator<Page<HighWaterState>> {
  assertDataset('ministry', config.dataTypes, dataType);
  const endDate = yyyymmdd(options.asOf);
  yield* pageWindow<MinistryRecord>({
    // startDate is a date on aae036: the window starts at the beginning of that China day;
    // the ministry filters by endDate itself, the cut-off guards against a server that does not
    ...dateWindow(state, config, options),
    fetchPage: async (sinceMs, pageIndex, pageSize) => {
      const res = await client.queryCertData(
        { dataType, areaCode: config.areaCode, startDate: yyyymmdd(chinaDate(sinceMs)), endDate, pageNo: pageIndex + 1, pageSize },
        callOptions(options),
      );
      return { items: res.records, total: res.totalCount, body: res.body, request: res.request };
    },
    toRecord: (rec): PulledRecord => ({ recordId: rec.recordId ?? '', raw: rec, updatedAt: normalizeUpdateTime(rec.aae036 ?? '') }),
  });
}
