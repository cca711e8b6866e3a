// Match results in the T+1 mirror: one row per roster entry and period. A shard is published
// whole — its results replaced and its cases opened in one transaction — so a re-run of the
// same period replaces the shard's rows and a reader never sees half a shard.
import type { Result } from '../schemas/types.ts';
import type { Db, Queryable } from './db.ts';
import { markStaleBatches } from './batches.ts';
import { openCases } from './cases.ts';
import type { CaseToOpen } from './cases.ts';
import { keysetRows } from './keyset.ts';

export interface ShardToPublish {
  period: string;
  areaCode: string;
  runId: string;
  /** every result of the shard (the rows it had for the period before are replaced) */
  results: readonly Result[];
  /** the cases these results need (opened unless already open for that person and period) */
  cases: readonly CaseToOpen[];
}

const RESULT_COLUMNS = [
  'period', 'person_id', 'area_code', 'decision', 'action', 'reasons', 'loss_date', 'certified_month', 'certified_until', 'risk_level',
  'overpaid_months', 'overpaid_amount_fen', 'evidence', 'run_id',
] as const;

/**
 * Replaces a shard's results for the period and opens its cases; returns the cases opened. In
 * the same transaction, the county's OPEN / APPROVED_L1 import batches whose results the re-run
 * removed or changed become STALE (workflow.md "Import batches").
 */
export async function publishShard(db: Db, shard: ShardToPublish): Promise<number> {
  const { period, areaCode, runId } = shard;
  return db.transaction(async (tx) => {
    await tx.query(`DELETE FROM results WHERE period = $1 AND area_code = $2`, [period, areaCode]);
    await tx.copyInto(
      'results',
      RESULT_COLUMNS,
      shard.results.map((r) => [
        r.period, r.personId, r.areaCode, r.decision, r.action, JSON.stringify(r.reasons), r.lossDate, r.certifiedMonth, r.certifiedUntil,
        r.riskLevel, r.overpaidMonths, r.overpaidAmountFen, JSON.stringify(r.evidence), runId,
      ]),
    );
    await markStaleBatches(tx, period, areaCode);
    return openCases(tx, shard.cases);
  });
}

interface ResultRow {
  period: string; person_id: string; area_code: string; decision: Result['decision']; action: Result['action'];
  reasons: Result['reasons']; loss_date: string | null; certified_month: string | null; certified_until: string | null;
  risk_level: Result['riskLevel']; overpaid_months: number | null; overpaid_amount_fen: number | null; evidence: Result['evidence'];
}

/** The period's results, in personId order, read in keyset pages. */
export async function* readResults(db: Queryable, period: string, batchSize?: number): AsyncGenerator<Result> {
  const rows = keysetRows(
    '',
    batchSize,
    (after, limit) =>
      db.query<ResultRow>(
        `SELECT period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until, risk_level,
                overpaid_months, overpaid_amount_fen, evidence
           FROM results WHERE period = $1 AND person_id > $2 ORDER BY person_id LIMIT $3`,
        [period, after, limit],
      ),
    (r) => r.person_id,
  );
  for await (const r of rows) yield toResult(r);
}

function toResult(r: ResultRow): Result {
  return {
    period: r.period, personId: r.person_id, areaCode: r.area_code, decision: r.decision, action: r.action, reasons: r.reasons,
    lossDate: r.loss_date, certifiedMonth: r.certified_month, certifiedUntil: r.certified_until, riskLevel: r.risk_level,
    overpaidMonths: r.overpaid_months, overpaidAmountFen: r.overpaid_amount_fen, evidence: r.evidence,
  };
}

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

/**
 * One page of a period's results inside an area range, in (area code, person) order — the
 * order of the results_by_area index, so a page of a county or a city is a range scan, not a
 * sort of the province (the API's lists).
 */
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
  return rows.map(toResult);
}

/**
 * How many results the mirror holds for the period, or null when it has no results table
 * (never migrated): a reader can then say what to do instead of failing on SQL.
 */
export async function countResults(db: Queryable, period: string): Promise<number | null> {
  const table = await db.query<{ t: string | null }>(`SELECT to_regclass('results')::text AS t`);
  if (table.rows[0].t === null) return null;
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM results WHERE period = $1', [period]);
  return rows[0].n;
}
