// Provenance read back: the pages of a pull exactly as received, and the raw records it added,
// for audits and for the ingest benchmark's floor (the same bytes parsed without the hub).
import type { Queryable } from './db.ts';
import { keysetRows } from './keyset.ts';

export interface RawPage {
  seq: number;
  request: string;
  /** sha-256 hex of `body` */
  sha256: string;
  body: Buffer;
  recordCount: number;
  receivedAt: string;
}

/** The archived pages of one pull, in page order. */
export async function readRawPages(db: Queryable, pullId: number): Promise<RawPage[]> {
  const { rows } = await db.query<{ seq: number; request: string; sha256: string; body: Buffer; record_count: number; received_at: string }>(
    'SELECT seq, request, sha256, body, record_count, received_at FROM raw_pages WHERE pull_id = $1 ORDER BY seq',
    [pullId],
  );
  return rows.map((r) => ({ seq: r.seq, request: r.request, sha256: r.sha256, body: r.body, recordCount: r.record_count, receivedAt: r.received_at }));
}

/**
 * The raw records of the versions one pull added, in arrival order, as the JSON text stored
 * (`source_records.raw` is json: the text written, key order kept). A version the mirror
 * already held is not added again, so a record served twice appears once.
 */
export async function* readPulledRawText(db: Queryable, pullId: number, batchSize?: number): AsyncGenerator<string> {
  const rows = keysetRows(
    0,
    batchSize,
    (after, limit) =>
      db.query<{ arrival_seq: number; raw: string }>(
        'SELECT arrival_seq, raw::text AS raw FROM source_records WHERE pull_id = $1 AND arrival_seq > $2 ORDER BY arrival_seq LIMIT $3',
        [pullId, after, limit],
      ),
    (r) => r.arrival_seq,
  );
  for await (const r of rows) yield r.raw;
}
