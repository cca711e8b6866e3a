// The connector contract (Airbyte-style): spec / check / pull with per-dataset cursor state.
// A connector only talks to its source; normalization, staging and cursor commits are the
// pipeline's job (pipeline/ingest.ts), so a connector can be wrapped by a queue job or a
// Node-RED node unchanged.

import type { CursorState, VersionOrder } from '../../schemas/types.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import type { RetryHook } from './retry.ts';

/** One record as the source served it. */
export interface PulledRecord {
  /** the record id per sources.md (civil: `<file name>:<line number>`) */
  recordId: string;
  /** the raw record exactly as served: string fields; civil: a CivilRaw {file, line, row} */
  raw: unknown;
  /** the source's update time as ISO 8601 with +08:00 (`2026-11-20T09:12:45+08:00`); '' when unreadable */
  updatedAt: string;
  /**
   * civil only: the line held a row in an earlier delivery of this file and is now missing or
   * blank — the record is withdrawn (its event stops counting; history kept). Not counted as pulled.
   */
  withdrawn?: boolean;
  /**
   * sha-256 hex of the raw record's canonical JSON (lib/canonical-json.ts `rawHash`), when the
   * connector computed it already (the pagers do, to tell the versions they served apart): staging
   * takes it instead of hashing the record again. Left out, staging computes it.
   */
  rawHash?: string;
}

/** One page of a pull: what the pipeline stages in one transaction, together with `state`. */
export interface Page<S = CursorState> {
  records: PulledRecord[];
  /** the cursor state to commit once these records are durably staged */
  state: S;
  /** the response body as received (archived with its hash for provenance) */
  body: string | Uint8Array;
  /** a short description of the request (`GET /api/v1/datasets/death/records?...`) */
  request: string;
  /**
   * how these records' versions are ordered (default `update-time`); `delivery` (civil): each
   * record is its id's current version from now on, also when identical to an earlier one
   */
  versionOrder?: VersionOrder;
}

export type { CursorState };

export interface PullOptions {
  /** the run's data cut-off YYYY-MM-DD: records updated after the end of this China day are left out */
  asOf: string;
  /** aborting stops the pull between pages (the last committed cursor stays) */
  signal?: AbortSignal;
  /** page size to ask for (each source has its own maximum) */
  pageSize?: number;
  /** observe each retry of this pull (the pipeline logs it with source, dataset and code) */
  onRetry?: RetryHook;
}

/** `code` is a registry code (lib/errors.ts), so the dashboard can tell bad credentials from a source that is down. */
export type CheckResult = { ok: true } | { ok: false; error: string; code: ErrorCode };

export interface Connector<S extends CursorState = CursorState> {
  /** `ministry`, `bigdata`, `police-4401`, `civil`, `health` */
  readonly channel: string;
  /** the datasets this connector pulls (sources.md dataset names) */
  readonly datasets: readonly string[];
  /** JSON Schema of this connector's configuration; secrets carry `"secret": true` */
  spec(): object;
  /** reachability and credentials: resolves with a helpful failure, never throws */
  check(): Promise<CheckResult>;
  /**
   * Pages of one dataset, starting from `state` (null: the configured initial date).
   * Each yielded state must only move forward. Transient errors are retried inside; a
   * non-retryable or exhausted error throws a ConnectorError.
   */
  pull(dataset: string, state: S | null, options: PullOptions): AsyncIterable<Page<S>>;
}
