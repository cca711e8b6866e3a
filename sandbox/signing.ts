// The sandbox's own implementation of the two request-authentication schemes (sources.md §1,
// §2). It is deliberately independent of the connectors' signing code: if a connector gets
// the canonical form wrong, the simulator refuses it instead of agreeing with the same bug.
import crypto from 'node:crypto';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 percent-encoding: every byte of the UTF-8 form except `A–Z a–z 0–9 - . _ ~`
 * becomes `%XX` with upper-case hex (`+08:00` → `%2B08%3A00`).
 */
export function rfc3986Encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export class QueryDecodeError extends Error {
  override readonly name = 'QueryDecodeError';
}

/**
 * Split a raw query string (without `?`) into decoded `[name, value]` pairs, decoding per
 * RFC 3986 only: `%XX` sequences are UTF-8 bytes and `+` stays a literal plus, never a space.
 * A pair without `=` has the empty value. Throws QueryDecodeError on malformed escapes.
 */
export function parseRfc3986Query(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([percentDecode(rawName), percentDecode(rawValue)]);
  }
  return pairs;
}

function percentDecode(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    // decodeURIComponent leaves '+' alone, which is exactly the RFC 3986 reading
    return decodeURIComponent(raw);
  } catch {
    throw new QueryDecodeError(`malformed percent-encoding in '${raw}'`);
  }
}

/**
 * The canonical query of sources.md §2: each decoded pair re-encoded per RFC 3986, sorted by
 * encoded name then encoded value in byte order, joined by `&`; '' when there is none.
 */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  const encoded = pairs.map(([n, v]) => [rfc3986Encode(n), rfc3986Encode(v)] as const);
  // encoded strings are pure ASCII, so UTF-16 code-unit order is byte order
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([n, v]) => `${n}=${v}`).join('&');
}

export interface SignedRequestParts {
  method: string;
  /** the request path exactly as sent, without the query */
  path: string;
  canonicalQuery: string;
  /** X-Timestamp as sent (Unix ms, decimal text) */
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

/** The string the HMAC covers: `METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nNONCE\nSHA256_HEX(BODY)`. */
export function stringToSign(parts: SignedRequestParts): string {
  const bodyHash = crypto.createHash('sha256').update(parts.body).digest('hex');
  return [parts.method.toUpperCase(), parts.path, parts.canonicalQuery, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

/** Lower-case hex HMAC-SHA256(appSecret, stringToSign). */
export function hmacSignature(appSecret: string, parts: SignedRequestParts): string {
  return crypto.createHmac('sha256', appSecret).update(stringToSign(parts), 'utf8').digest('hex');
}

/**
 * WS-Security UsernameToken PasswordDigest: Base64(SHA-1(nonce bytes + Created text +
 * password)), the nonce given as its raw bytes.
 */
export function passwordDigest(nonce: Uint8Array, created: string, password: string): string {
  return crypto
    .createHash('sha1')
    .update(nonce)
    .update(Buffer.from(created, 'utf8'))
    .update(Buffer.from(password, 'utf8'))
    .digest('base64');
}

/** String equality that takes the same time wherever the first difference is. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return crypto.timingSafeEqual(ab, bb);
}

/**
 * Remembers nonces for a window so that a captured request cannot be replayed. Entries
 * expire by the (injectable) clock; expired ones are swept as the map grows.
 */
export class NonceRegistry {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private addsSinceSweep = 0;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** True when the nonce was already used within the window. */
  isReplay(nonce: string, now: number): boolean {
    const until = this.seen.get(nonce);
    return until !== undefined && until > now;
  }

  remember(nonce: string, now: number): void {
    this.seen.set(nonce, now + this.windowMs);
    if (++this.addsSinceSweep >= 10_000) {
      this.addsSinceSweep = 0;
      for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    }
  }
}
