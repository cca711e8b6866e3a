// What the queue suites share: a BullMQ prefix of its own per suite (parallel runs never see
// each other's queues) removed afterwards, a mirror with a world's roster, and waiting for a run
// to finish. Whether PostgreSQL and Redis answer is test/support/servers.ts's to say: call
// requirePostgres() and requireRedis() first in the suite.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dropPrefix as dropRedisPrefix } from '../../bench/queued-run.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { RunStatus } from '../../schemas/runs.ts';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { loadRoster } from '../../mirror/roster.ts';
import type { RosterEntry } from '../../schemas/types.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { testRedisUrl } from '../support/servers.ts';

export const REDIS_URL = testRedisUrl();

export function uniquePrefix(): string {
  return `lifecert-test-${randomBytes(5).toString('hex')}`;
}

/** Deletes every Redis key under `prefix` (the suite's queues, schedulers, stall counts). */
export async function dropPrefix(prefix: string): Promise<void> {
  await dropRedisPrefix(REDIS_URL, prefix);
}

export interface Mirror {
  scratch: ScratchPostgres;
  db: Db;
}

/** A fresh PostgreSQL mirror, migrated, holding `roster` (the provincial system's T+1 copy). */
export async function mirrorWithRoster(roster: readonly RosterEntry[], poolSize = 10): Promise<Mirror> {
  const scratch = await createScratchPostgres();
  const db = await openDatabase({ databaseUrl: scratch.url, poolSize });
  await migrate(db);
  await loadRoster(db, roster);
  return { scratch, db };
}

/** Polls until the run is SUCCEEDED or FAILED; fails the test after `timeoutMs`. */
export async function waitForRun(jobs: Pick<Jobs, 'getRun'>, runId: string, timeoutMs = 240_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: RunStatus | null = null;
  while (Date.now() < deadline) {
    last = await jobs.getRun(runId);
    if (last && (last.state === 'SUCCEEDED' || last.state === 'FAILED')) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`run ${runId} did not finish within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
}

/** Per-dataset counts of a run, keyed as counts.json and the generator key them. */
export function countsOf(run: RunStatus): Record<string, { pulled: number; staged: number; rejected: number; skipped: number }> {
  return Object.fromEntries(
    run.datasets.map((d) => [`${d.channel}/${d.dataset}`, { pulled: d.pulled, staged: d.staged, rejected: d.rejected, skipped: d.skipped }]),
  );
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
