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
                                   reason_code, verified_date, created_at, state)
       SELECT u.feedback_id, u.kind, u.channel, u.dataset, u.record_id, u.person_id::json, u.field, u.reported_value::json,
              u.corrected_value::json, u.reason_code, u.verified_date::date, u.created_at::timestamptz, u.state
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
