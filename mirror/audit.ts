// The append-only audit log (workflow.md: every change is written to it). Each row carries the
// hash of the row before, so `lifecert audit verify` can name the first row that was changed,
// slipped in or taken out after the fact — a trigger already refuses UPDATE and DELETE, the
// chain catches whoever disabled it.
import type { AuditEntry, AuditRecord } from '../schemas/access.ts';
import type { Db, Queryable } from './db.ts';
import { formatChinaIso } from './db.ts';
import { MirrorError } from './errors.ts';
import { canonicalJson, sha256Hex } from './hashing.ts';
import { keysetRows } from './keyset.ts';

/** The `prevHash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

// any fixed number: serializes appends so that every row links to the one committed before it
const AUDIT_LOCK = 4_857_008;

/**
 * The row's hash: sha-256 of the previous hash and the canonical JSON of the entry. The
 * sequence number is left out on purpose: it orders rows, and a renumbering to slip a row in
 * must not hide which row was slipped in.
 */
export function auditHash(prevHash: string, entry: AuditEntry): string {
  const content = { at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, details: entry.details, outOfHours: entry.outOfHours };
  return sha256Hex(`${prevHash}\n${canonicalJson(content)}`);
}

/**
 * Appends one entry inside the caller's transaction (`db.transaction(tx => ...)`), so the
 * entry commits with the change it records or not at all. The advisory lock is held until
 * that transaction ends: concurrent appends queue instead of forking the chain.
 */
export async function appendAudit(tx: Queryable, input: AuditEntry): Promise<AuditRecord> {
  const ms = Date.parse(input.at);
  if (Number.isNaN(ms)) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `audit entry time is not ISO 8601: ${input.at}`);
  // the form the database gives back, so that the hash computed now is the hash verified later
  const entry: AuditEntry = { ...input, at: formatChinaIso(ms) };
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const { rows } = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const seq = rows.length === 0 ? 1 : rows[0].seq + 1;
  const prevHash = rows.length === 0 ? GENESIS_HASH : rows[0].hash;
  const hash = auditHash(prevHash, entry);
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor, action, target, details, out_of_hours, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
    [seq, entry.at, entry.actor, entry.action, entry.target, entry.details, entry.outOfHours, prevHash, hash],
  );
  return { ...entry, seq, prevHash, hash };
}

/** appendAudit in a transaction of its own, for a change that has no transaction to share. */
export function recordAudit(db: Db, entry: AuditEntry): Promise<AuditRecord> {
  return db.transaction((tx) => appendAudit(tx, entry));
}

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  out_of_hours: boolean;
  prev_hash: string;
  hash: string;
}

const AUDIT_COLUMNS = 'seq, at, actor, action, target, details, out_of_hours, prev_hash, hash';

function toRecord(r: AuditRow): AuditRecord {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, target: r.target, details: r.details, outOfHours: r.out_of_hours, prevHash: r.prev_hash, hash: r.hash };
}

export interface AuditPageQuery {
  /** entries at or after this instant (ISO 8601) */
  from?: string;
  /** entries before this instant (ISO 8601) */
  to?: string;
  /** entries after this sequence number (the page cursor) */
  afterSeq?: number;
  limit: number;
}

/** One page of the log in sequence order. */
export async function listAudit(db: Queryable, query: AuditPageQuery): Promise<AuditRecord[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log
      WHERE seq > $1 AND ($2::timestamptz IS NULL OR at >= $2::timestamptz) AND ($3::timestamptz IS NULL OR at < $3::timestamptz)
      ORDER BY seq LIMIT $4`,
    [query.afterSeq ?? 0, query.from ?? null, query.to ?? null, query.limit],
  );
  return rows.map(toRecord);
}

/** Every row in sequence order, in keyset pages. */
export async function* readAuditChain(db: Queryable, batchSize?: number): AsyncGenerator<AuditRecord> {
  const rows = keysetRows(
    0,
    batchSize,
    (after, limit) => db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit]),
    (r) => r.seq,
  );
  for await (const r of rows) yield toRecord(r);
}

export type AuditBreak =
  /** the row's content (or its stored hash) no longer gives its hash */
  | { kind: 'changed'; seq: number; detail: string }
  /** a row that the chain does not contain: the next row links past it */
  | { kind: 'inserted'; seq: number; detail: string }
  /** rows missing: `seq` is the first missing sequence number (or the row that follows the gap) */
  | { kind: 'removed'; seq: number; detail: string };

export interface AuditVerification {
  rows: number;
  /** the last row's sequence number and hash: record it elsewhere to catch a cut-off tail later */
  head: { seq: number; hash: string } | null;
  /** the first break found, or null when the chain is whole */
  firstBreak: AuditBreak | null;
}

/**
 * Walks the chain in sequence order and names the first break. A row whose own hash does not
 * match its content was changed; a row whose link does not match the row before was slipped
 * in (when the following row links past it), follows removed rows (when sequence numbers are
 * missing), or follows a row that was changed and re-hashed. Rows cut off at the end leave no
 * trace in the chain itself: compare `head` with one recorded before.
 */
export async function verifyAuditChain(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>): Promise<AuditVerification> {
  let count = 0;
  // the two rows before the current one
  let prev: AuditRecord | null = null;
  let prevPrev: AuditRecord | null = null;
  for await (const r of records) {
    count += 1;
    if (auditHash(r.prevHash, r) !== r.hash) {
      return { rows: count, head: null, firstBreak: { kind: 'changed', seq: r.seq, detail: `row ${r.seq} no longer matches its hash` } };
    }
    const expected = prev?.hash ?? GENESIS_HASH;
    if (r.prevHash !== expected) {
      const beforePrev = prevPrev?.hash ?? GENESIS_HASH;
      if (prev !== null && r.prevHash === beforePrev) {
        return { rows: count, head: null, firstBreak: { kind: 'inserted', seq: prev.seq, detail: `row ${prev.seq} is not in the chain: row ${r.seq} links to the row before it` } };
      }
      const firstExpected = prev === null ? 1 : prev.seq + 1;
      if (r.seq > firstExpected) {
        const missing = r.seq - firstExpected === 1 ? `row ${firstExpected}` : `rows ${firstExpected}–${r.seq - 1}`;
        return { rows: count, head: null, firstBreak: { kind: 'removed', seq: firstExpected, detail: `${missing} removed: row ${r.seq} links to a row that is gone` } };
      }
      if (prev === null) {
        return { rows: count, head: null, firstBreak: { kind: 'inserted', seq: r.seq, detail: `row ${r.seq} does not start the chain` } };
      }
      return {
        rows: count,
        head: null,
        firstBreak: { kind: 'changed', seq: prev.seq, detail: `row ${prev.seq} was changed and re-hashed (or a row after it removed and the rest renumbered): row ${r.seq} links to another hash` },
      };
    }
    prevPrev = prev;
    prev = r;
  }
  return { rows: count, head: prev ? { seq: prev.seq, hash: prev.hash } : null, firstBreak: null };
}
