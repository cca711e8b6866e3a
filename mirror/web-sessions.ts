// Web sessions of the gateway's pages: opened by a login, ended by a logout (migration 011).
import type { Queryable } from './db.ts';

export interface WebSession {
  sessionId: string;
  userId: string;
  tokenId: string;
  /** ISO 8601 +08:00 */
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
}

export async function insertWebSession(db: Queryable, s: Omit<WebSession, 'endedAt'>): Promise<void> {
  // sessions past their expiry are of no use to anyone: each login clears them out
  await db.query(`DELETE FROM web_sessions WHERE expires_at < $1::timestamptz - interval '1 day'`, [s.createdAt]);
  await db.query(
    `INSERT INTO web_sessions (session_id, user_id, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [s.sessionId, s.userId, s.tokenId, s.createdAt, s.expiresAt],
  );
}

export async function findWebSession(db: Queryable, sessionId: string): Promise<WebSession | null> {
  const { rows } = await db.query<{ session_id: string; user_id: string; token_id: string; created_at: string; expires_at: string; ended_at: string | null }>(
    `SELECT session_id, user_id, token_id, created_at, expires_at, ended_at FROM web_sessions WHERE session_id = $1`,
    [sessionId],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return { sessionId: r.session_id, userId: r.user_id, tokenId: r.token_id, createdAt: r.created_at, expiresAt: r.expires_at, endedAt: r.ended_at };
}

/** Ends a session at `at`: false when there is none or it had ended already. */
export async function endWebSession(db: Queryable, sessionId: string, at: string): Promise<boolean> {
  const res = await db.query(`UPDATE web_sessions SET ended_at = $2 WHERE session_id = $1 AND ended_at IS NULL RETURNING session_id`, [sessionId, at]);
  return res.rows.length === 1;
}
