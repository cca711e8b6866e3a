// Quarantined records for the API, each with the area it lies in (workflow.md "Roles and
// scope"): the county of the roster entry with its normalized identity number; without one,
// the area of its channel — police-<city4> → <city4>, civil → the file's area code
// (HH_<areaCode6>_<YYYYMMDD>.csv), others → 44.
import type { Queryable } from './db.ts';

export interface RejectionPageQuery {
  channel?: string;
  dataset?: string;
  /** only rejections whose area starts with this region prefix */
  region: string;
  /** the rejection id of the last item of the previous page */
  afterId?: number;
  limit: number;
}

export interface RejectionItem {
  rejectionId: number;
  channel: string;
  dataset: string;
  recordId: string;
  field: string;
  reasonCode: string;
  message: string;
  /** the normalized identity number when the identity check passed */
  personId: string | null;
  /** the area the rejection lies in */
  areaCode: string;
  /** the raw record untouched */
  raw: unknown;
  createdAt: string;
}

interface RejectionRow {
  rejection_id: number; channel: string; dataset: string; record_id: string; field: string; reason_code: string; message: string;
  person_id: string | null; area: string; raw: unknown; created_at: string;
}

export async function listRejectionPage(db: Queryable, q: RejectionPageQuery): Promise<RejectionItem[]> {
  const { rows } = await db.query<RejectionRow>(
    `SELECT r.rejection_id, r.channel, r.dataset, r.record_id, r.field, r.reason_code, r.message, r.person_id, a.area, r.raw, r.created_at
       FROM rejections r
       LEFT JOIN t1_recipients t ON t.person_id = r.person_id
      CROSS JOIN LATERAL (
        SELECT COALESCE(t.area_code,
                        CASE WHEN r.channel ~ '^police-[0-9]{4}$' THEN substr(r.channel, 8)
                             WHEN r.channel = 'civil' THEN substring(r.record_id from '^HH_([0-9]{6})_') END,
                        '44') AS area) a
      WHERE r.rejection_id > $1 AND ($2::text IS NULL OR r.channel = $2) AND ($3::text IS NULL OR r.dataset = $3)
        AND starts_with(a.area, $4)
      ORDER BY r.rejection_id
      LIMIT $5`,
    [q.afterId ?? 0, q.channel ?? null, q.dataset ?? null, q.region, q.limit],
  );
  return rows.map((r) => ({
    rejectionId: r.rejection_id, channel: r.channel, dataset: r.dataset, recordId: r.record_id, field: r.field, reasonCode: r.reason_code,
    message: r.message, personId: r.person_id, areaCode: r.area, raw: r.raw, createdAt: r.created_at,
  }));
}
