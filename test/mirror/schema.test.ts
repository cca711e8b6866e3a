// openDatabase({ schema }): a mirror's tables in a schema of their own (what `demo
// --database-url` uses so it never touches the database's own mirror), on both stores.
import assert from 'node:assert/strict';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { MirrorError } from '../../mirror/errors.ts';
import { createScratchPostgres } from './db-targets.ts';
import type { ScratchPostgres } from './db-targets.ts';
import { requirePostgres } from '../support/servers.ts';

async function tablesIn(db: Db, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
  return rows.map((r) => r.t);
}

describe('a mirror in its own schema', function () {
  this.timeout(120_000);

  describe('on PostgreSQL', () => {
    requirePostgres();

    it('PostgreSQL: every pooled session works in the schema, created on open; public stays empty', async () => {
      const scratch: ScratchPostgres = await createScratchPostgres();
      try {
        const inSchema = await openDatabase({ databaseUrl: scratch.url, schema: 'lifecert_demo', poolSize: 3 });
        try {
          await migrate(inSchema);
          // several sessions at once: each must see the schema's tables
          const counts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => inSchema.query<{ n: number }>('SELECT count(*)::int AS n FROM results')));
          assert.deepEqual(counts.map((c) => c.rows[0].n), [0, 0, 0, 0, 0, 0]);
          assert.ok((await tablesIn(inSchema, 'lifecert_demo')).includes('results'));
          assert.deepEqual(await tablesIn(inSchema, 'public'), []);
          assert.match(inSchema.location, /\(schema lifecert_demo\)$/);
        } finally {
          await inSchema.close();
        }
        const plain = await openDatabase({ databaseUrl: scratch.url });
        try {
          const { rows } = await plain.query<{ t: string | null }>(`SELECT to_regclass('results')::text AS t`);
          assert.equal(rows[0].t, null, 'without the schema the tables are not on the search path');
        } finally {
          await plain.close();
        }
      } finally {
        await scratch.drop();
      }
    });
  });

  it('PGlite: the schema holds the tables', async () => {
    const db = await openDatabase({ dataDir: 'memory://', schema: 'other' });
    try {
      await migrate(db);
      assert.ok((await tablesIn(db, 'other')).includes('t1_recipients'));
      assert.deepEqual(await tablesIn(db, 'public'), []);
    } finally {
      await db.close();
    }
  });

  it('refuses a schema name that is not a plain lower-case identifier', async () => {
    for (const schema of ['Demo', 'a;drop', '1x', '']) {
      await assert.rejects(openDatabase({ dataDir: 'memory://', schema }), (e: unknown) => e instanceof MirrorError && e.code === 'MIRROR_CONFIG_INVALID');
    }
  });
});
