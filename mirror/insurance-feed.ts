// The insurance feed (article 15): certification results as shared with the work-injury and
// unemployment insurance systems, in the order they were shared (016_insurance_feed.sql).
import type { Queryable } from './db.ts';

export interface SharedResult {
  /** the feed position */
  seq: number;
  period: string;
  personId: string;
  areaCode: string;
  decision: string;
  action: string;
  reasons: string[];
  lossDate: string | null;
  certifiedMonth: string | null;
  certifiedUntil: string | null;
  /** ISO 8601 +08:00 */
  sharedAt: string;
}

export async function insuranceFeedPage(db: Queryable, afterSeq: number, limit: number): Promise<SharedResult[]> {
  const { rows } = await db.query<{ seq: number; period: string; person_id: string; area_code: string; decision: string; action: string; reasons: string[]; loss_date: string | null; certified_month: string | null; certified_until: string | null; shared_at: string }>(
    `SELECT seq, period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until, shared_at
       FROM insurance_feed WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq), period: r.period, personId: r.person_id, areaCode: r.area_code, decision: r.decision, action: r.action, reasons: r.reasons,
    lossDate: r.loss_date, certifiedMonth: r.certified_month, certifiedUntil: r.certified_until, sharedAt: r.shared_at,
  }));
}

/** The position after the last shared result (0 when none). */
export async function insuranceFeedEnd(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ end: number | null }>(`SELECT max(seq) AS end FROM insurance_feed`);
  return Number(rows[0]?.end ?? 0);
}
