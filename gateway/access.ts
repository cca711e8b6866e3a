// Access control in the order of api.md, first failure wins:
//   1. no, malformed, unknown, expired or revoked token → 401   (onRequest, before the body is read)
//   2. none of the endpoint's roles → 403, also for ids that do not exist   (onRequest)
//   3. a resource, filter or body outside the caller's region → 403   (preValidation: after
//      parsing, before schema validation, so it outranks a 400 and a 404)
//   4. the request itself: 400 / 404 / 409 / 422   (validation and handler)
// The web pages (`config.access.session`) also take the signed session cookie of the login
// form (session.ts) in place of the header; the token it names is checked the same way.
// Each route states its rule once, in `config.access`; this plugin enforces it and the
// OpenAPI document shows it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
// the request's parsed cookies (registered by server.ts before this plugin)
import type {} from '@fastify/cookie';
import { findToken, findTokenByHash, findUser, findWebSession } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { Role, User } from '../schemas/access.ts';
import { createError } from '../lib/errors.ts';
import { inRegion } from './region.ts';
import { decodeSession, SESSION_COOKIE, sessionKey } from './session.ts';
import { TOKEN_PATTERN, tokenHash } from './tokens.ts';

export interface Principal {
  user: User;
  tokenId: string;
  /** when the token expires (ISO 8601): a session never outlives it */
  expiresAt: string;
  /** how the caller proved it: the Authorization header, or the web session cookie */
  via: 'token' | 'session';
  /** the web session (via `session`) */
  sessionId?: string;
}

export interface Access {
  /** the roles the endpoint lists (api.md), or `public` for no token at all */
  roles: readonly Role[] | 'public';
  /** how the region is checked, for the docs: `region 44`, `the filter's area`, ... */
  regionRule?: string;
  /**
   * The areas (county codes, city codes or `44`) the request touches, read from the raw
   * params, query or body; each must lie inside the caller's region. Values that are not
   * well-formed are left to schema validation (a 400).
   */
  scope?: (req: FastifyRequest, principal: Principal) => Promise<readonly string[]> | readonly string[];
  /** a web page: the session cookie of the login form is accepted too (when no Authorization header is sent) */
  session?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** statuses the handler itself answers (404, 409, 422, 503), documented with the error body */
    errors?: readonly number[];
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AccessOptions {
  db: Db;
  secret: string;
  now: () => number;
}

/** The authenticated caller of a route that has an access rule (routes without one never call this). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw createError('LIFECERT_GATEWAY_INTERNAL', 'principalOf() on a route without an access rule');
  return req.principal;
}

/** The actor written to the audit log for a caller. */
export function actorOf(principal: Principal): string {
  return `user:${principal.user.userId}`;
}

/** The caller a bearer token names: 401 for a malformed, unknown, revoked or expired one. */
export async function principalForToken(options: AccessOptions, token: string): Promise<Principal> {
  if (!TOKEN_PATTERN.test(token)) throw createError('LIFECERT_AUTH_TOKEN_MALFORMED', 'the token is not of the form the hub issues');
  const found = await findTokenByHash(options.db, tokenHash(options.secret, token));
  if (found === null) throw createError('LIFECERT_AUTH_TOKEN_UNKNOWN', 'unknown token');
  if (found.token.revokedAt !== null) throw createError('LIFECERT_AUTH_TOKEN_REVOKED', 'the token was revoked');
  if (Date.parse(found.token.expiresAt) <= options.now()) throw createError('LIFECERT_AUTH_TOKEN_EXPIRED', 'the token has expired');
  return { user: found.user, tokenId: found.token.tokenId, expiresAt: found.token.expiresAt, via: 'token' };
}

/** The caller a session cookie names: its signature and expiry, then its token as if sent. */
async function principalForSession(options: AccessOptions, cookie: string): Promise<Principal> {
  const claims = decodeSession(sessionKey(options.secret), cookie, options.now());
  if (claims === 'invalid') throw createError('LIFECERT_AUTH_SESSION_INVALID', 'the session cookie is not one this server issued: log in again');
  if (claims === 'expired') throw createError('LIFECERT_AUTH_SESSION_EXPIRED', 'the session has expired: log in again');
  const session = await findWebSession(options.db, claims.sessionId);
  if (session === null) throw createError('LIFECERT_AUTH_SESSION_INVALID', 'the session cookie names no session of this hub: log in again');
  if (session.endedAt !== null) throw createError('LIFECERT_AUTH_SESSION_ENDED', 'the session was ended (logged out): log in again');
  if (Date.parse(session.expiresAt) <= options.now()) throw createError('LIFECERT_AUTH_SESSION_EXPIRED', 'the session has expired: log in again');
  const [user, token] = await Promise.all([findUser(options.db, session.userId), findToken(options.db, session.userId, session.tokenId)]);
  if (user === null || token === null) throw createError('LIFECERT_AUTH_SESSION_INVALID', 'the session names no token of this hub: log in again');
  if (token.revokedAt !== null) throw createError('LIFECERT_AUTH_TOKEN_REVOKED', 'the token of this session was revoked');
  if (Date.parse(token.expiresAt) <= options.now()) throw createError('LIFECERT_AUTH_TOKEN_EXPIRED', 'the token of this session has expired');
  return { user, tokenId: token.tokenId, expiresAt: token.expiresAt, via: 'session', sessionId: session.sessionId };
}

async function authenticate(req: FastifyRequest, access: Access, options: AccessOptions): Promise<Principal> {
  const header = req.headers.authorization;
  if (header === undefined || header === '') {
    const cookie = access.session ? req.cookies?.[SESSION_COOKIE] : undefined;
    if (cookie !== undefined && cookie !== '') return principalForSession(options, cookie);
    throw createError('LIFECERT_AUTH_TOKEN_MISSING', access.session ? 'this page needs a session (log in at /dashboard/login) or `Authorization: Bearer <token>`' : 'this endpoint needs `Authorization: Bearer <token>`');
  }
  const m = /^Bearer (\S+)$/.exec(header);
  if (!m) throw createError('LIFECERT_AUTH_TOKEN_MALFORMED', 'the Authorization header must be `Bearer <token>`');
  return principalForToken(options, m[1]);
}

export const accessPlugin = fp<AccessOptions>(
  async (app: FastifyInstance, options) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (req) => {
      const access = req.routeOptions.config.access;
      if (access === undefined || access.roles === 'public') return;
      const principal = await authenticate(req, access, options);
      req.principal = principal;
      const held = principal.user.roles;
      if (!held.some((r) => (access.roles as readonly Role[]).includes(r))) {
        throw createError('LIFECERT_AUTH_ROLE_FORBIDDEN', `this endpoint is for ${access.roles.join(', ')}; the caller holds ${held.join(', ')}`);
      }
    });
    app.addHook('preValidation', async (req) => {
      const access = req.routeOptions.config.access;
      if (access?.scope === undefined || req.principal === null) return;
      const principal = req.principal;
      for (const area of await access.scope(req, principal)) {
        if (!inRegion(principal.user.region, area)) {
          throw createError('LIFECERT_AUTH_REGION_FORBIDDEN', `${area} lies outside the caller's region ${principal.user.region}`);
        }
      }
    });
  },
  { name: 'lifecert-access' },
);
