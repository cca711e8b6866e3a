// Import batches (article 9, workflow.md): a county's RECORD / RESTORE results of a period cut
// into consecutive chunks of at most 2,000 in personId order, approved at two levels by two
// users who did not create the batch, then imported into the provincial system. A person is in
// at most one live batch per period (a partial unique index), so a person is imported at most
// once per period whatever is retried; the import request carries the batch id, on which the
// provincial system is idempotent.
import { createError } from '../lib/errors.ts';
import type { AuditEntry } from '../schemas/access.ts';
import { appendAudit } from './audit.ts';
import type { Db, Queryable } from './db.ts';
import { formatChinaIso } from './db.ts';

/** More than this in one batch is refused, whoever asks (workflow.md). */
export const MAX_BATCH_SIZE = 2000;

export const BATCH_STATES = ['OPEN', 'APPROVED_L1', 'IMPORTING', 'IMPORTED', 'IMPORT_FAILED', 'STALE'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export interface BatchApproval {
  level: 1 | 2;
  /** the approver's user id */
  user: string;
  /** ISO 8601 +08:00 */
  at: string;
}

export interface ImportBatch {
  batchId: string;
  period: string;
  areaCode: string;
  /** the chunk's number within (period, county), from 1 */
  seq: number;
  state: BatchState;
  itemCount: number;
  firstPersonId: string;
  lastPersonId: string;
  createdBy: string;
  createdAt: string;
  approvals: BatchApproval[];
  importAttempts: number;
  importedCount: number | null;
  importedAt: string | null;
  lastError: string | null;
  staleAt: string | null;
  staleReason: string | null;
}

/** One person of a batch as the provincial import takes it (sources.md §6). */
export interface ImportItem {
  personId: string;
  action: 'RECORD' | 'RESTORE';
  certifiedMonth: string;
  certifiedUntil: string;
  /** the result's reason: DEFERRED, RELEASED or RECERTIFIED */
  basis: string;
}

interface BatchRow {
  batch_id: string;
  period: string;
  area_code: string;
  seq: number;
  state: BatchState;
  item_count: number;
  first_person_id: string;
  last_person_id: string;
  created_by: string;
  created_at: string;
  approved_l1_by: string | null;
  approved_l1_at: string | null;
  approved_l2_by: string | null;
  approved_l2_at: string | null;
  import_attempts: number;
  imported_count: number | null;
  imported_at: string | null;
  last_error: string | null;
  stale_at: string | null;
  stale_reason: string | null;
}

function toBatch(r: BatchRow): ImportBatch {
  const approvals: BatchApproval[] = [];
  if (r.approved_l1_by !== null && r.approved_l1_at !== null) approvals.push({ level: 1, user: r.approved_l1_by, at: r.approved_l1_at });
  if (r.approved_l2_by !== null && r.approved_l2_at !== null) approvals.push({ level: 2, user: r.approved_l2_by, at: r.approved_l2_at });
  return {
    batchId: r.batch_id, period: r.period, areaCode: r.area_code, seq: r.seq, state: r.state, itemCount: r.item_count,
    firstPersonId: r.first_person_id, lastPersonId: r.last_person_id, createdBy: r.created_by, createdAt: r.created_at, approvals,
    importAttempts: r.import_attempts, importedCount: r.imported_count, importedAt: r.imported_at, lastError: r.last_error,
    staleAt: r.stale_at, staleReason: r.stale_reason,
  };
}

/** `IMP-202611-440106-001`: stable per (period, county, chunk number). */
export function importBatchId(period: string, areaCode: string, seq: number): string {
  return `IMP-${period.replace('-', '')}-${areaCode}-${String(seq).padStart(3, '0')}`;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const COUNTY = /^44\d{4}$/;

export interface CutBatchesInput {
  period: string;
  /** a 6-digit county code */
  areaCode: string;
  /** the user who asks (`user:<id>` or `cli:<os user>`): the batches' creator */
  createdBy: string;
  /** ms */
  now: number;
  /** persons per batch (default and maximum 2,000) */
  size?: number;
  /** the audit entry of the cut, written in its transaction (when it created a batch) */
  audit?: (result: CutBatchesResult) => AuditEntry;
}

export interface CutBatchesResult {
  /** the county's live (not STALE) batches of the period, new ones included, in chunk order */
  batches: ImportBatch[];
  /** how many of them this request created */
  created: number;
}

/**
 * Cuts the county's RECORD / RESTORE results of the period that are in no live batch into
 * consecutive chunks of at most `size` in personId (byte) order, the last holding the rest. A
 * repeated request creates nothing and returns the existing batches. Results of a STALE
 * batch's persons are cut again.
 */
export async function cutImportBatches(db: Db, input: CutBatchesInput): Promise<CutBatchesResult> {
  const size = input.size ?? MAX_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw createError('LIFECERT_BATCH_INPUT_INVALID', `a batch size must be a whole number ≥ 1, got ${size}`);
  if (size > MAX_BATCH_SIZE) throw createError('LIFECERT_BATCH_TOO_LARGE', `a batch holds at most ${MAX_BATCH_SIZE} persons; ${size} was asked for`);
  if (!PERIOD.test(input.period)) throw createError('LIFECERT_BATCH_INPUT_INVALID', `period must be YYYY-MM, got ${JSON.stringify(input.period)}`);
  if (!COUNTY.test(input.areaCode)) throw createError('LIFECERT_BATCH_INPUT_INVALID', `areaCode must be a 6-digit Guangdong county code, got ${JSON.stringify(input.areaCode)}`);
  const at = formatChinaIso(input.now);
  return db.transaction(async (tx) => {
    // one cut per county and period at a time: two at once would cut the same persons twice
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('lifecert.batches'), hashtext($1))`, [`${input.period}/${input.areaCode}`]);
    const { rows } = await tx.query<{ person_id: string; action: 'RECORD' | 'RESTORE'; certified_month: string | null; certified_until: string | null; reasons: string[] }>(
      `SELECT r.person_id, r.action, r.certified_month, r.certified_until, r.reasons
         FROM results r
        WHERE r.period = $1 AND r.area_code = $2 AND r.action IN ('RECORD', 'RESTORE')
          AND NOT EXISTS (SELECT 1 FROM import_batch_items i WHERE i.period = r.period AND i.person_id = r.person_id AND i.active)
        ORDER BY r.person_id COLLATE "C"`,
      [input.period, input.areaCode],
    );
    const broken = rows.find((r) => r.certified_month === null || r.certified_until === null);
    if (broken) throw createError('LIFECERT_BATCH_INPUT_INVALID', `a ${broken.action} result of ${input.period} has no certifiedMonth / certifiedUntil: the results need a re-run before they can be imported`);
    const { rows: last } = await tx.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM import_batches WHERE period = $1 AND area_code = $2`, [input.period, input.areaCode]);
    let seq = last[0].seq ?? 0;
    let created = 0;
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      seq += 1;
      const batchId = importBatchId(input.period, input.areaCode, seq);
      await tx.query(
        `INSERT INTO import_batches (batch_id, period, area_code, seq, item_count, first_person_id, last_person_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [batchId, input.period, input.areaCode, seq, chunk.length, chunk[0].person_id, chunk[chunk.length - 1].person_id, input.createdBy, at],
      );
      await tx.query(
        `INSERT INTO import_batch_items (batch_id, period, person_id, action, certified_month, certified_until, reasons)
         SELECT $1, $2, u.person_id, u.action, u.certified_month, u.certified_until, u.reasons::jsonb
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(person_id, action, certified_month, certified_until, reasons)`,
        [
          batchId, input.period,
          chunk.map((r) => r.person_id), chunk.map((r) => r.action), chunk.map((r) => r.certified_month), chunk.map((r) => r.certified_until),
          chunk.map((r) => JSON.stringify(r.reasons)),
        ],
      );
      created += 1;
    }
    const { rows: live } = await tx.query<BatchRow>(
      `SELECT * FROM import_batches WHERE period = $1 AND area_code = $2 AND state <> 'STALE' ORDER BY seq`,
      [input.period, input.areaCode],
    );
    const result = { batches: live.map(toBatch), created };
    if (input.audit && created > 0) await appendAudit(tx, input.audit(result));
    return result;
  });
}

export async function readImportBatch(db: Queryable, batchId: string): Promise<ImportBatch | null> {
  const { rows } = await db.query<BatchRow>(`SELECT * FROM import_batches WHERE batch_id = $1`, [batchId]);
  return rows.length === 0 ? null : toBatch(rows[0]);
}

/** The county of a batch (the region check of an approval), or null for an unknown batch. */
export async function importBatchArea(db: Queryable, batchId: string): Promise<string | null> {
  const { rows } = await db.query<{ area_code: string }>(`SELECT area_code FROM import_batches WHERE batch_id = $1`, [batchId]);
  return rows.length === 0 ? null : rows[0].area_code;
}

export interface BatchPageQuery {
  /** an area-code prefix: the caller's region */
  region: string;
  period?: string;
  state?: BatchState;
  /** (period, area code, seq) of the last batch of the previous page */
  after?: readonly [string, string, number];
  limit: number;
}

/** Batches inside the region, by period, county and chunk number. */
export async function listImportBatchPage(db: Queryable, q: BatchPageQuery): Promise<ImportBatch[]> {
  const [p, a, s] = q.after ?? ['', '', 0];
  const { rows } = await db.query<BatchRow>(
    `SELECT * FROM import_batches
      WHERE starts_with(area_code, $1) AND ($2::text IS NULL OR period = $2) AND ($3::text IS NULL OR state = $3)
        AND (period, area_code, seq) > ($4, $5::text COLLATE "C", $6::int)
      ORDER BY period, area_code, seq
      LIMIT $7`,
    [q.region, q.period ?? null, q.state ?? null, p, a, s, q.limit],
  );
  return rows.map(toBatch);
}

export interface ApproveInput {
  batchId: string;
  level: 1 | 2;
  /** the approver's user id */
  userId: string;
  /** ms */
  now: number;
  /** the audit entry of the approval, written in its transaction */
  audit?: (batch: ImportBatch) => AuditEntry;
}

/**
 * Records an approval, checking (first failure wins) that the approver neither created nor
 * already approved the batch (LIFECERT_BATCH_APPROVER_FORBIDDEN, 403), then that the batch is
 * OPEN for level 1 or APPROVED_L1 for level 2 (LIFECERT_BATCH_STATE_CONFLICT, 409). The role
 * of the level and the region are the caller's to check before. The level-2 approval moves
 * the batch to IMPORTING: the caller starts the import.
 */
export async function approveImportBatch(db: Db, input: ApproveInput): Promise<ImportBatch> {
  const at = formatChinaIso(input.now);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<BatchRow>(`SELECT * FROM import_batches WHERE batch_id = $1 FOR UPDATE`, [input.batchId]);
    if (rows.length === 0) throw createError('LIFECERT_BATCH_NOT_FOUND', `no import batch ${input.batchId}`);
    const b = rows[0];
    if (b.created_by === `user:${input.userId}` || b.created_by === input.userId) {
      throw createError('LIFECERT_BATCH_APPROVER_FORBIDDEN', `${input.batchId} was created by this user, who may not approve it`);
    }
    if (b.approved_l1_by === input.userId || b.approved_l2_by === input.userId) {
      throw createError('LIFECERT_BATCH_APPROVER_FORBIDDEN', `this user already approved ${input.batchId}: the two approvals need two different users`);
    }
    const wanted: BatchState = input.level === 1 ? 'OPEN' : 'APPROVED_L1';
    if (b.state !== wanted) {
      throw createError('LIFECERT_BATCH_STATE_CONFLICT', `${input.batchId} is ${b.state}: a level-${input.level} approval needs it ${wanted}`);
    }
    const { rows: updated } = input.level === 1
      ? await tx.query<BatchRow>(`UPDATE import_batches SET state = 'APPROVED_L1', approved_l1_by = $2, approved_l1_at = $3 WHERE batch_id = $1 RETURNING *`, [input.batchId, input.userId, at])
      : await tx.query<BatchRow>(`UPDATE import_batches SET state = 'IMPORTING', approved_l2_by = $2, approved_l2_at = $3 WHERE batch_id = $1 RETURNING *`, [input.batchId, input.userId, at]);
    const batch = toBatch(updated[0]);
    if (input.audit) await appendAudit(tx, input.audit(batch));
    return batch;
  });
}

export interface ImportAttempt {
  batch: ImportBatch;
  items: ImportItem[];
}

/**
 * The start of one import attempt: the batch must be IMPORTING (IMPORT_FAILED is retried
 * through retryImportBatch). Returns null when it is IMPORTED already (a retry after success:
 * nothing to send). Counts the attempt.
 */
export async function beginImportAttempt(db: Db, batchId: string): Promise<ImportAttempt | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<BatchRow>(`SELECT * FROM import_batches WHERE batch_id = $1 FOR UPDATE`, [batchId]);
    if (rows.length === 0) throw createError('LIFECERT_BATCH_NOT_FOUND', `no import batch ${batchId}`);
    if (rows[0].state === 'IMPORTED') return null;
    if (rows[0].state !== 'IMPORTING') throw createError('LIFECERT_BATCH_STATE_CONFLICT', `${batchId} is ${rows[0].state}: only an IMPORTING batch is imported`);
    const { rows: counted } = await tx.query<BatchRow>(`UPDATE import_batches SET import_attempts = import_attempts + 1 WHERE batch_id = $1 RETURNING *`, [batchId]);
    const { rows: items } = await tx.query<{ person_id: string; action: 'RECORD' | 'RESTORE'; certified_month: string; certified_until: string; reasons: string[] }>(
      `SELECT person_id, action, certified_month, certified_until, reasons FROM import_batch_items WHERE batch_id = $1 AND active ORDER BY person_id COLLATE "C"`,
      [batchId],
    );
    return {
      batch: toBatch(counted[0]),
      items: items.map((i) => ({ personId: i.person_id, action: i.action, certifiedMonth: i.certified_month, certifiedUntil: i.certified_until, basis: i.reasons[0] })),
    };
  });
}

/** The provincial system answered 200: IMPORTED with its count. */
export async function markBatchImported(db: Queryable, batchId: string, importedCount: number, now: number): Promise<void> {
  await db.query(
    `UPDATE import_batches SET state = 'IMPORTED', imported_count = $2, imported_at = $3, last_error = NULL WHERE batch_id = $1 AND state = 'IMPORTING'`,
    [batchId, importedCount, formatChinaIso(now)],
  );
}

/** An attempt failed: the error is kept; `final` moves the batch to IMPORT_FAILED (retried later with the same id). */
export async function markImportAttemptFailed(db: Queryable, batchId: string, error: string, final: boolean): Promise<void> {
  await db.query(
    `UPDATE import_batches SET last_error = $2, state = CASE WHEN $3 THEN 'IMPORT_FAILED' ELSE state END WHERE batch_id = $1 AND state = 'IMPORTING'`,
    [batchId, error.slice(0, 2000), final],
  );
}

/** An IMPORT_FAILED batch goes back to IMPORTING, keeping its id: the caller starts the import again. */
export async function retryImportBatch(db: Db, batchId: string, audit?: (batch: ImportBatch) => AuditEntry): Promise<ImportBatch> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<BatchRow>(`SELECT * FROM import_batches WHERE batch_id = $1 FOR UPDATE`, [batchId]);
    if (rows.length === 0) throw createError('LIFECERT_BATCH_NOT_FOUND', `no import batch ${batchId}`);
    if (rows[0].state === 'IMPORTING') return toBatch(rows[0]);
    if (rows[0].state !== 'IMPORT_FAILED') throw createError('LIFECERT_BATCH_STATE_CONFLICT', `${batchId} is ${rows[0].state}: only an IMPORT_FAILED batch is retried`);
    const { rows: updated } = await tx.query<BatchRow>(`UPDATE import_batches SET state = 'IMPORTING' WHERE batch_id = $1 RETURNING *`, [batchId]);
    const batch = toBatch(updated[0]);
    if (audit) await appendAudit(tx, audit(batch));
    return batch;
  });
}

/**
 * Call in the transaction that publishes a shard's results: every OPEN or APPROVED_L1 batch of
 * the county and period one of whose persons' result the re-run removed, moved to another
 * county, or changed in action, certifiedMonth, certifiedUntil or reason becomes STALE, and its
 * persons are free to be cut again. Returns the batches made stale.
 */
export async function markStaleBatches(tx: Queryable, period: string, areaCode: string): Promise<string[]> {
  const { rows } = await tx.query<{ batch_id: string }>(
    `WITH changed AS (
       SELECT i.batch_id, bool_or(r.person_id IS NULL OR r.area_code <> b.area_code) AS removed
         FROM import_batches b
         JOIN import_batch_items i ON i.batch_id = b.batch_id AND i.active
         LEFT JOIN results r ON r.period = i.period AND r.person_id = i.person_id
        WHERE b.period = $1 AND b.area_code = $2 AND b.state IN ('OPEN', 'APPROVED_L1')
          AND (r.person_id IS NULL OR r.area_code <> b.area_code OR r.action <> i.action
               OR r.certified_month IS DISTINCT FROM i.certified_month OR r.certified_until IS DISTINCT FROM i.certified_until
               OR r.reasons <> i.reasons)
        GROUP BY i.batch_id
     )
     UPDATE import_batches b
        SET state = 'STALE', stale_at = now(),
            stale_reason = CASE WHEN c.removed THEN 'a re-run removed a result of the batch' ELSE 'a re-run changed a result of the batch' END
       FROM changed c
      WHERE b.batch_id = c.batch_id
      RETURNING b.batch_id`,
    [period, areaCode],
  );
  const ids = rows.map((r) => r.batch_id);
  if (ids.length > 0) await tx.query(`UPDATE import_batch_items SET active = false WHERE batch_id = ANY($1::text[])`, [ids]);
  return ids;
}

export interface BatchCounts {
  /** batches per state, inside the region */
  byState: Record<BatchState, number>;
}

/** Batches per state inside a region (the dashboard). */
export async function importBatchCounts(db: Queryable, region = '44', period?: string): Promise<BatchCounts> {
  const { rows } = await db.query<{ state: BatchState; n: number }>(
    `SELECT state, count(*)::int AS n FROM import_batches WHERE starts_with(area_code, $1) AND ($2::text IS NULL OR period = $2) GROUP BY state`,
    [region, period ?? null],
  );
  const byState = Object.fromEntries(BATCH_STATES.map((s) => [s, 0])) as Record<BatchState, number>;
  for (const r of rows) byState[r.state] = r.n;
  return { byState };
}
