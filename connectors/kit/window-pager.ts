// Offset/page-number paging over an update-time window that changes while it is paged
// (ministry pageNo, police offset, health page). Rows are served in (update time, id) order;
// a late row (older update time) lands in the part already paged: it shifts later rows (we
// see some twice — de-duplicated by id + content) and would itself be missed. So the pager
// watches `total`: when it changes during a pass, the rows inserted meanwhile are at most one
// day older than the newest row served before the change, and the window is paged again from
// there. Until such a re-pass has finished, the committed state is held at the change point,
// so an abort or crash in between resumes early enough to see the late rows. A pass ends with
// one more look at the total, so rows that arrived after the last page are not missed either.
import type { Page, PullOptions, PulledRecord } from './connector.ts';
import { ConnectorError } from './errors/connector-error.ts';
import { asOfEndMs, firstServing, laterHighWater, LATE_ARRIVAL_MS, highWaterOf, windowStartMs } from './high-water.ts';
import { DigestSet } from '../../lib/digest-set.ts';
import type { HighWaterState } from './high-water.ts';
import { throwIfAborted } from './retry.ts';
import { PagingWatch } from './paging.ts';
import { parseUpdateTime } from '../../lib/china-time.ts';

export interface WindowPage<T> {
  items: T[];
  /** the source's count of rows matching the window's filter, checked a non-negative integer by the client (kit/paging.ts) */
  total: number;
  body: string | Uint8Array;
  request: string;
}

export interface WindowPagerOptions<T> {
  /** the window's start (inclusive), ms; the connector renders it at its source's granularity */
  sinceMs: number;
  /** rows updated after this instant are left out (the end of the as-of day) and end the pass */
  cutoffMs: number;
  pageSize: number;
  /** fetch one page (pageIndex from 0), retries included */
  fetchPage: (sinceMs: number, pageIndex: number, pageSize: number) => Promise<WindowPage<T>>;
  toRecord: (item: T) => PulledRecord;
  /** the state the pull started from */
  state: HighWaterState | null;
  signal?: AbortSignal;
  /** passes over the window before giving up with LIFECERT_CONNECTOR_SOURCE_UNSTABLE; default 6 */
  maxPasses?: number;
}

/** What the date-windowed sources configure alike (ministry, police). */
export interface DateWindowConfig {
  /** YYYY-MM-DD: where a first pull starts */
  initialDate: string;
  pageSize: number;
  maxPasses?: number;
}

/** At most this many rows per page, whatever is configured (both sources cap their pages at 500). */
const MAX_WINDOW_PAGE = 500;

/**
 * The window a pull takes: from the committed high-water mark (less the late-arrival margin)
 * or the configured first day, up to the end of the as-of China day; page size and passes
 * from the configuration unless the caller asks for a page size.
 */
export function dateWindow(state: HighWaterState | null, config: Readonly<DateWindowConfig>, options: PullOptions): Pick<WindowPagerOptions<unknown>, 'sinceMs' | 'cutoffMs' | 'pageSize' | 'state' | 'maxPasses' | 'signal'> {
  return {
    sinceMs: windowStartMs(state, config.initialDate),
    cutoffMs: asOfEndMs(options.asOf),
    pageSize: Math.min(options.pageSize ?? config.pageSize, MAX_WINDOW_PAGE),
    state,
    ...(config.maxPasses === undefined ? {} : { maxPasses: config.maxPasses }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

export async function* pageWindow<T>(options: WindowPagerOptions<T>): AsyncGenerator<Page<HighWaterState>> {
  const maxPasses = options.maxPasses ?? 6;
  const seen = new DigestSet();
  const watch = new PagingWatch('the source');
  let highWater: string | null = options.state?.highWater ?? null; // newest update time yielded
  let committed: string | null = highWater; // what states have said so far (monotonic)
  let since = options.sinceMs;
  let holdMs: number | undefined; // unresolved change point: states stay at or below it
  // a cursor already past the cut-off (a re-run with an earlier as-of) has nothing to take
  if (since > options.cutoffMs) return;

  for (let pass = 1; pass <= maxPasses; pass++) {
    let firstTotal: number | undefined;
    let changeMarkMs: number | undefined; // newest served before the total changed
    let newestServedMs = Number.NEGATIVE_INFINITY;
    let servedInPass = 0;
    watch.newPass();
    for (let pageIndex = 0; ; pageIndex++) {
      throwIfAborted(options.signal);
      const page = await options.fetchPage(since, pageIndex, options.pageSize);
      if (firstTotal === undefined) firstTotal = page.total;
      else if (page.total !== firstTotal && changeMarkMs === undefined) {
        changeMarkMs = Number.isFinite(newestServedMs) ? newestServedMs : since;
        holdMs = holdMs === undefined ? changeMarkMs : Math.min(holdMs, changeMarkMs);
      }

      const records: PulledRecord[] = [];
      const keys: string[] = [];
      let reachedCutoff = false;
      for (const item of page.items) {
        const record = options.toRecord(item);
        const t = parseUpdateTime(record.updatedAt);
        if (t > options.cutoffMs) {
          // served in update order: everything after this one is newer too
          reachedCutoff = true;
          break;
        }
        if (t > newestServedMs) newestServedMs = t;
        if (!firstServing(seen, keys, record)) continue;
        records.push(record);
        if (!Number.isNaN(t)) highWater = laterHighWater(highWater, highWaterOf(t));
      }
      servedInPass += page.items.length;
      watch.page(keys, records.length, seen.size - records.length, options.pageSize, page.request);

      // sources.md: a total alone never ends a pass early — a full page, or a running count
      // short of the total, means the next page is asked for; an empty page ends the pass
      const last = reachedCutoff || page.items.length === 0 || (page.items.length < options.pageSize && servedInPass >= page.total);
      if (last && changeMarkMs === undefined) {
        // Paging has finished only when the window still holds what the pass started with: a
        // row that arrived after the first page (even in a one-page window) changes the total.
        const confirm = await options.fetchPage(since, 0, 1);
        if (confirm.total !== firstTotal) {
          changeMarkMs = Number.isFinite(newestServedMs) ? newestServedMs : since;
          holdMs = holdMs === undefined ? changeMarkMs : Math.min(holdMs, changeMarkMs);
        }
      }
      // a pass that ends without a change has seen every row of the window: release the hold
      if (last && changeMarkMs === undefined) holdMs = undefined;
      const candidate = holdMs === undefined ? highWater : earlierHighWater(highWater, highWaterOf(holdMs));
      committed = laterHighWater(committed, candidate);
      yield { records, state: { highWater: committed }, body: page.body, request: page.request };
      if (last) break;
    }
    if (changeMarkMs === undefined) return;
    since = Math.max(since, changeMarkMs - LATE_ARRIVAL_MS);
  }
  throw new ConnectorError('LIFECERT_CONNECTOR_SOURCE_UNSTABLE', `the source kept changing while it was paged (${maxPasses} passes); the pull stops here and resumes from the last committed state`);
}

function earlierHighWater(a: string | null, b: string): string | null {
  if (a === null) return null;
  return parseUpdateTime(a) <= parseUpdateTime(b) ? a : b;
}
