// API tokens: random, shown once, stored only as HMAC-SHA256 under LIFECERT_SECRET, so that a
// copy of the users tables gives nobody a working token.
import { createHmac, randomBytes } from 'node:crypto';
import { createError } from '../lib/errors.ts';

/** `lct_` and 32 random bytes in base64url: the prefix lets secret scanners recognise a leaked token. */
export const TOKEN_PATTERN = /^lct_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return `lct_${randomBytes(32).toString('base64url')}`;
}

export function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

/** An opaque id: `u_…` for users, `t_…` for tokens. */
export function newId(prefix: 'u' | 't'): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** LIFECERT_SECRET, or the refusal to go on without it (`serve`, `user`). */
export function requireSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.LIFECERT_SECRET;
  if (secret === undefined || secret.trim() === '') {
    throw createError('LIFECERT_GATEWAY_SECRET_MISSING', 'LIFECERT_SECRET is not set: it keys the token hashes (and the stored credentials); set it in the environment or .env');
  }
  return secret;
}
