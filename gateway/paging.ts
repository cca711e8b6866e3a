// Lists are paged with `cursor` / `limit` and return `nextCursor` (api.md). A cursor is the
// key of the last item served, opaque to the client (base64url JSON), tagged with the list it
// belongs to so that a cursor of one list is refused by another.
import { createError } from '../lib/errors.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** The query properties every list takes (merged into each list's querystring schema). */
export const pagingQuery = {
  cursor: { type: 'string', maxLength: 512, description: 'the `nextCursor` of the previous page; absent for the first page' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `items per page (1–${MAX_LIMIT})` },
} as const;

export const nextCursorSchema = { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null after the last page' } as const;

export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key])).toString('base64url');
}

/** The key inside a cursor of `list` whose parts have the given types; a 400 for anything else. */
export function decodeCursor<K extends readonly ('string' | 'number')[]>(list: string, cursor: string, types: K): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw createError('LIFECERT_API_CURSOR_INVALID', 'the cursor is not one this endpoint issued');
  }
  if (!Array.isArray(parsed) || parsed[0] !== list || parsed.length !== types.length + 1 || !types.every((t, i) => typeof parsed[i + 1] === t)) {
    throw createError('LIFECERT_API_CURSOR_INVALID', 'the cursor is not one this endpoint issued');
  }
  return parsed.slice(1) as { [I in keyof K]: K[I] extends 'string' ? string : number };
}

/** Items of a page fetched with limit + 1 rows: the page, and the cursor of its last item when more follow. */
export function pageOf<T>(rows: T[], limit: number, list: string, keyOf: (row: T) => readonly (string | number)[]): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(list, keyOf(items[items.length - 1])) };
}
