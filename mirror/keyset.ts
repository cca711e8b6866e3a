// Keyset paging: read an ordered query in pages of `batchSize` rows, each page starting after
// the key of the last row of the one before, so memory holds one page whatever the table's size.
import { MirrorError } from './errors.ts';

export const DEFAULT_BATCH_SIZE = 5000;

/**
 * Yields every row of `fetch(after, limit)` pages, from `first` on. `fetch` must return rows
 * ordered by the key that `keyOf` reads and strictly after `after`; a page shorter than `limit`
 * is the last.
 */
export async function* keysetRows<R, K>(
  first: K,
  batchSize: number | undefined,
  fetch: (after: K, limit: number) => Promise<{ rows: R[] }>,
  keyOf: (row: R) => K,
): AsyncGenerator<R> {
  const limit = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(limit) || limit < 1) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `batchSize must be a positive integer, got ${limit}`);
  let after = first;
  for (;;) {
    const { rows } = await fetch(after, limit);
    yield* rows;
    if (rows.length < limit) return;
    after = keyOf(rows[rows.length - 1]);
  }
}
