import assert from 'node:assert/strict';
import { MirrorError } from '../../mirror/errors.ts';
import { loadMigrations, migrate } from '../../mirror/migrate.ts';
import type { Migration } from '../../mirror/migrate.ts';
import { forEachDatabase } from './db-targets.ts';

forEachDatabase('migrations', ({ db }) => {
  it('applies every migration once, in order, and a second run changes nothing', async () => {
    const files = loadMigrations();
    assert.deepEqual(files.map((m) => m.version), [...files.map((m) => m.version)].sort());
    const first = await migrate(db());
    assert.deepEqual(first.applied, files.map((m) => m.version));
    const second = await migrate(db());
    assert.deepEqual(second.applied, []);
    assert.deepEqual(second.present, files.map((m) => m.version));
    const { rows } = await db().query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), files.map((m) => m.version));
  });

  it('creates the staging and roster tables and views', async () => {
    const { rows } = await db().query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const names = rows.map((r) => r.name);
    for (const t of ['pulls', 'raw_pages', 'cursors', 'source_records', 'rejections', 't1_recipients', 'current_source_records', 'counted_events', 'skips', 'feedback_items']) {
      assert.ok(names.includes(t), `${t} exists`);
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited: Migration[] = loadMigrations().map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'different' } : m));
    await assert.rejects(migrate(db(), edited), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_MIGRATION_CHANGED');
  });

  it('a failing migration applies nothing of that run', async () => {
    const files = loadMigrations();
    const extra: Migration[] = [
      ...files,
      { version: '900', name: 'good', sql: 'CREATE TABLE probe_good (x int);', checksum: 'g' },
      { version: '901', name: 'bad', sql: 'CREATE TABLE probe_bad (x int); SELECT no_such_function();', checksum: 'b' },
    ];
    await assert.rejects(migrate(db(), extra), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_MIGRATION_FAILED' && /901_bad/.test(e.message));
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('probe_good', 'probe_bad')`,
    );
    assert.equal(rows[0].n, 0);
    const applied = await db().query<{ version: string }>(`SELECT version FROM schema_migrations WHERE version >= '900'`);
    assert.deepEqual(applied.rows, []);
  });
}, { migrate: false });
