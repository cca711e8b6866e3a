// Users and tokens, for the API and for `lifecert user add` alike: the same rules, and every
// change written to the audit log in the transaction that makes it.
import { appendAudit, findToken, findUser, formatChinaIso, insertToken, insertUser, revokeToken } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import { APPROVER_ROLES, ROLES, USER_CHANNEL_PATTERN } from '../schemas/access.ts';
import type { Role, User } from '../schemas/access.ts';
import { createError } from '../lib/errors.ts';
import { auditEntry } from './audit-trail.ts';
import type { AuditClock } from './audit-trail.ts';
import { isRegion } from './region.ts';
import { newId, newToken, tokenHash } from './tokens.ts';

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

export interface UserAdminContext extends AuditClock {
  db: Db;
  /** LIFECERT_SECRET: the key of the token hashes */
  secret: string;
}

export interface NewUserInput {
  name: string;
  roles: readonly string[];
  region: string;
  channel?: string | null;
}

/**
 * The rules of a user's roles, region and channel (workflow.md). A forbidden combination is a
 * 422 (the request is well-formed, the rule refuses it); anything malformed is a 400.
 */
export function checkNewUser(input: NewUserInput): { name: string; roles: Role[]; region: string; channel: string | null } {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) throw createError('LIFECERT_API_INPUT_INVALID', 'name must be 1 to 100 characters');
  if (input.roles.length === 0) throw createError('LIFECERT_API_INPUT_INVALID', 'at least one role is needed');
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw createError('LIFECERT_API_INPUT_INVALID', `unknown role ${unknown.map((r) => `'${r}'`).join(', ')} (roles: ${ROLES.join(', ')})`);
  const roles = [...new Set(input.roles)] as Role[];
  if (!isRegion(input.region)) throw createError('LIFECERT_API_INPUT_INVALID', `region must be an area-code prefix of Guangdong (44, 4401, 440106), got '${input.region}'`);
  const channel = input.channel ?? null;
  if (channel !== null && !new RegExp(USER_CHANNEL_PATTERN).test(channel)) {
    throw createError('LIFECERT_API_INPUT_INVALID', `channel must be ministry, bigdata, police-<city4>, civil, health or insurance, got '${channel}'`);
  }
  if (roles.includes('department') && channel === null) throw createError('LIFECERT_API_INPUT_INVALID', 'a department user needs its channel');
  if (!roles.includes('department') && channel !== null) throw createError('LIFECERT_API_INPUT_INVALID', 'only a department user has a channel');
  if (roles.includes('benefit-assessor') && roles.some((r) => APPROVER_ROLES.includes(r))) {
    throw createError('LIFECERT_API_ROLES_INCOMPATIBLE', 'benefit-assessor may not be given together with an approver role (待遇核定人员不得兼任资格认证相关工作)');
  }
  return { name, roles, region: input.region, channel };
}

export async function createUser(ctx: UserAdminContext, input: NewUserInput, actor: string): Promise<User> {
  const checked = checkNewUser(input);
  const user: User = { userId: newId('u'), ...checked, createdAt: formatChinaIso(ctx.now()), createdBy: actor };
  await ctx.db.transaction(async (tx) => {
    if (!(await insertUser(tx, user))) throw createError('LIFECERT_API_USER_EXISTS', 'a user of that name exists');
    await appendAudit(tx, auditEntry(ctx, actor, 'user.create', `user:${user.userId}`, { userId: user.userId, name: user.name, roles: user.roles, region: user.region, channel: user.channel }));
  });
  return user;
}

export interface IssuedToken {
  tokenId: string;
  /** shown this once; only its hash is kept */
  token: string;
  expiresAt: string;
}

export async function issueToken(ctx: UserAdminContext, userId: string, expiresInDays: number, actor: string): Promise<IssuedToken> {
  if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_TOKEN_DAYS) {
    throw createError('LIFECERT_API_INPUT_INVALID', `expiresInDays must be a whole number from 1 to ${MAX_TOKEN_DAYS}`);
  }
  const now = ctx.now();
  const token = newToken();
  const issued: IssuedToken = { tokenId: newId('t'), token, expiresAt: formatChinaIso(now + expiresInDays * DAY_MS) };
  await ctx.db.transaction(async (tx) => {
    if ((await findUser(tx, userId)) === null) throw createError('LIFECERT_API_USER_NOT_FOUND', 'no such user');
    await insertToken(tx, { tokenId: issued.tokenId, userId, tokenHash: tokenHash(ctx.secret, token), createdAt: formatChinaIso(now), expiresAt: issued.expiresAt, createdBy: actor });
    await appendAudit(tx, auditEntry(ctx, actor, 'token.create', `token:${issued.tokenId}`, { userId, tokenId: issued.tokenId, expiresAt: issued.expiresAt }));
  });
  return issued;
}

export async function revokeUserToken(ctx: UserAdminContext, userId: string, tokenId: string, actor: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const token = await findToken(tx, userId, tokenId);
    if (token === null) throw createError('LIFECERT_API_TOKEN_NOT_FOUND', 'no such token of that user');
    if (!(await revokeToken(tx, userId, tokenId, formatChinaIso(ctx.now())))) throw createError('LIFECERT_API_TOKEN_REVOKED', 'the token was already revoked');
    await appendAudit(tx, auditEntry(ctx, actor, 'token.revoke', `token:${tokenId}`, { userId, tokenId }));
  });
}
