// Identity of source records and their versions. The event id names a source record for
// ever (all its versions share it); the raw hash tells its versions apart and must not depend
// on the order in which a source happened to serialize keys.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level (undefined members left out, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha-256 hex of the canonical JSON of the raw record. */
export function rawHash(raw: unknown): string {
  return sha256Hex(canonicalJson(raw));
}

/** Stable per source record: the first 32 hex digits of sha-256 of channel, dataset and record id. */
export function eventId(channel: string, dataset: string, recordId: string): string {
  return sha256Hex(`${channel}\u0000${dataset}\u0000${recordId}`).slice(0, 32);
}
