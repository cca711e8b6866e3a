// The quarantine (normalization.md "Rejection"): one row per refused record version, the raw
// record untouched. Read in the order the versions were refused.
import type { Rejection, RejectionCode } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

interface RejectionRow {
  /** created_at exactly as stored (microseconds), the paging key: the ISO form keeps milliseconds only */
  created_key: string;
  rejection_id: number; channel: string; dataset: string; record_id: string; raw_hash: string; raw: unknown; field: string;
  reason_code: RejectionCode; message: string; person_id: string | null; created_at: string;
}

/** Every rejection, by creation time (then insertion), read in keyset pages. */
export async function* readRejections(db: Queryable, batchSize?: number): AsyncGenerator<Rejection> {
  // created_at is the page's receive time, taken before its transaction: connectors staging side
  // by side can insert out of that order, so the key is (created_at, rejection_id), not the id alone
  const rows = keysetRows(
    ['-infinity', 0] as [string, number],
    batchSize,
    ([createdAt, id], limit) =>
      db.query<RejectionRow>(
        `SELECT created_at::text AS created_key, rejection_id, channel, dataset, record_id, raw_hash, raw, field, reason_code, message, person_id, created_at
           FROM rejections WHERE (created_at, rejection_id) > ($1::timestamptz, $2) ORDER BY created_at, rejection_id LIMIT $3`,
        [createdAt, id, limit],
      ),
    (r): [string, number] => [r.created_key, r.rejection_id],
  );
  for await (const r of rows) yield toRejection(r);
}

function toRejection(r: Omit<RejectionRow, 'created_key'>): Rejection {
  return {
    raw: r.raw, source: r.channel, dataset: r.dataset, recordId: r.record_id, field: r.field, reasonCode: r.reason_code,
    message: r.message, personId: r.person_id, rawHash: r.raw_hash, createdAt: r.created_at,
  };
}

/**
 * The area a rejection `r` lies in, as `a.area` (workflow.md "Roles and scope"): the county of the
 * roster entry with its normalized identity number; without one, the area of its channel.
 */
export const REJECTION_AREA_JOIN = `LEFT JOIN t1_recipients t ON t.person_id = r.person_id
      CROSS JOIN LATERAL (
        SELECT COALESCE(t.area_code,
                        CASE WHEN r.channel ~ '^police-[0-9]{4}$' THEN substr(r.channel, 8)
                             WHEN r.channel = 'civil' THEN substring(r.record_id from '^HH_([0-9]{6})_') END,
                        '44') AS area) a`;

export interface RejectionPageQuery {
  channel?: string;
  dataset?: string;
  /** only rejections whose area starts with this region prefix */
  region: string;
  /** the rejection id of the last item of the previous page */
  afterId?: number;
  limit: number;
}

/** A rejection with its id and the area it lies in. */
export interface RejectionInArea extends Rejection {
  rejectionId: number;
  areaCode: string;
}

/**
 * One page of rejections inside a region, by rejection id (the API's list). The area of a
 * rejection (workflow.md "Roles and scope"): the county of the roster entry with its normalized
 * identity number; without one, the area of its channel — police-<city4> → <city4>, civil → the
 * file's area code (HH_<areaCode6>_<YYYYMMDD>.csv), others → 44.
 */
export async function listRejectionPage(db: Queryable, q: RejectionPageQuery): Promise<RejectionInArea[]> {
  const { rows } = await db.query<Omit<RejectionRow, 'created_key'> & { area: string }>(
    `SELECT r.rejection_id, r.channel, r.dataset, r.record_id, r.raw_hash, r.raw, r.field, r.reason_code, r.message, r.person_id,
            r.created_at, a.area
       FROM rejections r
       ${REJECTION_AREA_JOIN}
      WHERE r.rejection_id > $1 AND ($2::text IS NULL OR r.channel = $2) AND ($3::text IS NULL OR r.dataset = $3)
        AND starts_with(a.area, $4)
      ORDER BY r.rejection_id
      LIMIT $5`,
    [q.afterId ?? 0, q.channel ?? null, q.dataset ?? null, q.region, q.limit],
  );
  return rows.map((r) => ({ ...toRejection(r), rejectionId: r.rejection_id, areaCode: r.area }));
}

/** Up to `limit` rejections that have no REJECTED feedback item yet, oldest first, with their ids. */
export async function rejectionsWithoutFeedback(db: Queryable, limit: number): Promise<(Rejection & { rejectionId: number })[]> {
  const { rows } = await db.query<RejectionRow>(
    `SELECT rejection_id, channel, dataset, record_id, raw_hash, raw, field, reason_code, message, person_id, created_at
       FROM rejections WHERE NOT fed_back ORDER BY rejection_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...toRejection(r), rejectionId: Number(r.rejection_id) }));
}

/** Marks rejections as having their feedback item (call it in the transaction that stores the items). */
export async function markRejectionsFedBack(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await db.query(`UPDATE rejections SET fed_back = true WHERE rejection_id = ANY($1::bigint[])`, [ids]);
}
