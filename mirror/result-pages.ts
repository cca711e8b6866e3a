// Results for the API: one page of a period's results inside an area range, in (area code,
// person) order — the order of the results_by_area index, so a page of a county or a city is
// a range scan, not a sort of the province.
import type { Result } from '../schemas/types.ts';
import type { Queryable } from './db.ts';

export interface ResultPageQuery {
  period: string;
  /** inclusive 6-digit bounds of the area codes (a region prefix padded with 0s and 9s) */
  areaFrom: string;
  areaTo: string;
  decision?: Result['decision'];
  action?: Result['action'];
  /** the (area code, person id) of the last result of the previous page */
  after?: readonly [string, string];
  limit: number;
}

interface ResultRow {
  period: string; person_id: string; area_code: string; decision: Result['decision']; action: Result['action'];
  reasons: Result['reasons']; loss_date: string | null; certified_month: string | null; certified_until: string | null;
  risk_level: Result['riskLevel']; overpaid_months: number | null; overpaid_amount_fen: number | null; evidence: Result['evidence'];
}

export async function listResultPage(db: Queryable, q: ResultPageQuery): Promise<Result[]> {
  const [afterArea, afterPerson] = q.after ?? ['', ''];
  const { rows } = await db.query<ResultRow>(
    `SELECT period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until, risk_level,
            overpaid_months, overpaid_amount_fen, evidence
       FROM results
      WHERE period = $1 AND area_code BETWEEN $2 AND $3 AND (area_code, person_id) > ($4, $5)
        AND ($6::text IS NULL OR decision = $6) AND ($7::text IS NULL OR action = $7)
      ORDER BY area_code, person_id
      LIMIT $8`,
    [q.period, q.areaFrom, q.areaTo, afterArea, afterPerson, q.decision ?? null, q.action ?? null, q.limit],
  );
  return rows.map((r) => ({
    period: r.period, personId: r.person_id, areaCode: r.area_code, decision: r.decision, action: r.action, reasons: r.reasons,
    lossDate: r.loss_date, certifiedMonth: r.certified_month, certifiedUntil: r.certified_until, riskLevel: r.risk_level,
    overpaidMonths: r.overpaid_months, overpaidAmountFen: r.overpaid_amount_fen, evidence: r.evidence,
  }));
}
