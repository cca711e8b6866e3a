// Adoption items (采纳情况反馈, workflow.md article 14): what the hub made of every ministry
// OVERSEAS record and every AUTH (channel 06), TRAVEL and MEDICAL record, to be told to the
// ministry with SubmitFeedback within 10 / 30 calendar days of first receipt.
//
// Derived from source_records after staging (one INSERT … SELECT over the versions a pull
// added), not inside stagePage: ingest stays exactly what it was, and the decision reads the
// roster, which a mirror may load after the pull. An item not yet in a batch is decided again
// whenever it is derived (a later version, a roster loaded later); once in a batch it is frozen.
import type { Queryable } from './db.ts';
import { formatChinaIso, quoteIdentifier } from './db.ts';
import { ROSTER_TABLE } from './roster.ts';

/** The ministry dataTypes adoption feedback covers (AUTH only for channel 06). */
export const ADOPTION_DATA_TYPES = ['OVERSEAS', 'AUTH', 'TRAVEL', 'MEDICAL'] as const;
export type AdoptionDataType = (typeof ADOPTION_DATA_TYPES)[number];

/** Calendar days from the China date of first receipt to the deadline (sources.md §1). */
export const ADOPTION_DEADLINE_DAYS: Readonly<Record<AdoptionDataType, number>> = { OVERSEAS: 10, AUTH: 30, TRAVEL: 30, MEDICAL: 30 };

/** Items due within this many days (today included) are listed as `due` (workflow.md). */
export const ADOPTION_DUE_WITHIN_DAYS = 2;

export type AdoptionState = 'PENDING' | 'SENDING' | 'SENT';
export type AdoptionReason = 'REJECTED' | 'RESULT_FAIL' | 'NOT_ON_ROSTER';

export interface AdoptionItem {
  dataType: AdoptionDataType;
  recordId: string;
  /** ISO 8601 +08:00 */
  firstReceivedAt: string;
  /** YYYY-MM-DD, China date */
  receivedOn: string;
  /** YYYY-MM-DD: the last day the feedback is in time */
  dueOn: string;
  adopted: boolean;
  reasonCode: AdoptionReason | null;
  reasonMsg: string | null;
  personId: string | null;
  areaCode: string;
  state: AdoptionState;
  batchId: string | null;
  sentAt: string | null;
}

export type AdoptionScope =
  /** the records whose versions one pull added */
  | { pullId: number }
  /** the items not yet in a batch (decided again: a later roster, a later version) */
  | { pending: true }
  /** every qualifying record the mirror holds (a catch-up) */
  | { all: true };

export interface DeriveAdoptionOptions {
  /** the wall clock of the decision (ms) */
  now: number;
  /** the roster table or view (default t1_recipients) */
  rosterTable?: string;
}

const WHITESPACE = ` \t\r\n\u3000`;

/**
 * Creates the adoption items of the records in `scope` and decides again those not yet in a
 * batch; returns how many items were written (created or re-decided).
 */
export async function deriveAdoptionItems(db: Queryable, scope: AdoptionScope, options: DeriveAdoptionOptions): Promise<number> {
  const roster = quoteIdentifier(options.rosterTable ?? ROSTER_TABLE);
  let touched: string;
  const params: unknown[] = [formatChinaIso(options.now), ADOPTION_DATA_TYPES, WHITESPACE];
  if ('pullId' in scope) {
    // the pull's own versions through the pull index alone: with the statistics of a table the
    // month is still filling, the planner also read the ministry's whole range of the version key
    // and AND-ed the two bitmaps (8 s for a 45,000-record pull at 300,000 persons, and growing
    // with the table); behind OFFSET 0 the pull's subquery has that one plan whatever the statistics say
    touched = `SELECT DISTINCT p.dataset, p.record_id
                 FROM (SELECT channel, dataset, record_id FROM source_records WHERE pull_id = $4 OFFSET 0) AS p
                WHERE p.channel = 'ministry' AND p.dataset = ANY($2::text[])`;
    params.push(scope.pullId);
  } else if ('pending' in scope) {
    touched = `SELECT data_type AS dataset, record_id FROM adoption_items WHERE state = 'PENDING'`;
  } else {
    touched = `SELECT dataset, record_id FROM source_records WHERE is_current AND channel = 'ministry' AND dataset = ANY($2::text[])`;
  }
  const { rowCount } = await db.query(
    `WITH touched AS (${touched}),
     cur AS (
       SELECT s.dataset, s.record_id, s.outcome, s.reason_code, s.person_id, f.first_at
         FROM touched t
         -- one pass over the record's versions (one descent of the version key) gives both the first
         -- receipt and which version is current; the current one is then read by its arrival number
         -- (the primary key). A lateral join, not scalar subqueries in the select list: first_at is
         -- used three times below, and an inlined subquery was evaluated for each use.
         CROSS JOIN LATERAL (SELECT min(v.received_at) AS first_at, max(v.arrival_seq) FILTER (WHERE v.is_current) AS current_seq
                               FROM source_records v
                              WHERE v.channel = 'ministry' AND v.dataset = t.dataset AND v.record_id = t.record_id) f
         -- behind OFFSET 0 the primary-key probe is the only plan, whatever the statistics of a table
         -- the month is still filling say (a hash join would read all of source_records)
         CROSS JOIN LATERAL (SELECT c.dataset, c.record_id, c.outcome, c.reason_code, c.person_id, c.detail, c.raw
                               FROM source_records c WHERE c.arrival_seq = f.current_seq OFFSET 0) s
        WHERE s.record_id <> '' AND s.outcome IN ('staged', 'rejected', 'skipped') AND s.dataset = ANY($2::text[])
          -- AUTH only for remote assisted certification (channel 06): the staged event's signal,
          -- or the channel as sent (trimmed) when the record was rejected or skipped. That channel
          -- is read from the raw record's text, not with ->>: the raw record is kept as the source sent
          -- it, and a U+0000 or a lone surrogate anywhere in it makes PostgreSQL's json operators throw
          AND (s.dataset <> 'AUTH'
               OR (s.outcome = 'staged' AND s.detail->>'signal' = 'REMOTE_ASSIST')
               OR (s.outcome <> 'staged'
                   AND btrim(substring(s.raw::text from '"channel":"((?:[^"\\\\]|\\\\.)*)"'), $3) = '06'))
     ),
     decided AS (
       SELECT c.dataset, c.record_id, c.first_at, c.person_id, r.area_code AS roster_area,
              CASE WHEN c.outcome = 'staged' AND r.person_id IS NOT NULL THEN NULL
                   WHEN c.outcome = 'staged' THEN 'NOT_ON_ROSTER'
                   WHEN c.outcome = 'rejected' THEN 'REJECTED'
                   ELSE c.reason_code END AS reason_code,
              CASE WHEN c.outcome = 'rejected' THEN c.reason_code END AS reason_msg
         FROM cur c
         LEFT JOIN ${roster} r ON r.person_id = c.person_id
     )
     INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, reason_msg,
                                 person_id, area_code, decided_at)
     SELECT d.dataset, d.record_id, d.first_at, (d.first_at AT TIME ZONE 'Asia/Shanghai')::date,
            (d.first_at AT TIME ZONE 'Asia/Shanghai')::date + CASE WHEN d.dataset = 'OVERSEAS' THEN 10 ELSE 30 END,
            d.reason_code IS NULL, d.reason_code, d.reason_msg, d.person_id, coalesce(d.roster_area, '44'), $1::timestamptz
       FROM decided d
     ON CONFLICT (data_type, record_id) DO UPDATE
        SET adopted = EXCLUDED.adopted, reason_code = EXCLUDED.reason_code, reason_msg = EXCLUDED.reason_msg,
            person_id = EXCLUDED.person_id, area_code = EXCLUDED.area_code, decided_at = EXCLUDED.decided_at
      WHERE adoption_items.state = 'PENDING'
        AND (adoption_items.adopted, adoption_items.reason_code, adoption_items.reason_msg, adoption_items.person_id, adoption_items.area_code)
            IS DISTINCT FROM (EXCLUDED.adopted, EXCLUDED.reason_code, EXCLUDED.reason_msg, EXCLUDED.person_id, EXCLUDED.area_code)`,
    params,
  );
  return rowCount;
}

interface ItemRow {
  data_type: AdoptionDataType;
  record_id: string;
  first_received_at: string;
  received_on: string;
  due_on: string;
  adopted: boolean;
  reason_code: AdoptionReason | null;
  reason_msg: string | null;
  person_id: string | null;
  area_code: string;
  state: AdoptionState;
  batch_id: string | null;
  sent_at: string | null;
}

const ITEM_COLUMNS = `data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, reason_msg, person_id, area_code, state, batch_id, sent_at`;

function toItem(r: ItemRow): AdoptionItem {
  return {
    dataType: r.data_type, recordId: r.record_id, firstReceivedAt: r.first_received_at, receivedOn: r.received_on, dueOn: r.due_on,
    adopted: r.adopted, reasonCode: r.reason_code, reasonMsg: r.reason_msg, personId: r.person_id, areaCode: r.area_code,
    state: r.state, batchId: r.batch_id, sentAt: r.sent_at,
  };
}

export type AdoptionStatus = 'due' | 'overdue';

export interface AdoptionPageQuery {
  status: AdoptionStatus;
  /** the China date the list is for (YYYY-MM-DD) */
  today: string;
  /** inclusive 6-digit bounds of the area codes; `44` items (no roster entry) only for region 44 */
  region: string;
  /** (due date, data type, record id) of the last item of the previous page */
  after?: readonly [string, string, string];
  limit: number;
}

/**
 * Items not yet sent that are due within 2 days (today ≤ due date ≤ today + 2) or overdue
 * (due date before today), inside the region, by due date.
 */
export async function listAdoptionPage(db: Queryable, q: AdoptionPageQuery): Promise<AdoptionItem[]> {
  const [afterDue, afterType, afterId] = q.after ?? ['0001-01-01', '', ''];
  const window = q.status === 'overdue' ? `due_on < $1::date` : `due_on BETWEEN $1::date AND $1::date + ${ADOPTION_DUE_WITHIN_DAYS}`;
  const { rows } = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM adoption_items
      WHERE state <> 'SENT' AND ${window} AND starts_with(area_code, $2)
        AND (due_on, data_type, record_id) > ($3::date, $4, $5::text COLLATE "C")
      ORDER BY due_on, data_type, record_id
      LIMIT $6`,
    [q.today, q.region, afterDue, afterType, afterId, q.limit],
  );
  return rows.map(toItem);
}

/** Every item of one record type, or all (tests, the CLI). */
export async function readAdoptionItems(db: Queryable, options: { dataType?: AdoptionDataType } = {}): Promise<AdoptionItem[]> {
  const { rows } = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM adoption_items WHERE $1::text IS NULL OR data_type = $1 ORDER BY data_type, record_id`,
    [options.dataType ?? null],
  );
  return rows.map(toItem);
}

export interface AdoptionCounts {
  /** not sent, due within 2 days */
  due: number;
  /** not sent, past the due date */
  overdue: number;
  /** not sent at all (due later included) */
  open: number;
  sent: number;
}

/**
 * The dashboard's and /metrics' reading: adoption items due within 2 days and overdue on
 * `today` (a China date), per region prefix when given.
 */
export async function adoptionCounts(db: Queryable, today: string, region = '44'): Promise<AdoptionCounts> {
  const { rows } = await db.query<AdoptionCounts>(
    `SELECT count(*) FILTER (WHERE state <> 'SENT' AND due_on BETWEEN $1::date AND $1::date + ${ADOPTION_DUE_WITHIN_DAYS})::int AS due,
            count(*) FILTER (WHERE state <> 'SENT' AND due_on < $1::date)::int AS overdue,
            count(*) FILTER (WHERE state <> 'SENT')::int AS open,
            count(*) FILTER (WHERE state = 'SENT')::int AS sent
       FROM adoption_items WHERE starts_with(area_code, $2)`,
    [today, region],
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------
// batches of SubmitFeedback

export interface AdoptionBatch {
  batchId: string;
  /** YYYYMMDD */
  feedbackDate: string;
  itemCount: number;
  createdAt: string;
  state: 'SENDING' | 'SENT';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

/** One item as SubmitFeedback carries it (sources.md §1). */
export interface AdoptionWireItem {
  recordId: string;
  dataType: AdoptionDataType;
  adopted: '1' | '0';
  reasonCode?: string;
  reasonMsg?: string;
  /** YYYYMMDD */
  feedbackDate: string;
}

interface BatchRow {
  batch_id: string;
  feedback_date: string;
  item_count: number;
  created_at: string;
  state: 'SENDING' | 'SENT';
  attempts: number;
  last_error: string | null;
  sent_at: string | null;
}

function toBatch(r: BatchRow): AdoptionBatch {
  return { batchId: r.batch_id, feedbackDate: r.feedback_date, itemCount: r.item_count, createdAt: r.created_at, state: r.state, attempts: r.attempts, lastError: r.last_error, sentAt: r.sent_at };
}

export interface CutAdoptionOptions {
  /** ms: the batches' creation time; its China date is their feedbackDate */
  now: number;
  /** items per SubmitFeedback request */
  maxItems: number;
  /** a new batch id (unique) */
  newBatchId: (n: number) => string;
}

/**
 * Puts every PENDING item into batches of at most `maxItems` (most urgent first), in one
 * transaction; returns the new batches. Items already in a batch keep it.
 */
export async function cutAdoptionBatches(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, options: CutAdoptionOptions): Promise<AdoptionBatch[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('lifecert.adoption'))`);
    const { rows } = await tx.query<{ data_type: string; record_id: string }>(
      `SELECT data_type, record_id FROM adoption_items WHERE state = 'PENDING' ORDER BY due_on, data_type, record_id`,
    );
    const at = formatChinaIso(options.now);
    const feedbackDate = at.slice(0, 10).replaceAll('-', '');
    const batches: AdoptionBatch[] = [];
    for (let i = 0; i < rows.length; i += options.maxItems) {
      const chunk = rows.slice(i, i + options.maxItems);
      const batchId = options.newBatchId(batches.length);
      await tx.query(`INSERT INTO adoption_batches (batch_id, feedback_date, item_count, created_at) VALUES ($1, $2, $3, $4)`, [batchId, feedbackDate, chunk.length, at]);
      await tx.query(
        `UPDATE adoption_items a SET state = 'SENDING', batch_id = $1
           FROM unnest($2::text[], $3::text[]) AS u(data_type, record_id)
          WHERE a.data_type = u.data_type AND a.record_id = u.record_id COLLATE "C" AND a.state = 'PENDING'`,
        [batchId, chunk.map((r) => r.data_type), chunk.map((r) => r.record_id)],
      );
      batches.push({ batchId, feedbackDate, itemCount: chunk.length, createdAt: at, state: 'SENDING', attempts: 0, lastError: null, sentAt: null });
    }
    return batches;
  });
}

/** Batches cut but not yet accepted, oldest first: what a send (or its retry) sends. */
export async function unsentAdoptionBatches(db: Queryable): Promise<AdoptionBatch[]> {
  const { rows } = await db.query<BatchRow>(`SELECT * FROM adoption_batches WHERE state = 'SENDING' ORDER BY seq`);
  return rows.map(toBatch);
}

export async function readAdoptionBatches(db: Queryable): Promise<AdoptionBatch[]> {
  const { rows } = await db.query<BatchRow>(`SELECT * FROM adoption_batches ORDER BY seq`);
  return rows.map(toBatch);
}

/** A batch's items as SubmitFeedback carries them, with the batch's own feedback date. */
export async function adoptionBatchItems(db: Queryable, batch: Pick<AdoptionBatch, 'batchId' | 'feedbackDate'>): Promise<AdoptionWireItem[]> {
  const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM adoption_items WHERE batch_id = $1 ORDER BY data_type, record_id`, [batch.batchId]);
  return rows.map((r) => ({
    recordId: r.record_id,
    dataType: r.data_type,
    adopted: r.adopted ? '1' : '0',
    ...(r.reason_code === null ? {} : { reasonCode: r.reason_code }),
    ...(r.reason_msg === null ? {} : { reasonMsg: r.reason_msg }),
    feedbackDate: batch.feedbackDate,
  }));
}

/** The ministry accepted the whole batch. */
export async function markAdoptionBatchSent(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, batchId: string, now: number): Promise<void> {
  const at = formatChinaIso(now);
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE adoption_batches SET state = 'SENT', sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE batch_id = $1 AND state = 'SENDING'`, [batchId, at]);
    await tx.query(`UPDATE adoption_items SET state = 'SENT', sent_at = $2 WHERE batch_id = $1 AND state = 'SENDING'`, [batchId, at]);
  });
}

/** A send of the batch failed; it stays SENDING and keeps its id for the retry. */
export async function recordAdoptionAttemptFailed(db: Queryable, batchId: string, error: string): Promise<void> {
  await db.query(`UPDATE adoption_batches SET attempts = attempts + 1, last_error = $2 WHERE batch_id = $1`, [batchId, error.slice(0, 2000)]);
}
