// Reading the id and update time of one list item as a source sent it, whatever it is: a
// malformed item (not an object, its id of another type) is still a record — normalization
// rejects it — so nothing here may throw on it. Only the item's own properties are read.

function ownValue(item: unknown, field: string): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  return Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : undefined;
}

/** The record id of an item: its own string (or number, written as the source would) field; '' otherwise. */
export function idOf(item: unknown, field: string): string {
  const v = ownValue(item, field);
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** An own string field of an item; '' when absent, of another type, or the item is no object. */
export function stringOf(item: unknown, field: string): string {
  const v = ownValue(item, field);
  return typeof v === 'string' ? v : '';
}
