// An in-memory source speaking the connector contract: records sorted by (update time, id),
// served in pages that overlap by `overlap` records (as offset paging over changing data
// does), resumed from an inclusive `since` cursor, leaving out what is newer than the as-of day.
import type { Connector, CursorState, Page, PullOptions, PulledRecord } from '../../connectors/kit/connector.ts';
import { endOfChinaDay, parseUpdateTime } from '../../lib/china-time.ts';

export interface FakeState extends CursorState {
  since: string;
}

export class FakeConnector implements Connector<FakeState> {
  readonly channel: string;
  readonly datasets: readonly string[];
  /** what the source currently holds, per dataset */
  readonly data = new Map<string, PulledRecord[]>();
  pageSize = 3;
  overlap = 1;
  /** throw this when asked for the page with this index (0-based) of a dataset */
  failAt: { dataset: string; page: number; error: Error } | null = null;
  pagesServed = 0;

  constructor(channel: string, datasets: readonly string[]) {
    this.channel = channel;
    this.datasets = datasets;
    for (const d of datasets) this.data.set(d, []);
  }

  put(dataset: string, ...records: PulledRecord[]): void {
    const list = this.data.get(dataset) ?? [];
    for (const r of records) {
      const i = list.findIndex((x) => x.recordId === r.recordId);
      if (i >= 0) list[i] = r;
      else list.push(r);
    }
    this.data.set(dataset, list);
  }

  spec(): object {
    return { type: 'object', properties: {} };
  }

  async check(): Promise<{ ok: true }> {
    return { ok: true };
  }

  async *pull(dataset: string, state: FakeState | null, options: PullOptions): AsyncIterable<Page<FakeState>> {
    const since = state?.since ?? '';
    const cutoff = endOfChinaDay(options.asOf);
    const items = (this.data.get(dataset) ?? [])
      .filter((r) => r.updatedAt >= since && parseUpdateTime(r.updatedAt) <= cutoff)
      .sort((a, b) => (a.updatedAt === b.updatedAt ? (a.recordId < b.recordId ? -1 : 1) : a.updatedAt < b.updatedAt ? -1 : 1));
    let index = 0;
    for (let offset = 0; offset < items.length; offset += this.pageSize, index++) {
      if (options.signal?.aborted) return;
      if (this.failAt && this.failAt.dataset === dataset && this.failAt.page === index) throw this.failAt.error;
      const start = Math.max(0, offset - this.overlap);
      const records = items.slice(start, offset + this.pageSize).map((r) => ({ ...r }));
      this.pagesServed++;
      yield {
        records,
        state: { since: records[records.length - 1].updatedAt },
        body: JSON.stringify({ offset: start, items: records.map((r) => r.raw) }),
        request: `GET /${dataset}?since=${since}&offset=${start}`,
      };
    }
  }
}
