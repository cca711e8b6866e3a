// The record of queued runs (007_runs.sql): the run row, one task row per job, and the run's
// view that joins them with its pulls. Every state change is a guarded UPDATE, so a job
// re-run after a crash, or a late job of a run that already failed, cannot move a finished
// run or task backwards.
import type { RunError, RunState, RunStatus, RunStep, RunSummary, StepProgress, DatasetProgress } from '../schemas/runs.ts';
import { RUN_STEPS } from '../schemas/runs.ts';
import type { Db, Queryable } from './db.ts';

export interface NewRun {
  runId: string;
  period: string;
  asOf: string;
  steps: readonly RunStep[];
  connectors: readonly string[] | null;
  requestedBy: string;
  /** ISO 8601 */
  createdAt: string;
}

export interface NewTask {
  step: RunStep;
  task: string;
}

/**
 * Records a new run and its first tasks in one transaction. Returns false (and changes
 * nothing) when a run with this id already exists: starting the same run twice is harmless.
 */
export async function createRun(db: Db, run: NewRun, tasks: readonly NewTask[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO runs (run_id, period, as_of, steps, connectors, requested_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO NOTHING`,
      [run.runId, run.period, run.asOf, [...run.steps], run.connectors === null ? null : [...run.connectors], run.requestedBy, run.createdAt],
    );
    if (inserted.rowCount === 0) return false;
    await insertTasks(tx, run.runId, tasks);
    return true;
  });
}

async function insertTasks(tx: Queryable, runId: string, tasks: readonly NewTask[]): Promise<void> {
  if (tasks.length === 0) return;
  await tx.query(
    `INSERT INTO run_tasks (run_id, step, task)
     SELECT $1, t.step, t.task FROM unnest($2::text[], $3::text[]) AS t (step, task)
     ON CONFLICT (run_id, step, task) DO NOTHING`,
    [runId, tasks.map((t) => t.step), tasks.map((t) => t.task)],
  );
}

/** The match planned its area shards: one task each, and the run learns how many. Idempotent. */
export async function planShards(db: Db, runId: string, areaCodes: readonly string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await insertTasks(tx, runId, areaCodes.map((task) => ({ step: 'match' as const, task })));
    await tx.query(`UPDATE runs SET shards_total = $2 WHERE run_id = $1`, [runId, areaCodes.length]);
  });
}

/** The run is RUNNING from its first job on. False when it is unknown or already finished. */
async function openRunIn(tx: Queryable, runId: string, at: string): Promise<boolean> {
  const run = await tx.query<{ state: RunState }>(`SELECT state FROM runs WHERE run_id = $1 FOR UPDATE`, [runId]);
  if (run.rows.length === 0 || run.rows[0].state === 'SUCCEEDED' || run.rows[0].state === 'FAILED') return false;
  if (run.rows[0].state === 'QUEUED') await tx.query(`UPDATE runs SET state = 'RUNNING', started_at = $2 WHERE run_id = $1`, [runId, at]);
  return true;
}

/** A job without a task row of its own (the match plan) starts: the run RUNNING; false when it is over. */
export async function openRun(db: Db, runId: string, at: string): Promise<boolean> {
  return db.transaction((tx) => openRunIn(tx, runId, at));
}

/**
 * A worker starts a job: the task is RUNNING with one more attempt, and the run RUNNING if it
 * was still QUEUED. Returns the task's attempts, or null when the run is unknown or already
 * finished (the job has nothing left to do).
 */
export async function startTask(db: Db, runId: string, step: RunStep, task: string, at: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    if (!(await openRunIn(tx, runId, at))) return null;
    const { rows } = await tx.query<{ attempts: number }>(
      `INSERT INTO run_tasks (run_id, step, task, state, attempts, started_at) VALUES ($1, $2, $3, 'RUNNING', 1, $4)
       ON CONFLICT (run_id, step, task) DO UPDATE
         SET state = 'RUNNING', attempts = run_tasks.attempts + 1, started_at = COALESCE(run_tasks.started_at, EXCLUDED.started_at),
             finished_at = NULL, error_code = NULL, error_message = NULL
       RETURNING attempts`,
      [runId, step, task, at],
    );
    return rows[0].attempts;
  });
}

/** A job that stopped without finishing (shutdown, lock busy) goes back to QUEUED. */
export async function requeueTask(db: Queryable, runId: string, step: RunStep, task: string): Promise<void> {
  await db.query(`UPDATE run_tasks SET state = 'QUEUED' WHERE run_id = $1 AND step = $2 AND task = $3 AND state = 'RUNNING'`, [runId, step, task]);
}

export async function finishTask(
  db: Queryable,
  runId: string,
  step: RunStep,
  task: string,
  outcome: { state: 'SUCCEEDED'; result?: unknown } | { state: 'FAILED'; error: RunError },
  at: string,
): Promise<void> {
  if (outcome.state === 'SUCCEEDED') {
    await db.query(
      `UPDATE run_tasks SET state = 'SUCCEEDED', finished_at = $4, result = $5::jsonb, error_code = NULL, error_message = NULL
        WHERE run_id = $1 AND step = $2 AND task = $3`,
      [runId, step, task, at, outcome.result === undefined ? null : JSON.stringify(outcome.result)],
    );
  } else {
    await db.query(
      `UPDATE run_tasks SET state = 'FAILED', finished_at = $4, error_code = $5, error_message = $6 WHERE run_id = $1 AND step = $2 AND task = $3`,
      [runId, step, task, at, outcome.error.code, outcome.error.message],
    );
  }
}

/** The closing job: the run SUCCEEDED with its summary. False when the run had already finished. */
export async function completeRun(db: Queryable, runId: string, summary: RunSummary | null, at: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE runs SET state = 'SUCCEEDED', finished_at = $2, summary = $3::jsonb, started_at = COALESCE(started_at, $2)
      WHERE run_id = $1 AND state IN ('QUEUED', 'RUNNING')`,
    [runId, at, summary === null ? null : JSON.stringify(summary)],
  );
  return res.rowCount > 0;
}

/** A job failed for the last time (or the flow could not be queued): the run FAILED. The first failure wins. */
export async function failRun(db: Queryable, runId: string, error: RunError, at: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE runs SET state = 'FAILED', finished_at = $2, error_code = $3, error_message = $4
      WHERE run_id = $1 AND state IN ('QUEUED', 'RUNNING')`,
    [runId, at, error.code, error.message],
  );
  return res.rowCount > 0;
}

/** The results of the run's match shards that finished (for the summary). */
export async function shardResults(db: Queryable, runId: string): Promise<unknown[]> {
  const { rows } = await db.query<{ result: unknown }>(
    `SELECT result FROM run_tasks WHERE run_id = $1 AND step = 'match' AND state = 'SUCCEEDED' ORDER BY task`,
    [runId],
  );
  return rows.map((r) => r.result);
}

interface RunRow {
  run_id: string;
  period: string;
  as_of: string;
  steps: RunStep[];
  connectors: string[] | null;
  state: RunState;
  requested_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error_code: string | null;
  error_message: string | null;
  shards_total: number | null;
  summary: RunSummary | null;
}

interface TaskRow {
  step: RunStep;
  task: string;
  state: RunState;
  attempts: number;
}

interface PullSumRow {
  channel: string;
  dataset: string;
  pulled: number;
  staged: number;
  rejected: number;
  skipped: number;
  pages: number;
}

const RUN_COLUMNS = `run_id, period, as_of, steps, connectors, state, requested_by, created_at, started_at, finished_at,
                     error_code, error_message, shards_total, summary`;

/** A run with per-step progress and per-dataset counts (the sum of its pulls), or null. */
export async function readRun(db: Queryable, runId: string): Promise<RunStatus | null> {
  const run = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`, [runId]);
  if (run.rows.length === 0) return null;
  const tasks = await db.query<TaskRow>(`SELECT step, task, state, attempts FROM run_tasks WHERE run_id = $1 ORDER BY step, task`, [runId]);
  // every attempt of a pull has its own pulls row; the run's count is their sum (jobs/ makes a
  // resumed attempt skip what an earlier attempt of the same run already counted)
  const pulls = await db.query<PullSumRow>(
    `SELECT channel, dataset, sum(pulled) AS pulled, sum(staged) AS staged, sum(rejected) AS rejected, sum(skipped) AS skipped, sum(pages) AS pages
       FROM pulls WHERE run_id = $1 GROUP BY channel, dataset`,
    [runId],
  );
  return toStatus(run.rows[0], tasks.rows, pulls.rows);
}

function toStatus(r: RunRow, tasks: TaskRow[], pulls: PullSumRow[]): RunStatus {
  const counts = new Map(pulls.map((p) => [`${p.channel}/${p.dataset}`, p]));
  const datasets: DatasetProgress[] = tasks
    .filter((t) => t.step === 'pull')
    .map((t) => {
      const slash = t.task.indexOf('/');
      const c = counts.get(t.task);
      return {
        channel: t.task.slice(0, slash),
        dataset: t.task.slice(slash + 1),
        state: t.state,
        attempts: t.attempts,
        pages: c?.pages ?? 0,
        pulled: c?.pulled ?? 0,
        staged: c?.staged ?? 0,
        rejected: c?.rejected ?? 0,
        skipped: c?.skipped ?? 0,
      };
    });
  const progress: Partial<Record<RunStep, StepProgress>> = {};
  const runsMatch = r.steps.includes('match') || r.steps.includes('publish');
  for (const step of RUN_STEPS) {
    // the feedback step is part of the closing job (publish): no task rows of its own
    if (step === 'feedback') continue;
    if (step === 'match' ? !runsMatch : !r.steps.includes(step)) continue;
    const own = tasks.filter((t) => t.step === step);
    const total = step === 'match' ? r.shards_total : own.length;
    progress[step] = stepProgress(own, total);
  }
  return {
    runId: r.run_id,
    period: r.period,
    asOf: r.as_of,
    steps: r.steps,
    connectors: r.connectors,
    state: r.state,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
    progress,
    datasets,
    summary: r.summary,
  };
}

function stepProgress(tasks: TaskRow[], total: number | null): StepProgress {
  const by = (s: RunState) => tasks.filter((t) => t.state === s).length;
  const p = { total, queued: by('QUEUED'), running: by('RUNNING'), succeeded: by('SUCCEEDED'), failed: by('FAILED') };
  let state: RunState;
  if (p.failed > 0) state = 'FAILED';
  else if (total !== null && p.succeeded === total) state = 'SUCCEEDED';
  else if (p.running > 0 || p.succeeded > 0) state = 'RUNNING';
  else state = 'QUEUED';
  return { state, ...p };
}

export interface ListRunsOptions {
  /** only runs in these states */
  states?: readonly RunState[];
  /** at most this many (default 50) */
  limit?: number;
  /** runs created before this one (a `nextCursor`): newest first, keyset-paged */
  before?: string;
}

/** Runs newest first, with their progress (for the dashboard and a run list). */
export async function listRuns(db: Queryable, options: ListRunsOptions = {}): Promise<RunStatus[]> {
  const limit = options.limit ?? 50;
  const params: unknown[] = [limit];
  const where: string[] = [];
  if (options.states && options.states.length > 0) {
    params.push([...options.states]);
    where.push(`state = ANY($${params.length}::text[])`);
  }
  if (options.before !== undefined) {
    params.push(options.before);
    where.push(`(created_at, run_id) < (SELECT created_at, run_id FROM runs WHERE run_id = $${params.length})`);
  }
  const { rows } = await db.query<{ run_id: string }>(
    `SELECT run_id FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, run_id DESC LIMIT $1`,
    params,
  );
  const out: RunStatus[] = [];
  for (const r of rows) {
    const status = await readRun(db, r.run_id);
    if (status) out.push(status);
  }
  return out;
}

export interface RunDuration {
  runId: string;
  state: 'SUCCEEDED' | 'FAILED';
  steps: RunStep[];
  /** ISO 8601 +08:00 */
  finishedAt: string;
  /** from created (queued) to finished */
  seconds: number;
  /** from the first job started to finished; null when no job ever started */
  runningSeconds: number | null;
}

/**
 * Finished runs, oldest first, finished after `finishedAfter` (exclusive) — so a metrics
 * collector can observe each run once into a histogram, remembering the last `finishedAt`.
 */
export async function runDurations(db: Queryable, options: { finishedAfter?: string; limit?: number } = {}): Promise<RunDuration[]> {
  const { rows } = await db.query<{
    run_id: string; state: 'SUCCEEDED' | 'FAILED'; steps: RunStep[]; finished_at: string; seconds: number; running_seconds: number | null;
  }>(
    `SELECT run_id, state, steps, finished_at,
            extract(epoch FROM finished_at - created_at)::float8 AS seconds,
            extract(epoch FROM finished_at - started_at)::float8 AS running_seconds
       FROM runs
      WHERE state IN ('SUCCEEDED', 'FAILED') AND ($1::timestamptz IS NULL OR finished_at > $1::timestamptz)
      ORDER BY finished_at, run_id LIMIT $2`,
    [options.finishedAfter ?? null, options.limit ?? 1000],
  );
  return rows.map((r) => ({ runId: r.run_id, state: r.state, steps: r.steps, finishedAt: r.finished_at, seconds: r.seconds, runningSeconds: r.running_seconds }));
}

/** How many runs are in each state (every state present, zeros included). */
export async function runStateCounts(db: Queryable): Promise<Record<RunState, number>> {
  const { rows } = await db.query<{ state: RunState; n: number }>(`SELECT state, count(*) AS n FROM runs GROUP BY state`);
  const out: Record<RunState, number> = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}
