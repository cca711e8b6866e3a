// A fresh PostgreSQL database for one benchmark run (as test/mirror/db-targets.ts does for the
// test suites): created on the server of DATABASE_URL, or of 127.0.0.1:5432 when it answers,
// and dropped afterwards so runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  /** connection string of the fresh database */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server to use, or why there is none. DATABASE_URL set but unreachable is an error. */
export async function findPostgres(env: NodeJS.ProcessEnv = process.env): Promise<{ adminUrl: string } | { skipped: string }> {
  const explicit = env.DATABASE_URL?.trim();
  const adminUrl = explicit || LOCAL_POSTGRES;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { adminUrl };
  } catch (err) {
    if (explicit) throw new Error(`DATABASE_URL is set but PostgreSQL does not answer there: ${(err as Error).message}`, { cause: err });
    return { skipped: `no PostgreSQL answers on 127.0.0.1:5432 (${(err as Error).message}) and DATABASE_URL is not set` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `lifecert_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The URL without its password, for printing. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
