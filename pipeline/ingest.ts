// The ingest pipeline: connector pages → normalization → staging, one transaction per page
// that also commits the cursor, so a crash or an abort loses nothing and repeats nothing that
// matters (a re-served record adds no version). Counting follows sources.md: within one pull
// each (record id, content) counts once in `pulled`, as what it became (staged, rejected or
// skipped) — the first time ever, read back from the mirror when it was already held.
import { performance } from 'node:perf_hooks';
import type { Connector, CursorState, PulledRecord } from '../connectors/kit/connector.ts';
import type { RetryHook } from '../connectors/kit/retry.ts';
import { toChinaIso } from '../lib/china-time.ts';
import { oneAhead } from '../lib/ahead.ts';
import { createError } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import type { Logger } from '../lib/log.ts';
import { ADOPTION_DATA_TYPES, confirmFeedback, deriveAdoptionItems, finishPull, loadCursor, openPull, rawHash, recordPullProgress, stagePage } from '../mirror/index.ts';
import type { Db, PullProgress, StagedPage } from '../mirror/index.ts';
import type { Normalized, NormalizeContext, PullCounts } from '../schemas/types.ts';
import { IngestAbortedError, IngestError, IngestRunError } from './errors.ts';

/** normalization.md as a function: the shape of connectors/normalize.ts `normalize`. */
export type NormalizeFn = (channel: string, dataset: string, raw: unknown, ctx: NormalizeContext) => Normalized;

export interface PageProgress {
  channel: string;
  dataset: string;
  pullId: number;
  /** page number within this pull, from 1 */
  seq: number;
  request: string;
  /** what this page added to the counts */
  page: PullCounts;
  /** the pull's counts so far */
  totals: PullCounts;
  /** versions the mirror did not hold before */
  newVersions: number;
  /** the cursor committed with this page */
  state: CursorState;
}

export interface IngestDatasetOptions {
  db: Db;
  connector: Connector;
  dataset: string;
  /** the run's data cut-off, YYYY-MM-DD */
  asOf: string;
  runId: string;
  /** stops the pull between pages; the last committed cursor stays */
  signal?: AbortSignal;
  /** default: `normalize` of connectors/normalize.ts */
  normalize?: NormalizeFn;
  /** called after each page is committed */
  onPage?: (progress: PageProgress) => void;
  /** the wall clock in ms (default Date.now): receivedAt and the pull's start/finish times */
  now?: () => number;
  /** page size to ask the connector for (default: the connector's own) */
  pageSize?: number;
  /**
   * versions an earlier, interrupted pull of the same run already counted (a queued pull
   * resumed after a crash): they do not count again, so the run's counts stay those of one pull
   */
  alreadyCounted?: Iterable<{ recordId: string; rawHash: string }>;
  /** where the pull, its pages (debug) and its retries are logged; default nothing */
  log?: Logger;
  /** accumulates where the pull's wall time went (bench/month.ts); several pulls may share one */
  stats?: IngestStats;
}

/**
 * Milliseconds of wall time per stage of a pull, summed over its pages: waiting for the next
 * page from the connector (fetch + protocol parsing), normalizing it, staging it (one
 * transaction with its cursor). Pulls running side by side overlap, so the sums of several
 * pulls can exceed the run's wall time.
 */
export interface IngestStats {
  pullMs: number;
  normalizeMs: number;
  stageMs: number;
  pages: number;
  records: number;
}

export const emptyIngestStats = (): IngestStats => ({ pullMs: 0, normalizeMs: 0, stageMs: 0, pages: 0, records: 0 });

const AS_OF = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

let defaultNormalize: Promise<NormalizeFn> | null = null;

/** The project's normalization, loaded on first use so that tests can inject their own. */
function loadDefaultNormalize(): Promise<NormalizeFn> {
  defaultNormalize ??= import('../connectors/normalize.ts').then((m) => m.normalize as NormalizeFn);
  return defaultNormalize;
}

const zeroCounts = (): PullCounts => ({ pulled: 0, staged: 0, rejected: 0, skipped: 0 });

/**
 * Pulls one dataset of one connector from its last committed cursor to the end, staging each
 * page in one transaction with its cursor. Resolves with the pull's counts (pulled = staged +
 * rejected + skipped). Throws IngestAbortedError when the signal stopped it, IngestError when
 * the connector, normalization or the database failed; either way every page committed
 * before stays committed, with its cursor, and the pull row says what happened.
 */
export async function ingestDataset(options: IngestDatasetOptions): Promise<PullCounts> {
  const { db, connector, dataset, asOf, runId, signal } = options;
  const channel = connector.channel;
  const now = options.now ?? Date.now;
  const totals = zeroCounts();
  const progress: PullProgress = { ...totals, pages: 0, withdrawn: 0 };
  const details = (pullId: number | null, cause?: unknown) => ({ channel, dataset, pullId, pagesCommitted: progress.pages, counts: { ...totals }, cause });

  if (!connector.datasets.includes(dataset)) {
    throw new IngestError('LIFECERT_PIPELINE_INPUT_INVALID', `${channel} has no dataset ${JSON.stringify(dataset)} (it has ${connector.datasets.join(', ')})`, details(null));
  }
  if (!AS_OF.test(asOf)) throw new IngestError('LIFECERT_PIPELINE_INPUT_INVALID', `asOf must be YYYY-MM-DD, got ${JSON.stringify(asOf)}`, details(null));
  if (signal?.aborted) throw new IngestAbortedError(details(null, signal.reason));

  const normalize = options.normalize ?? (await loadDefaultNormalize());
  const state = await loadCursor(db, channel, dataset);
  const startedMs = now();
  const pullId = await openPull(db, { runId, channel, dataset, asOf, startedAt: toChinaIso(startedMs) });
  const log = (options.log ?? silentLogger).child({ channel, dataset, pullId, runId });
  log.info({ event: 'pull.start', asOf, resumed: state !== null }, `pull ${channel}/${dataset} started`);
  // (record id, content) held from before this pull and already counted in it (and what an
  // interrupted pull of the run counted). A version this pull staged first needs no entry: the
  // mirror says which pull first staged a version, and that pull counted it then — so the set
  // holds the re-served overlap of earlier pulls (the late-arrival margin), not the dataset.
  const counted = new Set<string>();
  for (const v of options.alreadyCounted ?? []) counted.add(countKey(v.recordId, v.rawHash));
  const onRetry: RetryHook = (error, attempt, delayMs) => {
    log.warn(
      { event: 'pull.retry', code: error.code, attempt, delayMs, request: error.request, status: error.status },
      `retry ${attempt} of ${channel}/${dataset} in ${delayMs} ms after ${error.code}: ${error.message}`,
    );
  };

  const stats = options.stats;
  try {
    let waitFrom = performance.now();
    // fetching page n+1 overlaps normalizing and committing page n; pages are still committed in
    // order, each with its cursor, and a page fetched ahead but never committed is fetched again
    // from the committed cursor next time
    for await (const page of oneAhead(connector.pull(dataset, state, { asOf, signal, pageSize: options.pageSize, onRetry }))) {
      const normalizeFrom = performance.now();
      const normalized = page.records.map((rec) => (rec.withdrawn ? undefined : normalizeRecord(normalize, channel, dataset, rec, asOf)));
      const stageFrom = performance.now();
      const seq = progress.pages + 1;
      const receivedAt = toChinaIso(now());
      const { staged, pageCounts, pageWithdrawn, newKeys } = await db.transaction(async (tx) => {
        const staged = await stagePage(tx, {
          pullId,
          channel,
          dataset,
          seq,
          request: page.request,
          body: page.body,
          receivedAt,
          records: page.records.map((rec, i) => ({ recordId: rec.recordId, raw: rec.raw, updatedAt: rec.updatedAt, withdrawn: rec.withdrawn, normalized: normalized[i], rawHash: rec.rawHash })),
          state: page.state,
          versionOrder: page.versionOrder,
        });
        const tally = tallyPage(staged, counted, pullId);
        await recordPullProgress(tx, pullId, {
          pages: seq,
          withdrawn: progress.withdrawn + tally.pageWithdrawn,
          pulled: totals.pulled + tally.pageCounts.pulled,
          staged: totals.staged + tally.pageCounts.staged,
          rejected: totals.rejected + tally.pageCounts.rejected,
          skipped: totals.skipped + tally.pageCounts.skipped,
        });
        return { staged, ...tally };
      });
      if (stats) {
        const stagedAt = performance.now();
        stats.pullMs += normalizeFrom - waitFrom;
        stats.normalizeMs += stageFrom - normalizeFrom;
        stats.stageMs += stagedAt - stageFrom;
        stats.pages += 1;
        stats.records += page.records.length;
      }
      // only now, with the page committed, does it count
      for (const key of newKeys) counted.add(key);
      totals.pulled += pageCounts.pulled;
      totals.staged += pageCounts.staged;
      totals.rejected += pageCounts.rejected;
      totals.skipped += pageCounts.skipped;
      progress.pages = seq;
      progress.withdrawn += pageWithdrawn;
      log.debug({ event: 'pull.page', seq, request: page.request, page: pageCounts, newVersions: staged.newVersions, withdrawn: pageWithdrawn }, `page ${seq} of ${channel}/${dataset} staged`);
      options.onPage?.({ channel, dataset, pullId, seq, request: page.request, page: pageCounts, totals: { ...totals }, newVersions: staged.newVersions, state: page.state });
      if (signal?.aborted) break;
      waitFrom = performance.now();
    }
  } catch (err) {
    // the pages committed before the failure are staged: their adoption items are due all the same
    await deriveAdoption(db, channel, dataset, pullId, now).catch((e: unknown) => log.error({ event: 'adoption.derive.failed', err: e }, `adoption items of pull ${pullId} not derived: ${describe(e)}`));
    if (signal?.aborted) {
      await finishPull(db, pullId, 'aborted', toChinaIso(now()), describe(signal.reason ?? err));
      throw logged(log, new IngestAbortedError(details(pullId, err)));
    }
    const message = `${channel}/${dataset} failed after ${progress.pages} committed pages: ${describe(err)}`;
    await finishPull(db, pullId, 'failed', toChinaIso(now()), describe(err)).catch(() => undefined);
    throw logged(log, new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', message, details(pullId, err)));
  }
  try {
    await deriveAdoption(db, channel, dataset, pullId, now);
  } catch (err) {
    await finishPull(db, pullId, 'failed', toChinaIso(now()), describe(err)).catch(() => undefined);
    throw logged(log, new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', `${channel}/${dataset}: the adoption items of its ${progress.pages} committed pages could not be derived: ${describe(err)}`, details(pullId, err)));
  }
  if (signal?.aborted) {
    await finishPull(db, pullId, 'aborted', toChinaIso(now()), describe(signal.reason));
    throw logged(log, new IngestAbortedError(details(pullId, signal.reason)));
  }
  await finishPull(db, pullId, 'succeeded', toChinaIso(now()));
  // a SENT feedback item is CONFIRMED once a later pull brings a new version of its record (workflow.md)
  const confirmed = await confirmFeedback(db, channel, dataset, toChinaIso(now()));
  if (confirmed > 0) log.info({ event: 'feedback.confirmed', confirmed }, `${confirmed} feedback items of ${channel}/${dataset} confirmed by new versions`);
  log.info(
    { event: 'pull.end', counts: totals, pages: progress.pages, withdrawn: progress.withdrawn, ms: now() - startedMs },
    `pull ${channel}/${dataset} done: pulled ${totals.pulled}, staged ${totals.staged}, rejected ${totals.rejected}, skipped ${totals.skipped} in ${progress.pages} pages`,
  );
  return { ...totals };
}

/**
 * Adoption feedback (workflow.md article 14) is decided from what the pull staged, rejected or
 * skipped: one statement over the versions this pull added, after its pages are committed, so
 * staging itself and the pull's counts stay exactly what they were.
 */
async function deriveAdoption(db: Db, channel: string, dataset: string, pullId: number, now: () => number): Promise<void> {
  if (channel !== 'ministry' || !(ADOPTION_DATA_TYPES as readonly string[]).includes(dataset)) return;
  await deriveAdoptionItems(db, { pullId }, { now: now() });
}

/** Log how a pull ended badly, with the pipeline's code and the code of its cause; returns the error to throw. */
function logged(log: Logger, err: IngestError): IngestError {
  const aborted = err instanceof IngestAbortedError;
  log[aborted ? 'warn' : 'error'](
    { event: aborted ? 'pull.aborted' : 'pull.failed', code: err.code, causeCode: err.causeCode, pagesCommitted: err.pagesCommitted, err },
    err.message,
  );
  return err;
}

function normalizeRecord(normalize: NormalizeFn, channel: string, dataset: string, rec: PulledRecord, asOf: string): Normalized {
  try {
    return normalize(channel, dataset, rec.raw, { asOf });
  } catch (err) {
    // a record normalization cannot classify is a bug, not bad data: stop before staging the page
    throw createError('LIFECERT_PIPELINE_NORMALIZATION_FAILED', `normalization threw on record ${rec.recordId}: ${describe(err)}`, { cause: err });
  }
}

/**
 * What a committed page adds to its pull's counts: each (record id, content) once per pull, as
 * what it became. A version counts unless this pull counted it already — staged first by this
 * pull (on an earlier page, or earlier on this one), or held from before and in `counted`.
 * `newKeys`: the held versions counted now, for `counted` once the page is committed.
 */
function tallyPage(staged: StagedPage, counted: ReadonlySet<string>, pullId: number): { pageCounts: PullCounts; pageWithdrawn: number; newKeys: string[] } {
  const pageCounts = zeroCounts();
  let pageWithdrawn = 0;
  const newKeys: string[] = [];
  const inPage = new Set<string>();
  for (const rec of staged.records) {
    if (rec.outcome === 'withdrawn') {
      // a withdrawn line is not a pulled record; count the lines this page withdrew
      if (rec.madeCurrent) pageWithdrawn++;
      continue;
    }
    if (rec.isNewVersion) {
      // first staged now: never counted before, in this pull or any other
      pageCounts.pulled++;
      pageCounts[rec.outcome]++;
      continue;
    }
    // held: staged first by this pull (an earlier page, or this page's own first copy) → counted then
    if (rec.firstPullId === pullId) continue;
    const key = countKey(rec.recordId, rec.rawHash);
    if (counted.has(key) || inPage.has(key)) continue;
    inPage.add(key);
    newKeys.push(key);
    pageCounts.pulled++;
    pageCounts[rec.outcome]++;
  }
  return { pageCounts, pageWithdrawn, newKeys };
}

function countKey(recordId: string, rawHash: string): string {
  return `${recordId}\u0000${rawHash.slice(0, 32)}`;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export interface IngestAllOptions extends Omit<IngestDatasetOptions, 'connector' | 'dataset'> {
  connectors: readonly Connector[];
  /** pull datasets at the same time (default true); false: every dataset one after another */
  parallel?: boolean;
  /**
   * how many pulls run at the same time when parallel (default 8): datasets of different
   * connectors and of one connector alike — each (channel, dataset) has its own cursor and its
   * own staging lock, and the queued service already pulls them as separate jobs
   */
  concurrency?: number;
}

export const DEFAULT_PULL_CONCURRENCY = 8;

/**
 * Every dataset of every connector, up to `concurrency` at a time, connectors taken in turn (the
 * first dataset of each, then the second of each, …). A failing dataset does not stop the others; when all are done, the counts
 * of the finished ones are returned, or — if any failed — an IngestRunError carrying those
 * counts and every failure is thrown. An abort stops everything and throws IngestAbortedError.
 */
export async function ingestAll(options: IngestAllOptions): Promise<Record<string, PullCounts>> {
  const counts: Record<string, PullCounts> = {};
  const failures: IngestError[] = [];
  let aborted: IngestAbortedError | null = null;

  const runDataset = async (connector: Connector, dataset: string): Promise<void> => {
    if (aborted || options.signal?.aborted) return;
    try {
      counts[`${connector.channel}/${dataset}`] = await ingestDataset({ ...options, connector, dataset });
    } catch (err) {
      if (err instanceof IngestAbortedError) {
        aborted ??= err;
        return;
      }
      // failed before its pull row was opened (cursor or pulls table unreadable): not logged yet
      failures.push(err instanceof IngestError ? err : logged((options.log ?? silentLogger).child({ channel: connector.channel, dataset, runId: options.runId }), new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', `${connector.channel}/${dataset}: ${describe(err)}`, {
        channel: connector.channel, dataset, pullId: null, pagesCommitted: 0, counts: zeroCounts(), cause: err,
      })));
    }
  };

  // connectors in turn: the first dataset of each, then the second of each, …
  const queue: Array<[Connector, string]> = [];
  const deepest = Math.max(0, ...options.connectors.map((c) => c.datasets.length));
  for (let i = 0; i < deepest; i++) for (const c of options.connectors) if (i < c.datasets.length) queue.push([c, c.datasets[i]]);
  const width = (options.parallel ?? true) ? Math.max(1, options.concurrency ?? DEFAULT_PULL_CONCURRENCY) : 1;
  const lane = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) await runDataset(job[0], job[1]);
  };
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, lane));

  if (aborted) throw aborted;
  if (options.signal?.aborted) throw new IngestAbortedError({ channel: '*', dataset: '*', pullId: null, pagesCommitted: 0, counts: zeroCounts(), cause: options.signal.reason });
  if (failures.length > 0) throw new IngestRunError(counts, failures);
  return counts;
}

export interface RecordsToStage {
  db: Db;
  /** the channel the records came through: a source without a connector names its own (`city-4403-deaths`) */
  channel: string;
  dataset: string;
  /** the run's data cut-off, YYYY-MM-DD */
  asOf: string;
  runId: string;
  /** what the records were fetched by, for provenance (`GET https://…`, a file name) */
  request: string;
  /** each record as received and what normalization made of it; a record id '' is keyed by its content */
  records: readonly { recordId: string; raw: unknown; updatedAt: string; normalized: Normalized }[];
  now?: () => number;
  log?: Logger;
}

const CHANNEL = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Stages records that arrived some other way than through a connector (pushed, fetched by a
 * generic HTTP or file node) as one page of one pull: every version kept, rejections
 * quarantined, the pull counted as sources.md counts one. There is no cursor to move: the
 * records' own versions make a repeated delivery stage nothing new.
 */
export async function stageRecords(options: RecordsToStage): Promise<PullCounts & { pullId: number; newVersions: number }> {
  const { db, channel, dataset, asOf, runId } = options;
  const now = options.now ?? Date.now;
  const details = { channel, dataset, pullId: null, pagesCommitted: 0, counts: zeroCounts() };
  if (!CHANNEL.test(channel)) throw new IngestError('LIFECERT_PIPELINE_INPUT_INVALID', `a channel is lower-case letters, digits and dashes, got ${JSON.stringify(channel)}`, details);
  if (!CHANNEL.test(dataset)) throw new IngestError('LIFECERT_PIPELINE_INPUT_INVALID', `a dataset is lower-case letters, digits and dashes, got ${JSON.stringify(dataset)}`, details);
  if (!AS_OF.test(asOf)) throw new IngestError('LIFECERT_PIPELINE_INPUT_INVALID', `asOf must be YYYY-MM-DD, got ${JSON.stringify(asOf)}`, details);
  const log = (options.log ?? silentLogger).child({ channel, dataset, runId });
  const startedMs = now();
  const pullId = await openPull(db, { runId, channel, dataset, asOf, startedAt: toChinaIso(startedMs) });
  const records = options.records.map((r) => ({ ...r, recordId: r.recordId === '' ? `sha256:${rawHash(r.raw).slice(0, 32)}` : r.recordId }));
  try {
    const { totals, newVersions } = await db.transaction(async (tx) => {
      const staged = await stagePage(tx, {
        pullId,
        channel,
        dataset,
        seq: 1,
        request: options.request,
        body: JSON.stringify(records.map((r) => r.raw)),
        receivedAt: toChinaIso(now()),
        records,
        state: { stagedBy: 'stageRecords', at: toChinaIso(startedMs) },
        versionOrder: records.some((r) => r.updatedAt !== '') ? undefined : 'delivery',
      });
      const { pageCounts, pageWithdrawn } = tallyPage(staged, new Set(), pullId);
      await recordPullProgress(tx, pullId, { pages: 1, withdrawn: pageWithdrawn, ...pageCounts });
      return { totals: pageCounts, newVersions: staged.newVersions };
    });
    await finishPull(db, pullId, 'succeeded', toChinaIso(now()));
    log.info({ event: 'stage.end', counts: totals, pullId }, `staged ${channel}/${dataset}: pulled ${totals.pulled}, staged ${totals.staged}, rejected ${totals.rejected}, skipped ${totals.skipped}`);
    return { ...totals, pullId, newVersions };
  } catch (err) {
    await finishPull(db, pullId, 'failed', toChinaIso(now()), describe(err)).catch(() => undefined);
    throw logged(log, new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', `staging ${channel}/${dataset} failed: ${describe(err)}`, { ...details, pullId, cause: err }));
  }
}
