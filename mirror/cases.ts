// Suspect cases (疑点核查, workflow.md): one per person and period. Opening is idempotent on
// (period, person), so a re-run of the match never opens a second case for anyone.
import { createHash } from 'node:crypto';
import type { Case, CaseEvidence, EventKind, EvidenceRef } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { eventId } from './hashing.ts';
import { keysetRows } from './keyset.ts';

/** What opening a case needs; the rest (status OPEN, no closing time) is the store's. */
export type CaseToOpen = Pick<Case, 'caseId' | 'period' | 'personId' | 'areaCode' | 'reasons' | 'openedAt'> & { evidence: readonly EvidenceRef[] };

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
  const evidence = await caseEvidence(tx, cases);
  const col = <T>(f: (c: CaseToOpen, i: number) => T): T[] => cases.map(f);
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
      col((_c, i) => JSON.stringify(evidence[i])),
      col((c) => c.openedAt),
    ],
  );
  return res.rowCount;
}

/**
 * Each case's evidence as workflow.md wants it: the result's references, each with the event
 * behind it (id, kind, date, the fields the source sent) read from the record's current version
 * — the one the match just counted. One query for the whole shard.
 */
async function caseEvidence(tx: Queryable, cases: readonly CaseToOpen[]): Promise<CaseEvidence[][]> {
  const refs = cases.flatMap((c) => c.evidence);
  const key = (source: string, dataset: string, recordId: string) => `${source}\u0000${dataset}\u0000${recordId}`;
  const found = new Map<string, { kind: EventKind; date: string; raw: unknown }>();
  const source = refs.filter((r) => r.source !== 'hub');
  if (source.length > 0) {
    const { rows } = await tx.query<{ channel: string; dataset: string; record_id: string; kind: EventKind; date: string; raw: unknown }>(
      `SELECT s.channel, s.dataset, s.record_id, s.kind, s.date, s.raw
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(channel, dataset, record_id)
         JOIN source_records s ON s.channel = u.channel AND s.dataset = u.dataset AND s.record_id = u.record_id AND s.is_current`,
      [source.map((r) => r.source), source.map((r) => r.dataset), source.map((r) => r.recordId)],
    );
    for (const r of rows) found.set(key(r.channel, r.dataset, r.record_id), { kind: r.kind, date: r.date, raw: r.raw });
  }
  const hub = refs.filter((r) => r.source === 'hub');
  if (hub.length > 0) {
    const { rows } = await tx.query<{ dataset: string; record_id: string; kind: EventKind; date: string; detail: unknown; evidence: unknown }>(
      `SELECT dataset, record_id, kind, date, detail, evidence FROM hub_events WHERE (dataset, record_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [hub.map((r) => r.dataset), hub.map((r) => r.recordId)],
    );
    for (const r of rows) found.set(key('hub', r.dataset, r.record_id), { kind: r.kind, date: r.date, raw: { detail: r.detail, evidence: r.evidence } });
  }
  return cases.map((c) =>
    c.evidence.map((ref): CaseEvidence => {
      const f = found.get(key(ref.source, ref.dataset, ref.recordId));
      // civil versions are carried as {file, line, row}: the row is what the office sent
      const raw = f?.raw as { file?: unknown; line?: unknown; row?: unknown } | undefined;
      const fields = f === undefined ? null : ref.source === 'civil' && raw?.row !== undefined ? (raw.row as Record<string, unknown>) : (f.raw as Record<string, unknown>);
      return { ...ref, eventId: eventId(ref.source, ref.dataset, ref.recordId), kind: f?.kind, date: f?.date, fields };
    }),
  );
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
