// Request signing of the big-data center (sources.md §2), reused by the provincial import
// client (same scheme, its own app id and secret).
//   S = METHOD \n PATH \n CANONICAL_QUERY \n TIMESTAMP \n NONCE \n SHA256_HEX(BODY)
//   X-Signature = lower-hex HMAC-SHA256(appSecret, S)
import crypto from 'node:crypto';

export interface SignerCredentials {
  appId: string;
  appSecret: string;
}

export interface SignInput {
  method: string;
  /** the path exactly as sent, without the query (sandbox paths begin with /bigdata) */
  path: string;
  /** decoded query parameters; an undefined or empty value is not sent */
  query?: Record<string, string | number | undefined>;
  /** the raw request body; empty for GET */
  body?: string;
  /** Unix ms */
  timestamp: number;
  nonce: string;
}

export interface SignedRequest {
  /** `path?canonicalQuery`: what goes on the wire, so the server sees the bytes we signed */
  pathWithQuery: string;
  canonicalQuery: string;
  stringToSign: string;
  signature: string;
  headers: Record<string, string>;
}

/** RFC 3986 percent-encoding: every UTF-8 byte except A–Z a–z 0–9 - . _ ~ as %XX (upper-case hex). */
export function rfc3986Encode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Sorted by the encoded name, then the encoded value, in byte order; valueless parameters left out. */
export function canonicalQuery(query: Record<string, string | number | undefined> = {}): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    pairs.push([rfc3986Encode(name), rfc3986Encode(String(value))]);
  }
  // encoded strings are ASCII, so code-unit order is byte order
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

export function sha256Hex(body: string): string {
  return crypto.createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
}

export function stringToSign(input: SignInput, canonical: string): string {
  return [input.method.toUpperCase(), input.path, canonical, String(input.timestamp), input.nonce, sha256Hex(input.body ?? '')].join('\n');
}

export function signRequest(credentials: SignerCredentials, input: SignInput): SignedRequest {
  const canonical = canonicalQuery(input.query);
  const s = stringToSign(input, canonical);
  const signature = crypto.createHmac('sha256', credentials.appSecret).update(s, 'utf8').digest('hex');
  return {
    pathWithQuery: canonical ? `${input.path}?${canonical}` : input.path,
    canonicalQuery: canonical,
    stringToSign: s,
    signature,
    headers: {
      'X-App-Id': credentials.appId,
      'X-Timestamp': String(input.timestamp),
      'X-Nonce': input.nonce,
      'X-Signature': signature,
    },
  };
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 random characters of [A-Za-z0-9] from the CSPRNG (rejection sampling keeps it uniform). */
export function randomNonce(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      if (b < 248) out += NONCE_ALPHABET[b % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
