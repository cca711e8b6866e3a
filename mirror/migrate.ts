// Schema migrations: `migrations/NNN_name.sql`, applied in file order, each recorded in
// schema_migrations with a checksum. One migrate() call is one transaction under an advisory
// lock, so workers starting together on one PostgreSQL apply each migration exactly once, and
// a failing migration leaves the schema as it was.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';
import { MirrorError } from './errors.ts';

export interface Migration {
  /** `001` */
  version: string;
  /** `staging` */
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

// any fixed number: the advisory lock that serializes migrate() across processes
const MIGRATION_LOCK = 4_857_001;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<string>();
  return files.map((file) => {
    const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `migration file name must be NNN_name.sql: ${file}`);
    if (seen.has(m[1])) throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `two migrations share version ${m[1]}`);
    seen.add(m[1]);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version: m[1], name: m[2], sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrateResult {
  /** versions applied by this call, in order */
  applied: string[];
  /** versions that were already there */
  present: string[];
}

export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const result: MigrateResult = { applied: [], present: [] };
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new MirrorError(
            'LIFECERT_MIRROR_MIGRATION_CHANGED',
            `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead of editing it`,
          );
        }
        result.present.push(m.version);
        continue;
      }
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new MirrorError('LIFECERT_MIRROR_MIGRATION_FAILED', `migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      result.applied.push(m.version);
    }
    return result;
  });
}
