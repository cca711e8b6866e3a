// What the commands that act on the mirror share: the mirror opened (and migrated) for the
// command's length, and an audit entry written the way the gateway writes one.
import { loadDotEnv } from '../config/index.ts';
import { loadWorkingCalendar } from '../lib/working-calendar.ts';
import { databaseOptionsFromEnv, formatChinaIso, migrate, openDatabase, recordAudit } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { AuditEntry } from '../schemas/access.ts';

export async function withDb<T>(databaseUrl: string | undefined, fn: (db: Db) => Promise<T>): Promise<T> {
  loadDotEnv();
  const db = await openDatabase(databaseUrl ? { databaseUrl } : databaseOptionsFromEnv());
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The audit entry of a change made now, with its out-of-hours flag (article 9). */
export function auditEntryNow(actor: string, action: string, target: string, details: Record<string, unknown>): AuditEntry {
  const now = Date.now();
  return { at: formatChinaIso(now), actor, action, target, details, outOfHours: loadWorkingCalendar().isOutOfHours(now) };
}

export function audit(db: Db, actor: string, action: string, target: string, details: Record<string, unknown>): Promise<unknown> {
  return recordAudit(db, auditEntryNow(actor, action, target, details));
}

/**
 * The queues of REDIS_URL (LIFECERT_QUEUE_PREFIX), as `lifecert serve` uses them, for a command
 * that queues a job (an import, an adoption send); null when Redis does not answer.
 */
export async function withQueues<T>(db: Db, fn: (jobs: import('../jobs/index.ts').Jobs | null) => Promise<T>): Promise<T> {
  const { createJobs, DEFAULT_REDIS_URL } = await import('../jobs/index.ts');
  // queuing a job needs no source configuration: the workers hold theirs
  const jobs = createJobs({ db, redisUrl: process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL, config: { sources: {}, schedules: [], pullLimits: {} }, prefix: process.env.LIFECERT_QUEUE_PREFIX?.trim() || undefined, queueTimeoutMs: 5_000 });
  try {
    return await fn((await jobs.ping()) ? jobs : null);
  } finally {
    await jobs.close();
  }
}
