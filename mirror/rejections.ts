// The quarantine (normalization.md "Rejection"): one row per refused record version, the raw
// record untouched. Read in the order the versions were refused.
import type { Rejection, RejectionCode } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

interface RejectionRow {
  /** created_at exactly as stored (microseconds), the paging key: the ISO form keeps milliseconds only */
  created_key: string;
  rejection_id: number; channel: string; dataset: string; record_id: string; raw_hash: string; raw: unknown; field: string;
  reason_code: RejectionCode; message: string; person_id: string | null; created_at: string;
}

/** Every rejection, by creation time (then insertion), read in keyset pages. */
export async function* readRejections(db: Queryable, batchSize?: number): AsyncGenerator<Rejection> {
  // created_at is the page's receive time, taken before its transaction: connectors staging side
  // by side can insert out of that order, so the key is (created_at, rejection_id), not the id alone
  const rows = keysetRows(
    ['-infinity', 0] as [string, number],
    batchSize,
    ([createdAt, id], limit) =>
      db.query<RejectionRow>(
        `SELECT created_at::text AS created_key, rejection_id, channel, dataset, record_id, raw_hash, raw, field, reason_code, message, person_id, created_at
           FROM rejections WHERE (created_at, rejection_id) > ($1::timestamptz, $2) ORDER BY created_at, rejection_id LIMIT $3`,
        [createdAt, id, limit],
      ),
    (r): [string, number] => [r.created_key, r.rejection_id],
  );
  for await (const r of rows) {
    yield {
      raw: r.raw, source: r.channel, dataset: r.dataset, recordId: r.record_id, field: r.field, reasonCode: r.reason_code,
      message: r.message, personId: r.person_id, rawHash: r.raw_hash, createdAt: r.created_at,
    };
  }
}
