// Errors of the pipeline, each with a stable `name` and a registry code (lib/errors.ts). A
// record-level problem never becomes one of these (it is a rejection or a skip); these are for
// a dataset whose pull could not go on, a run in which some datasets did not finish, and
// requests the pipeline refuses before it starts.
import { LifecertError, errorCodeOf } from '../lib/errors.ts';
import type { CodeOf, ErrorCode } from '../lib/errors.ts';
import type { PullCounts } from '../schemas/types.ts';

export type IngestErrorCode = Exclude<CodeOf<'PIPELINE'>, 'LIFECERT_PIPELINE_RUN_FAILED'>;

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

export class IngestError extends LifecertError {
  override readonly name: string = 'IngestError';
  declare readonly code: IngestErrorCode;
  readonly channel: string;
  readonly dataset: string;
  readonly pullId: number | null;
  readonly pagesCommitted: number;
  readonly counts: PullCounts;
  /** the registry code of what made the pull fail (a connector's, the mirror's ...), if any */
  readonly causeCode: ErrorCode | null;

  constructor(code: IngestErrorCode, message: string, details: IngestErrorDetails) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.channel = details.channel;
    this.dataset = details.dataset;
    this.pullId = details.pullId;
    this.pagesCommitted = details.pagesCommitted;
    this.counts = details.counts;
    this.causeCode = errorCodeOf(details.cause);
  }
}

export class IngestAbortedError extends IngestError {
  override readonly name: string = 'IngestAbortedError';

  constructor(details: IngestErrorDetails) {
    super('LIFECERT_PIPELINE_ABORTED', `${details.channel}/${details.dataset}: pull aborted after ${details.pagesCommitted} committed pages; the next pull resumes from the last committed cursor`, details);
  }
}

export class IngestRunError extends LifecertError {
  override readonly name: string = 'IngestRunError';
  declare readonly code: 'LIFECERT_PIPELINE_RUN_FAILED';
  /** counts of the datasets that finished, keyed `<channel>/<dataset>` */
  readonly counts: Record<string, PullCounts>;
  readonly failures: IngestError[];

  constructor(counts: Record<string, PullCounts>, failures: IngestError[]) {
    super(
      'LIFECERT_PIPELINE_RUN_FAILED',
      `${failures.length} dataset(s) failed: ${failures.map((f) => `${f.channel}/${f.dataset} (${f.causeCode ?? f.code}: ${f.message})`).join('; ')}`,
      { cause: failures[0] },
    );
    this.counts = counts;
    this.failures = failures;
  }
}

/** An export asked for with a bad period, list or format. */
export class ExportError extends LifecertError {
  override readonly name: string = 'ExportError';
  declare readonly code: 'LIFECERT_EXPORT_INPUT_INVALID';

  constructor(message: string) {
    super('LIFECERT_EXPORT_INPUT_INVALID', message);
  }
}
