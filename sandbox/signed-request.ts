// Verification of the HMAC-signed REST requests of the big-data center and the provincial
// system (sources.md §2, §6), with the sandbox's own signing code.
import { codeError, type SandboxRequest } from './http.ts';
import {
  canonicalQuery,
  constantTimeEqual,
  hmacSignature,
  NonceRegistry,
  parseRfc3986Query,
  QueryDecodeError,
} from './signing.ts';

export const TIMESTAMP_WINDOW_MS = 300 * 1000;
export const NONCE_WINDOW_MS = 10 * 60 * 1000;
const NONCE_FORMAT = /^[A-Za-z0-9]{16,64}$/;

export interface SignedApp {
  appId: string;
  appSecret: string;
}

export class SignatureGuard {
  private readonly app: SignedApp;
  private readonly now: () => number;
  private readonly nonces = new NonceRegistry(NONCE_WINDOW_MS);

  constructor(app: SignedApp, now: () => number) {
    this.app = app;
    this.now = now;
  }

  /**
   * Check the four signing headers; answer 401 with the contract's code when any is wrong.
   * Returns the query parameters decoded per RFC 3986 (the ones the signature covered).
   */
  verify(req: SandboxRequest): Array<[string, string]> {
    const appId = header(req, 'x-app-id');
    if (appId !== this.app.appId) {
      throw codeError(401, 'APP_ID_INVALID', appId === undefined ? 'X-App-Id is missing' : `unknown application id '${appId}'`);
    }
    const timestamp = header(req, 'x-timestamp');
    if (timestamp === undefined || !/^\d{1,16}$/.test(timestamp)) {
      throw codeError(401, 'TIMESTAMP_EXPIRED', 'X-Timestamp must be Unix time in milliseconds');
    }
    const skew = Math.abs(this.now() - Number(timestamp));
    if (skew > TIMESTAMP_WINDOW_MS) {
      throw codeError(401, 'TIMESTAMP_EXPIRED', `X-Timestamp is ${Math.round(skew / 1000)} s from server time (at most 300 s allowed)`);
    }
    const nonce = header(req, 'x-nonce');
    if (nonce === undefined || !NONCE_FORMAT.test(nonce)) {
      throw codeError(401, 'NONCE_INVALID', 'X-Nonce must be 16-64 characters [A-Za-z0-9]');
    }
    let pairs: Array<[string, string]>;
    try {
      pairs = parseRfc3986Query(req.rawQuery);
    } catch (err) {
      if (err instanceof QueryDecodeError) throw codeError(400, 'INVALID_PARAM', err.message);
      throw err;
    }
    const expected = hmacSignature(this.app.appSecret, {
      method: req.method,
      path: req.path,
      canonicalQuery: canonicalQuery(pairs),
      timestamp,
      nonce,
      body: req.body,
    });
    const given = header(req, 'x-signature');
    if (given === undefined || !constantTimeEqual(given, expected)) {
      throw codeError(401, 'SIGNATURE_INVALID', given === undefined ? 'X-Signature is missing' : 'the signature does not match the request');
    }
    const now = this.now();
    if (this.nonces.isReplay(nonce, now)) {
      throw codeError(401, 'NONCE_REUSED', 'this X-Nonce was already used within the last 10 minutes');
    }
    this.nonces.remember(nonce, now);
    return pairs;
  }
}

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Query parameters as a map, refusing what a conforming client never sends: a parameter
 * twice, or a parameter without a value (sources.md: "a parameter without a value is not
 * sent").
 */
export function singleValuedQuery(pairs: ReadonlyArray<[string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (out.has(name)) throw codeError(400, 'INVALID_PARAM', `query parameter '${name}' is given more than once`);
    if (value === '') throw codeError(400, 'INVALID_PARAM', `query parameter '${name}' has no value; leave it out instead`);
    out.set(name, value);
  }
  return out;
}
