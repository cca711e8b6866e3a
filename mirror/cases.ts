// Suspect cases (疑点核查, workflow.md): one per person and period. Opening is idempotent on
// (period, person), so a re-run of the match never opens a second case for anyone.
import { createHash } from 'node:crypto';
import type { Case } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

/** What opening a case needs; the rest (status OPEN, no closing time) is the store's. */
export type CaseToOpen = Pick<Case, 'caseId' | 'period' | 'personId' | 'areaCode' | 'reasons' | 'evidence' | 'openedAt'>;

/** A case id stable per (period, person): a re-run finds the same case. */
export function caseIdOf(period: string, personId: string): string {
  return `CASE-${period.replace('-', '')}-${createHash('sha256').update(`${period}\u0000${personId}`).digest('hex').slice(0, 12)}`;
}

/**
 * Opens the cases not open yet (call it in the transaction that publishes their results);
 * returns how many were opened.
 */
export async function openCases(tx: Queryable, cases: readonly CaseToOpen[]): Promise<number> {
  if (cases.length === 0) return 0;
  const col = <T>(f: (c: CaseToOpen) => T): T[] => cases.map(f);
  // unnest keeps the parameter count fixed whatever the shard's size
  const res = await tx.query(
    `INSERT INTO cases (case_id, period, person_id, area_code, reasons, evidence, opened_at)
     SELECT u.case_id, u.period, u.person_id, u.area_code, u.reasons::jsonb, u.evidence::jsonb, u.opened_at::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            AS u(case_id, period, person_id, area_code, reasons, evidence, opened_at)
     ON CONFLICT (period, person_id) DO NOTHING`,
    [
      col((c) => c.caseId),
      col((c) => c.period),
      col((c) => c.personId),
      col((c) => c.areaCode),
      col((c) => JSON.stringify(c.reasons)),
      col((c) => JSON.stringify(c.evidence)),
      col((c) => c.openedAt),
    ],
  );
  return res.rowCount;
}

interface CaseRow {
  case_id: string; period: string; person_id: string; area_code: string; reasons: Case['reasons']; evidence: Case['evidence'];
  status: Case['status']; opened_at: string; closed_at: string | null;
}

/** The cases of a period, in case id order, read in keyset pages. */
export async function* readCases(db: Queryable, period: string, batchSize?: number): AsyncGenerator<Case> {
  const rows = keysetRows(
    '',
    batchSize,
    (after, limit) =>
      db.query<CaseRow>(
        `SELECT case_id, period, person_id, area_code, reasons, evidence, status, opened_at, closed_at
           FROM cases WHERE period = $1 AND case_id > $2 ORDER BY case_id LIMIT $3`,
        [period, after, limit],
      ),
    (r) => r.case_id,
  );
  for await (const r of rows) {
    yield {
      caseId: r.case_id, period: r.period, personId: r.person_id, areaCode: r.area_code, reasons: r.reasons, evidence: r.evidence,
      status: r.status, openedAt: r.opened_at, closedAt: r.closed_at,
    };
  }
}
