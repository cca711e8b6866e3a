// One row per pull of one (channel, dataset) in a run: when, how far, how many, and why it
// stopped. Counts are written with every page (in the page's transaction), so the row is
// right even when the process dies half way.
import { storableTextOrNull } from './storable-text.ts';
import type { PullCounts } from '../schemas/types.ts';
import type { Queryable } from './db.ts';

export type PullStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

export interface PullRow extends PullCounts {
  pullId: number;
  runId: string;
  channel: string;
  dataset: string;
  asOf: string;
  status: PullStatus;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  withdrawn: number;
  error: string | null;
}

export interface OpenPullInput {
  runId: string;
  channel: string;
  dataset: string;
  asOf: string;
  /** ISO 8601 */
  startedAt: string;
}

export async function openPull(db: Queryable, input: OpenPullInput): Promise<number> {
  const { rows } = await db.query<{ pull_id: number }>(
    `INSERT INTO pulls (run_id, channel, dataset, as_of, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING pull_id`,
    [input.runId, input.channel, input.dataset, input.asOf, input.startedAt],
  );
  return rows[0].pull_id;
}

export interface PullProgress extends PullCounts {
  pages: number;
  withdrawn: number;
}

export async function recordPullProgress(tx: Queryable, pullId: number, progress: PullProgress): Promise<void> {
  await tx.query(
    `UPDATE pulls SET pages = $2, pulled = $3, staged = $4, rejected = $5, skipped = $6, withdrawn = $7 WHERE pull_id = $1`,
    [pullId, progress.pages, progress.pulled, progress.staged, progress.rejected, progress.skipped, progress.withdrawn],
  );
}

export async function finishPull(db: Queryable, pullId: number, status: Exclude<PullStatus, 'running'>, finishedAt: string, error: string | null = null): Promise<void> {
  await db.query(`UPDATE pulls SET status = $2, finished_at = $3, error = $4 WHERE pull_id = $1`, [pullId, status, finishedAt, storableTextOrNull(error)]);
}

interface PullDbRow {
  pull_id: number;
  run_id: string;
  channel: string;
  dataset: string;
  as_of: string;
  status: PullStatus;
  started_at: string;
  finished_at: string | null;
  pages: number;
  pulled: number;
  staged: number;
  rejected: number;
  skipped: number;
  withdrawn: number;
  error: string | null;
}

/** The pulls of a run (or, without a run id, the latest 100), newest first. */
export async function listPulls(db: Queryable, runId?: string): Promise<PullRow[]> {
  const { rows } = runId === undefined
    ? await db.query<PullDbRow>(`SELECT * FROM pulls ORDER BY pull_id DESC LIMIT 100`)
    : await db.query<PullDbRow>(`SELECT * FROM pulls WHERE run_id = $1 ORDER BY pull_id DESC`, [runId]);
  return rows.map((r) => ({
    pullId: r.pull_id,
    runId: r.run_id,
    channel: r.channel,
    dataset: r.dataset,
    asOf: r.as_of,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    pages: r.pages,
    pulled: r.pulled,
    staged: r.staged,
    rejected: r.rejected,
    skipped: r.skipped,
    withdrawn: r.withdrawn,
    error: r.error,
  }));
}

/**
 * Pulls of queued runs (runs table) of (channel, dataset) still marked running while the
 * caller holds that dataset's pull lock (pull-lock.ts) were left by a worker that died: mark
 * them aborted so the record shows what happened. Returns how many. A `lifecert run` pull takes
 * no lock, so its row is never touched here.
 */
export async function abandonRunningPulls(db: Queryable, channel: string, dataset: string, finishedAt: string): Promise<number> {
  const res = await db.query(
    `UPDATE pulls SET status = 'aborted', finished_at = $3, error = 'abandoned: the process running it stopped; a later pull resumed from the committed cursor'
      WHERE channel = $1 AND dataset = $2 AND status = 'running' AND run_id IN (SELECT run_id FROM runs)`,
    [channel, dataset, finishedAt],
  );
  return res.rowCount;
}

/**
 * The versions (record id, raw hash) that earlier pulls of the same run first staged for
 * (channel, dataset): what a resumed pull of that run has already counted.
 */
export async function versionsStagedByRun(db: Queryable, runId: string, channel: string, dataset: string): Promise<{ recordId: string; rawHash: string }[]> {
  const { rows } = await db.query<{ record_id: string; raw_hash: string }>(
    `SELECT s.record_id, s.raw_hash FROM source_records s JOIN pulls p ON p.pull_id = s.pull_id
      WHERE p.run_id = $1 AND p.channel = $2 AND p.dataset = $3 AND s.outcome <> 'withdrawn'`,
    [runId, channel, dataset],
  );
  return rows.map((r) => ({ recordId: r.record_id, rawHash: r.raw_hash }));
}
