// Lists are paged with `cursor` / `limit` and return `nextCursor` (api.md). A cursor is the
// key of the last item served, opaque to the client (base64url JSON), tagged with the list it
// belongs to so that a cursor of one list is refused by another. Every list route takes its
// query schema, its answer schema and its paging from here: `pagedQuery`, `pageSchema`, `page`.
import { createError } from '../lib/errors.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** The query properties every list takes (merged into each list's querystring schema). */
export const pagingQuery = {
  cursor: { type: 'string', maxLength: 512, description: 'the `nextCursor` of the previous page; absent for the first page' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `items per page (1–${MAX_LIMIT})` },
} as const;

export const nextCursorSchema = { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null after the last page' } as const;

/** A list's querystring schema: its own filters and the paging properties, nothing else. */
export function pagedQuery<P extends Record<string, unknown>>(filters: P, required: readonly string[] = []) {
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required: [...required] } : {}), properties: { ...filters, ...pagingQuery } } as const;
}

/** A list's 200 answer: `{items: [item...], nextCursor}`. */
export function pageSchema<I extends Record<string, unknown>>(item: I) {
  return { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: item }, nextCursor: nextCursorSchema } } as const;
}

type KeyTypes = readonly ('string' | 'number')[];
export type CursorKey<K extends KeyTypes> = { [I in keyof K]: K[I] extends 'string' ? string : number };

export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key])).toString('base64url');
}

/** The key inside a cursor of `list` whose parts have the given types; a 400 for anything else. */
export function decodeCursor<K extends KeyTypes>(list: string, cursor: string, types: K): CursorKey<K> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw createError('LIFECERT_API_CURSOR_INVALID', 'the cursor is not one this endpoint issued');
  }
  if (!Array.isArray(parsed) || parsed[0] !== list || parsed.length !== types.length + 1 || !types.every((t, i) => typeof parsed[i + 1] === t)) {
    throw createError('LIFECERT_API_CURSOR_INVALID', 'the cursor is not one this endpoint issued');
  }
  return parsed.slice(1) as CursorKey<K>;
}

/** Items of a page fetched with limit + 1 rows: the page, and the cursor of its last item when more follow. */
export function pageOf<T>(rows: T[], limit: number, list: string, keyOf: (row: T) => readonly (string | number)[]): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(list, keyOf(items[items.length - 1])) };
}

export interface PageRequest {
  cursor?: string;
  limit: number;
}

export interface ListPaging<K extends KeyTypes, T> {
  /** the list's name, written into its cursors */
  list: string;
  /** the types of the key parts (`['string', 'string']` for area code, person id) */
  key: K;
  /** the key of an item: what the next page starts after */
  keyOf: (row: T) => CursorKey<K>;
  /** up to `take` rows after `after` (absent: from the start), in key order */
  fetch: (after: CursorKey<K> | undefined, take: number) => Promise<T[]> | T[];
}

/** One page of a list: decodes the cursor (a 400 for a foreign one), fetches limit + 1 rows, cuts the page. */
export async function page<K extends KeyTypes, T>(req: PageRequest, paging: ListPaging<K, T>): Promise<{ items: T[]; nextCursor: string | null }> {
  const after = req.cursor === undefined ? undefined : decodeCursor(paging.list, req.cursor, paging.key);
  const rows = await paging.fetch(after, req.limit + 1);
  return pageOf(rows, req.limit, paging.list, paging.keyOf);
}
