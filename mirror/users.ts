// Users and their API tokens (008_gateway.sql). Tokens are looked up by their keyed hash: the
// token itself never reaches the database.
import type { ApiToken, Role, User } from '../schemas/access.ts';
import type { Queryable } from './db.ts';

interface UserRow {
  user_id: string;
  name: string;
  roles: Role[];
  region: string;
  channel: string | null;
  created_at: string;
  created_by: string;
}

interface TokenRow {
  token_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  created_by: string;
}

const USER_COLUMNS = 'user_id, name, roles, region, channel, created_at, created_by';
const TOKEN_COLUMNS = 'token_id, user_id, created_at, expires_at, revoked_at, created_by';

function toUser(r: UserRow): User {
  return { userId: r.user_id, name: r.name, roles: r.roles, region: r.region, channel: r.channel, createdAt: r.created_at, createdBy: r.created_by };
}

function toToken(r: TokenRow): ApiToken {
  return { tokenId: r.token_id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, createdBy: r.created_by };
}

/**
 * Adds a user; false (and nothing written) when the name is taken. The table's CHECKs refuse
 * a forbidden role combination or a malformed region even if a caller skipped its own checks.
 */
export async function insertUser(db: Queryable, user: User): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING user_id`,
    [user.userId, user.name, user.roles, user.region, user.channel, user.createdAt, user.createdBy],
  );
  return res.rows.length === 1;
}

export async function findUser(db: Queryable, userId: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE user_id = $1`, [userId]);
  return rows.length === 0 ? null : toUser(rows[0]);
}

export async function findUserByName(db: Queryable, name: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = $1`, [name]);
  return rows.length === 0 ? null : toUser(rows[0]);
}

export interface NewToken {
  tokenId: string;
  userId: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
}

export async function insertToken(db: Queryable, token: NewToken): Promise<void> {
  await db.query(
    `INSERT INTO api_tokens (token_id, user_id, token_hash, created_at, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [token.tokenId, token.userId, token.tokenHash, token.createdAt, token.expiresAt, token.createdBy],
  );
}

/** The token with that hash and its user, whatever the token's state (the caller tells expired from revoked). */
export async function findTokenByHash(db: Queryable, tokenHash: string): Promise<{ token: ApiToken; user: User } | null> {
  const { rows } = await db.query<TokenRow & { u_name: string; u_roles: Role[]; u_region: string; u_channel: string | null; u_created_at: string; u_created_by: string }>(
    `SELECT t.token_id, t.user_id, t.created_at, t.expires_at, t.revoked_at, t.created_by,
            u.name AS u_name, u.roles AS u_roles, u.region AS u_region, u.channel AS u_channel,
            u.created_at AS u_created_at, u.created_by AS u_created_by
       FROM api_tokens t JOIN users u ON u.user_id = t.user_id
      WHERE t.token_hash = $1`,
    [tokenHash],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return {
    token: toToken(r),
    user: { userId: r.user_id, name: r.u_name, roles: r.u_roles, region: r.u_region, channel: r.u_channel, createdAt: r.u_created_at, createdBy: r.u_created_by },
  };
}

export async function findToken(db: Queryable, userId: string, tokenId: string): Promise<ApiToken | null> {
  const { rows } = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 AND token_id = $2`, [userId, tokenId]);
  return rows.length === 0 ? null : toToken(rows[0]);
}

/** Revokes a token of that user at `at`: false when there is no such token or it was already revoked. */
export async function revokeToken(db: Queryable, userId: string, tokenId: string, at: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE api_tokens SET revoked_at = $3 WHERE user_id = $1 AND token_id = $2 AND revoked_at IS NULL RETURNING token_id`,
    [userId, tokenId, at],
  );
  return res.rows.length === 1;
}

/** The tokens of a user, newest first (never their hashes). */
export async function listTokens(db: Queryable, userId: string): Promise<ApiToken[]> {
  const { rows } = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, token_id`, [userId]);
  return rows.map(toToken);
}
