// A run started through the queue (api.md `POST /api/v1/runs`, `GET /api/v1/runs/{runId}`):
// what is asked (run-request.schema.json) and what the mirror records about it. Shared by the
// mirror (runs table), jobs/ (the flow) and the gateway (the API). The two JSON Schemas are the
// API's request and response bodies (draft-07), checked against real runs by the jobs tests.
import fs from 'node:fs';
import path from 'node:path';
import type { Decision, PullCounts } from './types.ts';

const load = (file: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, file), 'utf8')) as Record<string, unknown>;
/** the body of `POST /api/v1/runs` (RunRequest without requestedBy) */
export const runRequestSchema = load('run-request.schema.json');
/** RunStatus, the body of `GET /api/v1/runs/{runId}` */
export const runStatusSchema = load('run-status.schema.json');

/**
 * api.md names pull, match, publish and feedback. The match publishes each shard in the
 * transaction that decides it, so `match` and `publish` both run the match; `publish` is also
 * the run's closing job. `feedback`, done by that closing job once everything before it has
 * succeeded, makes the REJECTED items of the rejections quarantined so far and queues the
 * delivery of every channel with PENDING items (the deliveries themselves run on after the run,
 * with their own backoff, up to 72 hours); it has no progress row of its own.
 */
export const RUN_STEPS = ['pull', 'match', 'publish', 'feedback'] as const;
export type RunStep = (typeof RUN_STEPS)[number];

/**
 * The steps of a run that names none: the month's work inside the hub. `feedback` sends data
 * out to the departments, so it is asked for (the workers' sweep delivers PENDING items anyway).
 */
export const DEFAULT_RUN_STEPS: readonly RunStep[] = ['pull', 'match', 'publish'];

export const RUN_STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** What `POST /api/v1/runs` and the schedules ask for. */
export interface RunRequest {
  /** the period certified, YYYY-MM */
  period: string;
  /** the data cut-off YYYY-MM-DD; default: today in China time when the run is started */
  asOf?: string;
  /** default: DEFAULT_RUN_STEPS (pull, match, publish); run in order whatever the order given */
  steps?: RunStep[];
  /** channels (`police-4401`) or sources (`police`: every configured city) to pull; default all */
  connectors?: string[];
  /** who asked: a user name, `schedule:<name>`, `cli` */
  requestedBy: string;
}

/** The match summary of a run (sums of its shards). */
export interface RunSummary {
  persons: number;
  decisions: Record<Decision, number>;
  casesOpened: number;
  reminders: number;
}

export interface RunError {
  code: string;
  message: string;
}

/** Progress of one step: its jobs by state (match: one per area shard). */
export interface StepProgress {
  state: RunState;
  /** jobs planned; null while the match has not yet planned its shards */
  total: number | null;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
}

/** One (channel, dataset) of a run: its pull job and the run's counts so far. */
export interface DatasetProgress extends PullCounts {
  channel: string;
  dataset: string;
  state: RunState;
  /** times a worker started this pull (more than 1 after a crash, a stall or a shutdown) */
  attempts: number;
  /** pages committed by every attempt */
  pages: number;
}

export interface RunStatus {
  runId: string;
  period: string;
  asOf: string;
  steps: RunStep[];
  /** null: every configured connector */
  connectors: string[] | null;
  state: RunState;
  requestedBy: string;
  /** ISO 8601 +08:00 */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: RunError | null;
  /** only the steps the run was asked for */
  progress: Partial<Record<RunStep, StepProgress>>;
  /** one entry per planned pull, in channel, dataset order */
  datasets: DatasetProgress[];
  /** null until the run closes after a match */
  summary: RunSummary | null;
}
