// Feedback items (workflow.md 不属实数据反馈) in the mirror: stored once per feedbackId (the
// idempotency key of delivery) and read back in creation order, the order of the department feed.
import type { FeedbackItem } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { MirrorError } from './errors.ts';
import { keysetRows } from './keyset.ts';

/** Rows per INSERT: the parameter arrays of one statement stay a few megabytes at most. */
const SAVE_BATCH = 2000;

const KINDS: ReadonlySet<string> = new Set(['REJECTED', 'CORRECTED']);
const STATES: ReadonlySet<string> = new Set(['PENDING', 'SENT', 'CONFIRMED', 'FAILED']);

/** A value a text column keeps as given: no U+0000 (refused) and no lone surrogate (silently replaced). */
const storableText = (value: string): boolean => value.isWellFormed() && !value.includes('\u0000');

/** Refuses an item the table would refuse or alter, naming it, before anything of the batch is written. */
function checkItem(item: FeedbackItem): void {
  const badText = (['feedbackId', 'channel', 'dataset', 'recordId', 'field', 'reasonCode'] as const).find((k) => typeof item[k] !== 'string' || !storableText(item[k]));
  const problem = badText ? `${badText} is not storable text`
    : !item.feedbackId ? 'no feedbackId'
    : !KINDS.has(item.kind) ? `kind ${JSON.stringify(item.kind)}`
    : !STATES.has(item.state) ? `state ${JSON.stringify(item.state)}`
    : !/^\d{4}-\d{2}-\d{2}$/.test(item.verifiedDate) ? `verifiedDate ${JSON.stringify(item.verifiedDate)} (YYYY-MM-DD)`
    : null;
  if (problem) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `feedback item ${JSON.stringify(item.feedbackId)} of ${JSON.stringify(`${item.channel}/${item.dataset} ${item.recordId}`)}: ${problem}`);
}

/**
 * Stores the items not stored yet, in the order given (their creation order); an item whose
 * feedbackId is already held keeps its first form and state. Returns how many were new.
 * Call it inside a transaction to store the items together with what caused them.
 */
export async function saveFeedbackItems(db: Queryable, items: readonly FeedbackItem[]): Promise<number> {
  for (const item of items) checkItem(item);
  let added = 0;
  for (let from = 0; from < items.length; from += SAVE_BATCH) {
    const batch = items.slice(from, from + SAVE_BATCH);
    const col = <T>(f: (i: FeedbackItem) => T): T[] => batch.map(f);
    // ORDER BY ord gives seq in the order given; values as sent go in as JSON text (see 008_feedback_items.sql)
    const res = await db.query(
      `INSERT INTO feedback_items (feedback_id, kind, channel, dataset, record_id, person_id, field, reported_value, corrected_value,
                                   reason_code, verified_date, created_at, state, source_seq)
       SELECT u.feedback_id, u.kind, u.channel, u.dataset, u.record_id, u.person_id::json, u.field, u.reported_value::json,
              u.corrected_value::json, u.reason_code, u.verified_date::date, u.created_at::timestamptz, u.state,
              (SELECT max(s.arrival_seq) FROM source_records s WHERE s.channel = u.channel AND s.dataset = u.dataset AND s.record_id = u.record_id)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::text[], $11::text[], $12::text[], $13::text[])
              WITH ORDINALITY AS u(feedback_id, kind, channel, dataset, record_id, person_id, field, reported_value, corrected_value,
                                   reason_code, verified_date, created_at, state, ord)
        ORDER BY u.ord
       ON CONFLICT (feedback_id) DO NOTHING`,
      [
        col((i) => i.feedbackId),
        col((i) => i.kind),
        col((i) => i.channel),
        col((i) => i.dataset),
        col((i) => i.recordId),
        col((i) => JSON.stringify(i.personId)),
        col((i) => i.field),
        col((i) => JSON.stringify(i.reportedValue)),
        col((i) => (i.correctedValue === null ? null : JSON.stringify(i.correctedValue))),
        col((i) => i.reasonCode),
        col((i) => i.verifiedDate),
        col((i) => i.createdAt),
        col((i) => i.state),
      ],
    );
    added += res.rowCount;
  }
  return added;
}

export interface ReadFeedbackOptions {
  /** only this channel's items (`civil`, `police-4401` …); default every channel */
  channel?: string;
  /** rows per keyset query (default 5,000) */
  batchSize?: number;
}

interface FeedbackRow {
  seq: number; feedback_id: string; kind: FeedbackItem['kind']; channel: string; dataset: string; record_id: string; person_id: string;
  field: string; reported_value: string; corrected_value: string | null; reason_code: string; verified_date: string; created_at: string;
  state: FeedbackItem['state'];
}

/** The items in creation order (of one channel, or of all), read in keyset pages. */
export async function* readFeedbackItems(db: Queryable, options: ReadFeedbackOptions = {}): AsyncGenerator<FeedbackItem> {
  const channel = options.channel ?? null;
  const rows = keysetRows(
    0,
    options.batchSize,
    (after, limit) =>
      db.query<FeedbackRow>(
        `SELECT seq, feedback_id, kind, channel, dataset, record_id, person_id, field, reported_value, corrected_value, reason_code,
                verified_date, created_at, state
           FROM feedback_items WHERE seq > $1 AND ($2::text IS NULL OR channel = $2) ORDER BY seq LIMIT $3`,
        [after, channel, limit],
      ),
    (r) => r.seq,
  );
  for await (const r of rows) {
    yield {
      feedbackId: r.feedback_id, kind: r.kind, channel: r.channel, dataset: r.dataset, recordId: r.record_id, personId: r.person_id,
      field: r.field, reportedValue: r.reported_value, correctedValue: r.corrected_value, reasonCode: r.reason_code,
      verifiedDate: r.verified_date, createdAt: r.created_at, state: r.state,
    };
  }
}

// ---- delivery (workflow.md: PENDING → SENT → CONFIRMED, or FAILED) ----

/** An item with its delivery bookkeeping, as the operator's list shows it. */
export interface FeedbackDelivery extends FeedbackItem {
  /** creation order: the department feed's position */
  seq: number;
  attempts: number;
  lastError: string | null;
  firstAttemptAt: string | null;
  sentAt: string | null;
  confirmedAt: string | null;
  failedAt: string | null;
}

interface DeliveryRow extends FeedbackRow {
  attempts: number; last_error: string | null; first_attempt_at: string | null; sent_at: string | null; confirmed_at: string | null; failed_at: string | null;
}

const DELIVERY_COLUMNS = `seq, feedback_id, kind, channel, dataset, record_id, person_id, field, reported_value, corrected_value, reason_code,
  verified_date, created_at, state, attempts, last_error, first_attempt_at, sent_at, confirmed_at, failed_at`;

function toDelivery(r: DeliveryRow): FeedbackDelivery {
  return {
    feedbackId: r.feedback_id, kind: r.kind, channel: r.channel, dataset: r.dataset, recordId: r.record_id, personId: r.person_id,
    field: r.field, reportedValue: r.reported_value, correctedValue: r.corrected_value, reasonCode: r.reason_code,
    verifiedDate: r.verified_date, createdAt: r.created_at, state: r.state, seq: Number(r.seq), attempts: r.attempts,
    lastError: r.last_error, firstAttemptAt: r.first_attempt_at, sentAt: r.sent_at, confirmedAt: r.confirmed_at, failedAt: r.failed_at,
  };
}

/** The items with these ids (any state), in creation order. */
export async function feedbackItemsById(db: Queryable, ids: readonly string[]): Promise<FeedbackDelivery[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM feedback_items WHERE feedback_id = ANY($1::text[]) ORDER BY seq`, [ids]);
  return rows.map(toDelivery);
}

/** Up to `limit` PENDING items of a channel in creation order, after position `afterSeq`. */
export async function pendingFeedback(db: Queryable, channel: string, limit: number, afterSeq = 0): Promise<FeedbackDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM feedback_items WHERE state = 'PENDING' AND channel = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [channel, afterSeq, limit],
  );
  return rows.map(toDelivery);
}

/** The channels that have PENDING items. */
export async function channelsWithPending(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ channel: string }>(`SELECT DISTINCT channel FROM feedback_items WHERE state = 'PENDING' ORDER BY channel`);
  return rows.map((r) => r.channel);
}

/** One try that did not get the whole request accepted: counted, its error kept, the 72-hour window started. */
export async function recordFeedbackAttempt(db: Queryable, ids: readonly string[], at: string, error: string): Promise<void> {
  await db.query(
    `UPDATE feedback_items SET attempts = attempts + 1, last_error = $3, first_attempt_at = coalesce(first_attempt_at, $2::timestamptz)
      WHERE feedback_id = ANY($1::text[]) AND state = 'PENDING'`,
    [ids, at, error],
  );
}

/** The channel accepted the whole request: PENDING → SENT. Returns how many changed. */
export async function markFeedbackSent(db: Queryable, ids: readonly string[], at: string): Promise<number> {
  const res = await db.query(
    `UPDATE feedback_items SET state = 'SENT', sent_at = $2::timestamptz, attempts = attempts + 1, last_error = NULL,
            first_attempt_at = coalesce(first_attempt_at, $2::timestamptz)
      WHERE feedback_id = ANY($1::text[]) AND state = 'PENDING'`,
    [ids, at],
  );
  return res.rowCount;
}

/** A refusal, or 72 hours of transient failures: PENDING → FAILED. Returns how many changed. */
export async function markFeedbackFailed(db: Queryable, ids: readonly string[], at: string, error: string): Promise<number> {
  const res = await db.query(
    `UPDATE feedback_items SET state = 'FAILED', failed_at = $2::timestamptz, attempts = attempts + 1, last_error = $3,
            first_attempt_at = coalesce(first_attempt_at, $2::timestamptz)
      WHERE feedback_id = ANY($1::text[]) AND state = 'PENDING'`,
    [ids, at, error],
  );
  return res.rowCount;
}

/** An operator's resend: FAILED → PENDING with a fresh 72-hour window. False when the item is not FAILED. */
export async function resetFailedFeedback(db: Queryable, id: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE feedback_items SET state = 'PENDING', failed_at = NULL, first_attempt_at = NULL, attempts = 0 WHERE feedback_id = $1 AND state = 'FAILED'`,
    [id],
  );
  return res.rowCount > 0;
}

/**
 * SENT → CONFIRMED for the items of (channel, dataset) whose record has a version newer than the
 * one the item was made from (a later pull staged it). Returns how many were confirmed.
 */
export async function confirmFeedback(db: Queryable, channel: string, dataset: string, at: string): Promise<number> {
  const res = await db.query(
    `UPDATE feedback_items f SET state = 'CONFIRMED', confirmed_at = $3::timestamptz
      WHERE f.state = 'SENT' AND f.channel = $1 AND f.dataset = $2
        AND EXISTS (SELECT 1 FROM source_records s
                     WHERE s.channel = f.channel AND s.dataset = f.dataset AND s.record_id = f.record_id
                       AND s.arrival_seq > coalesce(f.source_seq, 0))`,
    [channel, dataset, at],
  );
  return res.rowCount;
}

export interface FeedbackPageQuery {
  state?: FeedbackItem['state'];
  channel?: string;
  /** the seq of the last item of the previous page */
  afterSeq?: number;
  limit: number;
}

/** Items with their delivery state, in creation order. */
export async function listFeedbackPage(db: Queryable, q: FeedbackPageQuery): Promise<FeedbackDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM feedback_items
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR channel = $2) AND seq > $3
      ORDER BY seq LIMIT $4`,
    [q.state ?? null, q.channel ?? null, q.afterSeq ?? 0, q.limit],
  );
  return rows.map(toDelivery);
}


/**
 * The area an item lies in: its person's roster county, else its channel's area (a police
 * channel's city, a civil outbox file's county), else the province. Needs `f` (feedback_items)
 * LEFT JOIN `r` (t1_recipients) on the person — ITEM_AREA_JOIN.
 */
const ITEM_AREA = `coalesce(r.area_code,
                     CASE WHEN f.channel LIKE 'police-%' THEN substr(f.channel, 8)
                          WHEN f.channel = 'civil' THEN coalesce(substring(f.record_id from '^HH_([0-9]{6})_'), '44')
                          ELSE '44' END)`;
const ITEM_AREA_JOIN = `LEFT JOIN t1_recipients r ON r.person_id = upper(btrim(f.person_id #>> '{}'))`;

/**
 * Items lying in a region (workflow.md: the roster entry's county of the identity number, else the
 * channel's area — police-<city4> → the city, civil → the file's area code, others → 44), with that area.
 */
export async function listFeedbackInRegion(db: Queryable, q: FeedbackPageQuery & { region: string }): Promise<(FeedbackDelivery & { areaCode: string })[]> {
  const { rows } = await db.query<DeliveryRow & { area_code: string }>(
    `SELECT * FROM (
       SELECT f.seq, f.feedback_id, f.kind, f.channel, f.dataset, f.record_id, f.person_id, f.field, f.reported_value, f.corrected_value,
              f.reason_code, f.verified_date, f.created_at, f.state, f.attempts, f.last_error, f.first_attempt_at, f.sent_at, f.confirmed_at, f.failed_at,
              ${ITEM_AREA} AS area_code
         FROM feedback_items f
         ${ITEM_AREA_JOIN}
        WHERE ($1::text IS NULL OR f.state = $1) AND ($2::text IS NULL OR f.channel = $2) AND f.seq > $3
     ) x WHERE x.area_code LIKE $5 || '%'
      ORDER BY x.seq LIMIT $4`,
    [q.state ?? null, q.channel ?? null, q.afterSeq ?? 0, q.limit, q.region],
  );
  return rows.map((r) => ({ ...toDelivery(r), areaCode: r.area_code }));
}

/** The area an item lies in (see listFeedbackInRegion); null for an unknown item. */
export async function feedbackAreaOf(db: Queryable, feedbackId: string): Promise<string | null> {
  const { rows } = await db.query<{ area_code: string }>(
    `SELECT ${ITEM_AREA} AS area_code
       FROM feedback_items f ${ITEM_AREA_JOIN}
      WHERE f.feedback_id = $1`,
    [feedbackId],
  );
  return rows[0]?.area_code ?? null;
}

/** The feedback backlog per channel: how many items are in each state (the dashboard's). */
export interface FeedbackBacklog {
  channel: string;
  PENDING: number;
  SENT: number;
  CONFIRMED: number;
  FAILED: number;
}

/**
 * Per channel, the items in each state; with a region, only the items lying in it (the area
 * listFeedbackInRegion gives them) — the dashboard's, scoped like GET /api/v1/feedback.
 */
export async function feedbackBacklog(db: Queryable, region?: string): Promise<FeedbackBacklog[]> {
  const counts = `count(*) FILTER (WHERE f.state = 'PENDING') AS pending, count(*) FILTER (WHERE f.state = 'SENT') AS sent,
            count(*) FILTER (WHERE f.state = 'CONFIRMED') AS confirmed, count(*) FILTER (WHERE f.state = 'FAILED') AS failed`;
  const { rows } = await db.query<{ channel: string; pending: number; sent: number; confirmed: number; failed: number }>(
    region === undefined
      ? `SELECT f.channel, ${counts} FROM feedback_items f GROUP BY f.channel ORDER BY f.channel`
      : `SELECT f.channel, ${counts} FROM feedback_items f ${ITEM_AREA_JOIN}
          WHERE starts_with(${ITEM_AREA}, $1) GROUP BY f.channel ORDER BY f.channel`,
    region === undefined ? [] : [region],
  );
  return rows.map((r) => ({ channel: r.channel, PENDING: Number(r.pending), SENT: Number(r.sent), CONFIRMED: Number(r.confirmed), FAILED: Number(r.failed) }));
}

// ---- the department feed (api.md /feeds/{channel}) ----

/** A channel's items after position `afterSeq`, in creation order, with their positions. */
export async function feedPage(db: Queryable, channel: string, afterSeq: number, limit: number): Promise<FeedbackDelivery[]> {
  return listFeedbackPage(db, { channel, afterSeq, limit });
}

/** The position after the last item of a channel's feed (0 for an empty feed). */
export async function feedEnd(db: Queryable, channel: string): Promise<number> {
  const { rows } = await db.query<{ end: number | null }>(`SELECT max(seq) AS end FROM feedback_items WHERE channel = $1`, [channel]);
  return Number(rows[0]?.end ?? 0);
}

/** Records that a department has every item of its channel before position `upTo`; an ack never moves back. */
export async function ackFeed(db: Queryable, channel: string, upTo: number, at: string, by: string): Promise<number> {
  const { rows } = await db.query<{ up_to: number }>(
    `INSERT INTO feed_acks (channel, up_to, acked_at, acked_by) VALUES ($1, $2, $3::timestamptz, $4)
     ON CONFLICT (channel) DO UPDATE SET up_to = greatest(feed_acks.up_to, EXCLUDED.up_to), acked_at = EXCLUDED.acked_at, acked_by = EXCLUDED.acked_by
     RETURNING up_to`,
    [channel, upTo, at, by],
  );
  return Number(rows[0].up_to);
}

/** What a department acknowledged last (0 when never). */
export async function feedAck(db: Queryable, channel: string): Promise<number> {
  const { rows } = await db.query<{ up_to: number }>(`SELECT up_to FROM feed_acks WHERE channel = $1`, [channel]);
  return Number(rows[0]?.up_to ?? 0);
}

/** The raw record version each item was made from (by feedbackId); absent when not held. */
export async function feedbackSourceRecords(db: Queryable, ids: readonly string[]): Promise<Map<string, unknown>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ feedback_id: string; raw: unknown }>(
    `SELECT f.feedback_id, s.raw FROM feedback_items f JOIN source_records s ON s.arrival_seq = f.source_seq WHERE f.feedback_id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.feedback_id, r.raw]));
}
