// The content identity of a record: JSON with object keys sorted at every level, and its
// sha-256. A source may serialize the same record with its keys in another order; the hash must
// not change with it. Both the pagers (which versions a pull already served) and the mirror
// (which versions it holds) identify a version by this one hash, computed once per record.
import { hash } from 'node:crypto';

/** JSON with object keys sorted at every level (undefined members left out, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    // a plain loop: this runs for every record of every page (rawHash)
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return `${out}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  const obj = value as Record<string, unknown>;
  // default sort = UTF-16 code unit order, the order the comparison `a < b` gave
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    // strings (nearly every field of a raw record) need no recursion
    out += `${JSON.stringify(k)}:${typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  // the one-shot digest: half the cost of createHash().update().digest() for a record's few hundred bytes
  return hash('sha256', data, 'hex');
}

/** sha-256 hex of the canonical JSON of a raw record: what tells its versions apart. */
export function rawHash(raw: unknown): string {
  return sha256Hex(canonicalJson(raw));
}
