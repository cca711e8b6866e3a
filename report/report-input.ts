// What the report is made of: everything `lifecert demo` knows at the end of a run.
import type { SourceLabel } from '../schemas/source-label.ts';
import type { PullCounts, RejectionCode, ReasonCode, Result } from '../schemas/types.ts';
import type { ResultSummary } from './aggregate.ts';

/** The person behind a result, from the roster (only the name and county are shown, masked). */
export interface ReportPerson {
  name: string;
  areaCode: string;
}

/** personId → person; a Map built from the roster, or any lookup function. */
export type RosterLookup = ReadonlyMap<string, ReportPerson> | ((personId: string) => ReportPerson | undefined);

/** Where the world of the demo came from. */
export type WorldDescription =
  | { kind: 'generated'; persons: number; seed: string }
  | { kind: 'file'; file: string; persons: number };

/** One quarantined record (`GET /api/v1/rejections`), as normalization refused it. */
export interface ReportRejection {
  channel: string;
  dataset: string;
  recordId: string;
  /** the source's own field name */
  field: string;
  reasonCode: RejectionCode;
  message: string;
  /** the normalized identity number when identity checks passed, else null */
  personId: string | null;
  /** the identity number exactly as the source sent it ('' when absent) */
  rawPersonId: string;
}

/** One suspect case (疑点) opened by the run. */
export interface ReportCase {
  caseId: string;
  areaCode: string;
  personId: string;
  reasons: ReasonCode[];
  /** ISO 8601, China time (+08:00) */
  openedAt: string;
}

/** How long one connector took for one dataset. */
export interface ConnectorTiming {
  channel: string;
  dataset: string;
  seconds: number;
  pulled: number;
}

/** Feedback items of the run per channel: by kind, and by delivery state at the end of the run. */
export interface FeedbackSummary {
  byChannel: Record<string, { REJECTED: number; CORRECTED: number; states: Record<string, number> }>;
}

export interface ReportInput {
  /** the certified period, YYYY-MM */
  period: string;
  /** the data cut-off, YYYY-MM-DD; also the workflow clock of the demo (case overdue flags) */
  asOf: string;
  /** shown as given; the only value that is not derived from the run's data */
  generatedAt: string;
  world: WorldDescription;
  database: 'PGlite' | 'PostgreSQL';
  /** every result of the period (any iterable, walked once), or their sums from a ResultTally fed as they were read */
  results: Iterable<Result> | ResultSummary;
  roster: RosterLookup;
  /** areaCode → county name; the built-in Guangdong table fills the gaps */
  countyNames?: Readonly<Record<string, string>>;
  /** how each source's channels are named, in the order they are listed (the source registry's `labels()`) */
  sources: readonly SourceLabel[];
  /** `"<channel>/<dataset>"` → counts, as in counts.json */
  counts: Readonly<Record<string, PullCounts>>;
  rejections: Iterable<ReportRejection>;
  cases: Iterable<ReportCase>;
  timings: readonly ConnectorTiming[];
  feedback: FeedbackSummary;
}
