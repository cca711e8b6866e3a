// Web sessions of people on the pages (/dashboard, /queues): a token typed once into the login
// form opens a session (a row of the mirror's web_sessions) and a cookie naming it with its
// expiry — never the token itself — signed with HMAC-SHA256 under a key derived from
// LIFECERT_SECRET, so nobody can forge or stretch one. Every request looks the session and its
// token up again: logging out, revoking the token or its expiry end the session at once.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'lifecert_session';
/** A session lasts a working day at most (and never past its token's expiry). */
export const SESSION_TTL_MS = 8 * 3600 * 1000;

export interface SessionClaims {
  sessionId: string;
  /** epoch ms */
  expiresAt: number;
}

export function newSessionId(): string {
  return `s_${randomBytes(18).toString('base64url')}`;
}

/** The cookie key: derived from LIFECERT_SECRET, so the token-hash key and the cookie key differ. */
export function sessionKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('lifecert web session cookie v1').digest();
}

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function encodeSession(key: Buffer, claims: SessionClaims): string {
  const payload = Buffer.from(JSON.stringify([claims.sessionId, claims.expiresAt])).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/**
 * The claims of a cookie value: `invalid` for anything malformed or signed with another key,
 * `expired` past its expiry at `now`.
 */
export function decodeSession(key: Buffer, value: string, now: number): SessionClaims | 'invalid' | 'expired' {
  const m = /^([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return 'invalid';
  const expected = Buffer.from(sign(key, m[1]));
  const given = Buffer.from(m[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return 'invalid';
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'number') return 'invalid';
  const claims: SessionClaims = { sessionId: parsed[0], expiresAt: parsed[1] };
  return claims.expiresAt <= now ? 'expired' : claims;
}
