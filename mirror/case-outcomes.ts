// Closing suspect cases and recording on-site certifications (workflow.md 疑点核查): the case
// row, the hub event the outcome becomes, the source versions it found false and the CORRECTED
// items those make — written in one transaction, so a closed case always has its effects and an
// outcome refused (409) has none. Also the reads county staff work from: cases by county with
// their age, the month-end overdue list (当月清零).
import type { Case, CaseEvidence, CaseOutcome, FeedbackItem, HubEvent } from '../schemas/types.ts';
import type { Db, Queryable } from './db.ts';
import { saveFeedbackItems } from './feedback-items.ts';

interface CaseRow {
  case_id: string; period: string; person_id: string; area_code: string; reasons: Case['reasons']; evidence: CaseEvidence[];
  status: Case['status']; opened_at: string; closed_at: string | null; outcome: CaseOutcome | null; closed_by: string | null;
}

const CASE_COLUMNS = 'case_id, period, person_id, area_code, reasons, evidence, status, opened_at, closed_at, outcome, closed_by';

function toCase(r: CaseRow): Case {
  return {
    caseId: r.case_id, period: r.period, personId: r.person_id, areaCode: r.area_code, reasons: r.reasons, evidence: r.evidence,
    status: r.status, openedAt: r.opened_at, closedAt: r.closed_at, outcome: r.outcome, closedBy: r.closed_by,
  };
}

/** One case, or null. */
export async function findCase(db: Queryable, caseId: string): Promise<Case | null> {
  const { rows } = await db.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM cases WHERE case_id = $1`, [caseId]);
  return rows.length === 0 ? null : toCase(rows[0]);
}

export interface CasePageQuery {
  /** 6-digit area codes, inclusive: the caller's region (or the areaCode filter) */
  areaFrom: string;
  areaTo: string;
  period?: string;
  status?: Case['status'];
  /** only cases overdue at `now` (open past the end of the month they were opened in) */
  overdueOnly?: boolean;
  /** ISO 8601: the workflow clock the age and the overdue flag are taken at */
  now: string;
  /** the (area code, case id) of the last item of the previous page */
  after?: readonly [string, string];
  limit: number;
}

export interface CaseInList extends Case {
  /** whole days since opening, at `now` (China dates) */
  ageDays: number;
  /** open past the end of the month in which it was opened (当月清零) */
  overdue: boolean;
}

/** Cases in (area code, case id) order with their age and overdue flag. */
export async function listCasePage(db: Queryable, q: CasePageQuery): Promise<CaseInList[]> {
  const { rows } = await db.query<CaseRow & { age_days: number; overdue: boolean }>(
    `SELECT ${CASE_COLUMNS},
            ($5::timestamptz::date - opened_at::date) AS age_days,
            (status = 'OPEN' AND $5::timestamptz >= date_trunc('month', opened_at) + interval '1 month') AS overdue
       FROM cases
      WHERE area_code BETWEEN $1 AND $2
        AND ($3::text IS NULL OR period = $3)
        AND ($4::text IS NULL OR status = $4)
        AND (NOT $6::boolean OR (status = 'OPEN' AND $5::timestamptz >= date_trunc('month', opened_at) + interval '1 month'))
        AND ($7::text IS NULL OR (area_code, case_id) > ($7, $8))
      ORDER BY area_code, case_id LIMIT $9`,
    [q.areaFrom, q.areaTo, q.period ?? null, q.status ?? null, q.now, q.overdueOnly ?? false, q.after?.[0] ?? null, q.after?.[1] ?? '', q.limit],
  );
  return rows.map((r) => ({ ...toCase(r), ageDays: Number(r.age_days), overdue: r.overdue }));
}

/** A source version an outcome found false (falseEvents): it stops counting. */
export interface FalseVersion {
  channel: string;
  dataset: string;
  recordId: string;
  rawHash: string;
}

/** The current version of each named source record (channel, dataset, record id), as the mirror holds it now. */
export interface CurrentVersion extends FalseVersion {
  raw: unknown;
  outcome: string;
  arrivalSeq: number;
  eventId: string | null;
}

export async function currentVersions(db: Queryable, keys: readonly { channel: string; dataset: string; recordId: string }[]): Promise<CurrentVersion[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<{ channel: string; dataset: string; record_id: string; raw_hash: string; raw: unknown; outcome: string; arrival_seq: number; event_id: string | null }>(
    `SELECT s.channel, s.dataset, s.record_id, s.raw_hash, s.raw, s.outcome, s.arrival_seq, s.event_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS u(channel, dataset, record_id)
       JOIN source_records s ON s.channel = u.channel AND s.dataset = u.dataset AND s.record_id = u.record_id AND s.is_current`,
    [keys.map((k) => k.channel), keys.map((k) => k.dataset), keys.map((k) => k.recordId)],
  );
  return rows.map((r) => ({
    channel: r.channel, dataset: r.dataset, recordId: r.record_id, rawHash: r.raw_hash, raw: r.raw, outcome: r.outcome,
    arrivalSeq: Number(r.arrival_seq), eventId: r.event_id,
  }));
}

export interface CaseClosing {
  caseId: string;
  outcome: CaseOutcome;
  closedBy: string;
  /** ISO 8601 +08:00 */
  closedAt: string;
  event: HubEvent;
  falseVersions: readonly FalseVersion[];
  /** the CORRECTED items the false versions make */
  corrections: readonly FeedbackItem[];
}

/**
 * Closes an OPEN case with its effects, in one transaction. Returns false (nothing written)
 * when the case is not OPEN any more — a second outcome, or two at once: the conditional
 * UPDATE lets exactly one of them through.
 */
export async function closeCase(db: Db, closing: CaseClosing): Promise<boolean> {
  return db.transaction(async (tx) => {
    const res = await tx.query(
      `UPDATE cases SET status = 'CLOSED', closed_at = $2::timestamptz, outcome = $3::jsonb, closed_by = $4 WHERE case_id = $1 AND status = 'OPEN'`,
      [closing.caseId, closing.closedAt, JSON.stringify(closing.outcome), closing.closedBy],
    );
    if (res.rowCount === 0) return false;
    await insertHubEvent(tx, closing.event);
    for (const v of closing.falseVersions) {
      await tx.query(
        `UPDATE source_records SET found_false_by = $5 WHERE channel = $1 AND dataset = $2 AND record_id = $3 AND raw_hash = $4 AND found_false_by IS NULL`,
        [v.channel, v.dataset, v.recordId, v.rawHash, closing.caseId],
      );
    }
    await saveFeedbackItems(tx, closing.corrections);
    return true;
  });
}

/** Stores a hub event; an identical one already held (same dataset and record id) is kept. Returns whether it was new. */
export async function insertHubEvent(db: Queryable, e: HubEvent): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO hub_events (event_id, dataset, record_id, person_id, kind, date, end_date, detail, raw_hash, recorded_at, recorded_by, evidence)
     VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8::jsonb, $9, $10::timestamptz, $11, $12::jsonb)
     ON CONFLICT DO NOTHING`,
    [e.eventId, e.dataset, e.recordId, e.personId, e.kind, e.date, e.endDate ?? null, JSON.stringify(e.detail), e.rawHash, e.recordedAt, e.recordedBy, JSON.stringify(e.evidence)],
  );
  return res.rowCount > 0;
}

/** The hub events of one person, oldest first. */
export async function hubEventsOf(db: Queryable, personId: string): Promise<HubEvent[]> {
  const { rows } = await db.query<{ event_id: string; dataset: HubEvent['dataset']; record_id: string; person_id: string; kind: HubEvent['kind']; date: string; end_date: string | null; detail: Record<string, string>; raw_hash: string; recorded_at: string; recorded_by: string; evidence: string[] }>(
    `SELECT event_id, dataset, record_id, person_id, kind, date::text AS date, end_date::text AS end_date, detail, raw_hash, recorded_at, recorded_by, evidence
       FROM hub_events WHERE person_id = $1 ORDER BY arrival_seq`,
    [personId],
  );
  return rows.map((r) => ({
    eventId: r.event_id, dataset: r.dataset, recordId: r.record_id, personId: r.person_id, kind: r.kind, date: r.date,
    ...(r.end_date === null ? {} : { endDate: r.end_date }), detail: r.detail, rawHash: r.raw_hash, recordedAt: r.recorded_at,
    recordedBy: r.recorded_by, evidence: r.evidence,
  }));
}

/** The roster county of a person, or null when the roster does not hold them. */
export async function rosterAreaOf(db: Queryable, personId: string): Promise<string | null> {
  const { rows } = await db.query<{ area_code: string }>(`SELECT area_code FROM t1_recipients WHERE person_id = $1`, [personId]);
  return rows[0]?.area_code ?? null;
}

/** The county of a case, or null for an unknown case (region checks run before the 404). */
export async function caseAreaOf(db: Queryable, caseId: string): Promise<string | null> {
  const { rows } = await db.query<{ area_code: string }>(`SELECT area_code FROM cases WHERE case_id = $1`, [caseId]);
  return rows[0]?.area_code ?? null;
}
