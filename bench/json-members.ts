// The members of one top-level array or object of a JSON file, one at a time, through a 1 MB
// buffer: the roster of a world file, the results of its expectation sidecar, at any size (a
// 10,000,000-person world is several GB). The bytes are scanned (strings and nesting respected)
// up to the key asked for, each member of its value is cut out and given to JSON.parse, and the
// scan stops where that value closes. Malformed input throws a SyntaxError naming the key.
import { closeSync, openSync, readSync } from 'node:fs';

import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../lib/json-bytes.ts';

const OPEN = new Set([OPEN_BRACE, OPEN_BRACKET]);
const CLOSE = new Set([CLOSE_BRACE, CLOSE_BRACKET]);

/**
 * Each member of the value of the top-level `key`: `[null, element]` for an array,
 * `[memberKey, value]` for an object. Nothing (no iteration) when the key is absent.
 */
export function* jsonMembers<T = unknown>(file: string, key: string): Generator<[string | null, T]> {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectKey = false;
  let keyParts: Buffer[] | null = null;
  let lastKey: string | null = null;
  let inTarget = false;
  let isObject = false;
  let parts: Buffer[] = [];
  const member = (tail: Buffer): [string | null, T] | null => {
    const text = Buffer.concat([...parts, tail]).toString('utf8').trim();
    parts = [];
    if (text === '') return null;
    try {
      if (!isObject) return [null, JSON.parse(text) as T];
      const one = JSON.parse(`{${text}}`) as Record<string, T>;
      const k = Object.keys(one)[0];
      return [k, one[k]];
    } catch (err) {
      throw new SyntaxError(`${file}: a member of "${key}" is not JSON (${(err as Error).message}): ${text.slice(0, 120)}`);
    }
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let segStart = 0;
      let keyStart = keyParts ? 0 : -1;
      for (let i = 0; i < n; i++) {
        const c = buf[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (keyParts) {
              keyParts.push(Buffer.from(buf.subarray(keyStart, i + 1)));
              lastKey = JSON.parse(Buffer.concat(keyParts).toString('utf8')) as string;
              keyParts = null;
              keyStart = -1;
            }
          }
          continue;
        }
        if (c === QUOTE) {
          inString = true;
          if (depth === 1 && expectKey) {
            keyParts = [];
            keyStart = i;
          }
        } else if (OPEN.has(c)) {
          depth += 1;
          if (depth === 1) expectKey = true;
          else if (depth === 2 && lastKey === key && !inTarget) {
            inTarget = true;
            isObject = c === 0x7b;
            segStart = i + 1;
          }
        } else if (CLOSE.has(c)) {
          if (inTarget && depth === 2) {
            const m = member(Buffer.from(buf.subarray(segStart, i)));
            if (m) yield m;
            return;
          }
          depth -= 1;
        } else if (c === COMMA) {
          if (inTarget && depth === 2) {
            const m = member(Buffer.from(buf.subarray(segStart, i)));
            segStart = i + 1;
            if (m) yield m;
          } else if (depth === 1) expectKey = true;
        } else if (c === COLON && depth === 1) {
          expectKey = false;
        }
      }
      if (inTarget) parts.push(Buffer.from(buf.subarray(segStart, n)));
      if (keyParts && keyStart >= 0) keyParts.push(Buffer.from(buf.subarray(keyStart, n)));
    }
    if (inTarget) throw new SyntaxError(`${file}: the value of "${key}" does not close`);
  } finally {
    closeSync(fd);
  }
}

/** The value of a small top-level member (counts, catalogue), parsed whole; undefined when absent. */
export function jsonObject<T>(file: string, key: string): Record<string, T> | undefined {
  let out: Record<string, T> | undefined;
  for (const [k, v] of jsonMembers<T>(file, key)) {
    out ??= {};
    if (k !== null) out[k] = v;
  }
  return out;
}
