// One pull per (channel, dataset) at a time, across every worker on every machine: two pulls of
// one dataset would both start from the same committed cursor and count the same records twice.
// On PostgreSQL the lock is a transaction-level advisory lock held by one pooled connection
// for the whole pull: the server releases it when that connection ends, so a worker killed
// with SIGKILL never leaves it behind (a lock in Redis would need a lease that outlives the
// stalled-job interval). Embedded PGlite lives in one process (lock file), so an in-process
// set is the whole story there.
import type { Db } from './db.ts';

export type PullLockResult<T> = { acquired: true; value: T } | { acquired: false };

const heldInProcess = new Set<string>();

/**
 * Runs `fn` holding the pull lock of (channel, dataset), or returns `{acquired: false}` at once
 * when another pull holds it. `fn` must use `db` for its own work (not a transaction of ours).
 */
export async function withPullLock<T>(db: Db, channel: string, dataset: string, fn: () => Promise<T>): Promise<PullLockResult<T>> {
  const key = `${channel}/${dataset}`;
  if (db.kind === 'pglite') {
    if (heldInProcess.has(key)) return { acquired: false };
    heldInProcess.add(key);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      heldInProcess.delete(key);
    }
  }
  return db.transaction(async (tx) => {
    // a key space of its own: staging takes hashtext('lifecert.staging') for its page locks
    const { rows } = await tx.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('lifecert.pull'), hashtext($1)) AS got`, [key]);
    if (!rows[0].got) return { acquired: false } as const;
    return { acquired: true, value: await fn() } as const;
  });
}
