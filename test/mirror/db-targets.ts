// Runs a suite against both stores the mirror supports: embedded PGlite (in memory) and a
// real PostgreSQL, where each suite gets its own fresh database (created here, dropped after)
// so suites never see each other's rows. LIFECERT_TEST_PG_ADMIN_URL overrides the server; when
// it does not answer, the PostgreSQL suites skip (test/support/servers.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../mirror/db.ts';
import type { Db, DbKind } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { openPull } from '../../mirror/pulls.ts';
import type { PageToStage, RecordToStage } from '../../mirror/staging.ts';
import { DEFAULT_PG_ADMIN_URL, requirePostgres } from '../support/servers.ts';

export const PG_ADMIN_URL = process.env.LIFECERT_TEST_PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL;

export interface ScratchPostgres {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database on the test server (call requirePostgres() in the suite). */
export async function createScratchPostgres(): Promise<ScratchPostgres> {
  const name = `lifecert_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface DbSuite {
  /** the suite's database (migrated) */
  db(): Db;
  kind: DbKind;
}

/** `describe(title)` once per store, with a migrated database opened before and removed after. */
export function forEachDatabase(title: string, body: (suite: DbSuite) => void, options: { migrate?: boolean } = {}): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, function () {
      if (kind === 'postgres') requirePostgres();
      this.timeout(120_000);
      let db: Db | undefined;
      let scratch: ScratchPostgres | undefined;
      before(async () => {
        if (kind === 'postgres') {
          scratch = await createScratchPostgres();
          db = await openDatabase({ databaseUrl: scratch.url });
        } else {
          db = await openDatabase({ dataDir: 'memory://' });
        }
        if (options.migrate ?? true) await migrate(db);
      });
      after(async () => {
        await db?.close();
        await scratch?.drop();
      });
      body({
        kind,
        db() {
          if (!db) throw new Error('database not open yet');
          return db;
        },
      });
    });
  }
}

/** Empties every table the staging and roster migrations create (between tests of one suite). */
export async function resetMirror(db: Db): Promise<void> {
  await db.exec('TRUNCATE rejections, source_records, raw_pages, cursors, pulls, t1_recipients RESTART IDENTITY CASCADE');
}

/** An empty mirror with one running pull of health/death-certificates (the staging suites' start); its pull id. */
export async function freshHealthPull(db: Db): Promise<number> {
  await resetMirror(db);
  return openPull(db, { runId: 'run-1', channel: 'health', dataset: 'death-certificates', asOf: '2026-11-28', startedAt: '2026-11-29T01:00:00+08:00' });
}

/** Page `seq` of that pull: the records, their raw records as the body, `{ page: seq }` as the cursor unless given. */
export function healthPage(
  pullId: number,
  seq: number,
  records: RecordToStage[],
  options: { dataset?: string; state?: Record<string, unknown>; receivedAt?: string } = {},
): PageToStage {
  const dataset = options.dataset ?? 'death-certificates';
  return {
    pullId, channel: 'health', dataset, seq, request: `GET /v2/${dataset}?page=${seq}`,
    body: JSON.stringify({ data: records.map((r) => r.raw) }), receivedAt: options.receivedAt ?? '2026-11-29T01:00:00+08:00', records, state: options.state ?? { page: seq },
  };
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A valid 18-character identity number from its first 17 digits (GB 11643 check digit). */
export function identityNumber(first17: string): string {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return first17 + CHECK[sum % 11];
}
