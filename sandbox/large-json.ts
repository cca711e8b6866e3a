// JSON.parse for documents larger than one JavaScript string (V8 caps a string near 512 MiB: a
// 1,000,000-person world file is about 740 MB). The bytes stay in a Buffer; a value small enough
// is decoded and handed to JSON.parse whole, a larger array or object is split into its members,
// found by scanning the bytes (strings and nesting respected), and each member parsed the same
// way. The result is what JSON.parse would give; malformed input throws a SyntaxError naming the
// byte offset.
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, isSpace } from '../lib/json-bytes.ts';

/** Values up to this many bytes go to JSON.parse in one piece. */
const WHOLE = 64 * 1024 * 1024;

const limit = { whole: WHOLE };

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i])) i++;
  return i;
}

function fail(what: string, at: number): never {
  throw new SyntaxError(`${what} at byte ${at}`);
}

/** The index just after the value that starts at `i` (no leading white space). */
function valueEnd(buf: Buffer, i: number, end: number): number {
  const first = buf[i];
  if (first === QUOTE) {
    for (let j = i + 1; j < end; j++) {
      const b = buf[j];
      if (b === BACKSLASH) j++;
      else if (b === QUOTE) return j + 1;
    }
    return fail('unterminated string', i);
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const b = buf[j];
      if (b === QUOTE) {
        for (j++; j < end && buf[j] !== QUOTE; j++) if (buf[j] === BACKSLASH) j++;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return fail('unterminated array or object', i);
  }
  let j = i;
  while (j < end && buf[j] !== COMMA && buf[j] !== CLOSE_BRACE && buf[j] !== CLOSE_BRACKET && !isSpace(buf[j])) j++;
  if (j === i) fail('a value expected', i);
  return j;
}

function parseRange(buf: Buffer, start: number, end: number): unknown {
  if (end - start <= limit.whole) return JSON.parse(buf.toString('utf8', start, end));
  const i0 = skipSpace(buf, start, end);
  const open = buf[i0];
  if (open !== OPEN_BRACKET && open !== OPEN_BRACE) return JSON.parse(buf.toString('utf8', start, end));
  const close = open === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE;
  const last = valueEnd(buf, i0, end);
  if (skipSpace(buf, last, end) !== end) fail('unexpected data after the value', last);
  const arr: unknown[] = [];
  const obj: Record<string, unknown> = {};
  let i = skipSpace(buf, i0 + 1, end);
  if (buf[i] === close) return open === OPEN_BRACKET ? arr : obj;
  for (;;) {
    if (open === OPEN_BRACE) {
      if (buf[i] !== QUOTE) fail('a key expected', i);
      const keyEnd = valueEnd(buf, i, end);
      const key = JSON.parse(buf.toString('utf8', i, keyEnd)) as string;
      i = skipSpace(buf, keyEnd, end);
      if (buf[i] !== COLON) fail('":" expected', i);
      i = skipSpace(buf, i + 1, end);
      const e = valueEnd(buf, i, end);
      // as JSON.parse does: a later duplicate key wins; __proto__ becomes an own member
      Object.defineProperty(obj, key, { value: parseRange(buf, i, e), enumerable: true, writable: true, configurable: true });
      i = skipSpace(buf, e, end);
    } else {
      const e = valueEnd(buf, i, end);
      arr.push(parseRange(buf, i, e));
      i = skipSpace(buf, e, end);
    }
    if (buf[i] === COMMA) {
      i = skipSpace(buf, i + 1, end);
      continue;
    }
    if (buf[i] === close && i + 1 === last) return open === OPEN_BRACKET ? arr : obj;
    return fail('"," or the end of the array or object expected', i);
  }
}

/** JSON.parse of UTF-8 bytes of any size. */
export function parseLargeJson(buf: Buffer): unknown {
  // a UTF-8 byte order mark is not JSON: JSON.parse of the decoded text refuses it too
  return parseRange(buf, 0, buf.length);
}

/** Testing hook: the same parse with a smaller whole-value limit, so that small inputs take the split path. */
export function parseLargeJsonWith(buf: Buffer, whole: number): unknown {
  const saved = limit.whole;
  limit.whole = whole;
  try {
    return parseLargeJson(buf);
  } finally {
    limit.whole = saved;
  }
}


/** One member of a JSON object: its key and the byte range of its value. */
export interface JsonMember {
  key: string;
  start: number;
  end: number;
}

/**
 * The members of the JSON object in `buf[start, end)`, in order, without parsing their values:
 * a reader can parse the members it needs (`parseJsonRange`) and skip the rest unbuilt.
 */
export function* objectMembers(buf: Buffer, start = 0, end = buf.length): Generator<JsonMember> {
  let i = skipSpace(buf, start, end);
  if (buf[i] !== OPEN_BRACE) fail('an object expected', i);
  const last = valueEnd(buf, i, end);
  i = skipSpace(buf, i + 1, end);
  if (buf[i] === CLOSE_BRACE && i + 1 === last) return;
  for (;;) {
    if (buf[i] !== QUOTE) fail('a key expected', i);
    const keyEnd = valueEnd(buf, i, end);
    const key = JSON.parse(buf.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(buf, keyEnd, end);
    if (buf[i] !== COLON) fail('":" expected', i);
    i = skipSpace(buf, i + 1, end);
    const e = valueEnd(buf, i, end);
    yield { key, start: i, end: e };
    i = skipSpace(buf, e, end);
    if (buf[i] === COMMA) {
      i = skipSpace(buf, i + 1, end);
      continue;
    }
    if (buf[i] === CLOSE_BRACE && i + 1 === last) return;
    fail('"," or the end of the object expected', i);
  }
}

/** JSON.parse of the value in `buf[start, end)`, of any size. */
export function parseJsonRange(buf: Buffer, start: number, end: number): unknown {
  return parseRange(buf, start, end);
}
