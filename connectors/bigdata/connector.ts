// Big-data center connector: cursor paging within one sequence per pull. The opaque cursor is
// valid only within that sequence, so it is never saved: a resumed or later pull restarts
// its window from the committed high-water mark (minus the late-arrival day).
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../kit/connector.ts';
import { loadConnectorSchema, validateConfig } from '../kit/config.ts';
import { callOptions, checkFailure } from '../kit/connector-deps.ts';
import type { RetryConfig } from '../kit/connector-deps.ts';
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { assertDataset } from '../kit/datasets.ts';
import { asOfEndMs, firstServing, highWaterOf, laterHighWater, windowStartMs } from '../kit/high-water.ts';
import { DigestSet } from '../../lib/digest-set.ts';
import type { HighWaterState } from '../kit/high-water.ts';
import { throwIfAborted } from '../kit/retry.ts';
import { PagingWatch } from '../kit/paging.ts';
import { idOf, stringOf } from '../kit/item.ts';
import { normalizeUpdateTime, parseUpdateTime, toChinaIso } from '../../lib/china-time.ts';
import { BigdataClient } from './client.ts';
import type { BigdataClientDeps, BigdataFeedbackItem, BigdataRecord } from './client.ts';

export const BIGDATA_CHANNEL = 'bigdata';

export interface BigdataConfig {
  url: string;
  appId: string;
  appSecret: string;
  datasets: Array<'hukou' | 'death' | 'cremation' | 'prison'>;
  pageSize: number;
  initialDate: string;
  timeoutMs: number;
  retry: RetryConfig;
}

export interface BigdataConnector extends Connector<HighWaterState> {
  readonly client: BigdataClient;
  postFeedback(items: readonly BigdataFeedbackItem[], options?: { signal?: AbortSignal }): Promise<{ accepted: number }>;
}

const schema = loadConnectorSchema('bigdata');

export function createBigdataConnector(input: unknown, deps: BigdataClientDeps = {}): BigdataConnector {
  const config = validateConfig<BigdataConfig>('bigdata', schema, input);
  const client = new BigdataClient(config, deps);
  const now = deps.now ?? Date.now;

  return {
    channel: BIGDATA_CHANNEL,
    datasets: Object.freeze([...config.datasets]),
    client,
    spec: () => structuredClone(schema),

    async check(): Promise<CheckResult> {
      try {
        // a signed one-row query proves reachability, the app id and the secret at once
        await client.fetchRecords(config.datasets[0], { updatedSince: toChinaIso(now()), limit: 1 }, { maxAttempts: 1 });
        return { ok: true };
      } catch (err) {
        return checkFailure(err);
      }
    },

    pull(dataset: string, state: HighWaterState | null, options: PullOptions): AsyncIterable<Page<HighWaterState>> {
      return pullDataset(client, config, dataset, state, options);
    },

    postFeedback: (items, options = {}) => client.postFeedback(items, options).then(({ accepted }) => ({ accepted })),
  };
}

async function* pullDataset(
  client: BigdataClient,
  config: Readonly<BigdataConfig>,
  dataset: string,
  state: HighWaterState | null,
  options: PullOptions,
): AsyncGenerator<Page<HighWaterState>> {
  assertDataset(BIGDATA_CHANNEL, config.datasets, dataset);
  const cutoff = asOfEndMs(options.asOf);
  const updatedSince = toChinaIso(windowStartMs(state, config.initialDate));
  const limit = Math.min(options.pageSize ?? config.pageSize, 1000);
  const seen = new DigestSet();
  const followed = new Set<string>();
  const watch = new PagingWatch('the center');
  let highWater = state?.highWater ?? null;
  let cursor: string | undefined;

  for (;;) {
    throwIfAborted(options.signal);
    const page = await client.fetchRecords(dataset, { updatedSince, limit, ...(cursor ? { cursor } : {}) }, callOptions(options));
    const records: PulledRecord[] = [];
    const keys: string[] = [];
    let reachedCutoff = false;
    for (const raw of page.records) {
      const record = toPulled(raw);
      const t = parseUpdateTime(record.updatedAt);
      if (t > cutoff) {
        // served in update order: the rest is newer still and belongs to a later run
        reachedCutoff = true;
        break;
      }
      if (!firstServing(seen, keys, record)) continue;
      records.push(record);
      if (!Number.isNaN(t)) highWater = laterHighWater(highWater, highWaterOf(t));
    }
    // a repeat or a stall fails the pull before this page's state is offered: the cursor stays
    watch.page(keys, records.length, seen.size - records.length, limit, page.request);
    yield { records, state: { highWater }, body: page.body, request: page.request };
    if (reachedCutoff || page.nextCursor === null) return;
    if (page.nextCursor === cursor || followed.has(page.nextCursor)) {
      throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_REPEAT', `${page.request}: the center returned a cursor it had already given in this sequence; the pull stops and resumes from the last committed state`, { request: page.request });
    }
    followed.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

function toPulled(raw: BigdataRecord): PulledRecord {
  return { recordId: idOf(raw, 'JLID'), raw, updatedAt: normalizeUpdateTime(stringOf(raw, 'GXSJ')) };
}
