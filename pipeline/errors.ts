// Errors of the ingest pipeline, each with a stable `name` and `code`. A record-level problem
// never becomes one of these (it is a rejection or a skip); these are for a dataset whose pull
// could not go on, and for a run in which some datasets did not finish.
import type { PullCounts } from '../schemas/types.ts';

export type IngestErrorCode =
  /** a bad argument: unknown dataset, malformed as-of date */
  | 'INGEST_INPUT_INVALID'
  /** the connector, normalization or the database failed; pages before it stay committed */
  | 'INGEST_DATASET_FAILED'
  /** the caller's AbortSignal stopped the pull between pages */
  | 'INGEST_ABORTED'
  /** ingestAll: one or more datasets failed (the others finished) */
  | 'INGEST_RUN_FAILED';

export interface IngestErrorDetails {
  channel: string;
  dataset: string;
  /** the pulls row of this attempt, when one was opened */
  pullId: number | null;
  /** pages staged and committed (with their cursor) before the failure */
  pagesCommitted: number;
  /** what was counted up to the failure (committed pages only) */
  counts: PullCounts;
  cause?: unknown;
}

export class IngestError extends Error {
  override readonly name: string = 'IngestError';
  readonly code: IngestErrorCode;
  readonly channel: string;
  readonly dataset: string;
  readonly pullId: number | null;
  readonly pagesCommitted: number;
  readonly counts: PullCounts;

  constructor(code: IngestErrorCode, message: string, details: IngestErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.channel = details.channel;
    this.dataset = details.dataset;
    this.pullId = details.pullId;
    this.pagesCommitted = details.pagesCommitted;
    this.counts = details.counts;
  }
}

export class IngestAbortedError extends IngestError {
  override readonly name: string = 'IngestAbortedError';

  constructor(details: IngestErrorDetails) {
    super('INGEST_ABORTED', `${details.channel}/${details.dataset}: pull aborted after ${details.pagesCommitted} committed pages; the next pull resumes from the last committed cursor`, details);
  }
}

export class IngestRunError extends Error {
  override readonly name: string = 'IngestRunError';
  readonly code: IngestErrorCode = 'INGEST_RUN_FAILED';
  /** counts of the datasets that finished, keyed `<channel>/<dataset>` */
  readonly counts: Record<string, PullCounts>;
  readonly failures: IngestError[];

  constructor(counts: Record<string, PullCounts>, failures: IngestError[]) {
    super(
      `${failures.length} dataset(s) failed: ${failures.map((f) => `${f.channel}/${f.dataset} (${f.message})`).join('; ')}`,
      { cause: failures[0] },
    );
    this.counts = counts;
    this.failures = failures;
  }
}
