// The embedded database template (mirror/pglite-template.ts): a fresh PGlite folder filled from
// the cached initialised + migrated template behaves as one initdb'd and migrated in place; a
// corrupt or stale template is detected, logged and rebuilt, and nothing in a data folder is
// ever overwritten. Each build runs initdb in a child process: these tests are slow by nature.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MEMORY_DATA_DIR, openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { loadMigrations, migrate } from '../../mirror/migrate.ts';
import { prepareTemplate, templatePath } from '../../mirror/pglite-template.ts';
import type { TemplateUse } from '../../mirror/pglite-template.ts';

/** The catalogue a migrated mirror has: tables, columns, indexes, views, functions, triggers, migrations. */
async function catalogue(db: Db): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
    views: await q(`SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1`),
    functions: await q(`SELECT p.proname, pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1`),
    triggers: await q(`SELECT event_object_table, trigger_name, action_timing, event_manipulation, action_statement FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2, 4`),
    constraints: await q(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
    migrations: await q(`SELECT version, name, checksum FROM schema_migrations ORDER BY version`),
    settings: await q(`SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'server_encoding', 'lc_collate', 'lc_ctype', 'data_checksums', 'block_size') ORDER BY 1`),
  };
}

describe('the embedded database template (a fresh folder without initdb in this process)', function () {
  this.timeout(600_000);
  let root: string;
  let cacheDir: string;
  const lines: string[] = [];
  const uses: TemplateUse[] = [];
  const template = () => ({ cacheDir, log: (line: string) => void lines.push(line), onUse: (u: TemplateUse) => void uses.push(u) });

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-template-'));
    cacheDir = path.join(root, 'cache');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    lines.length = 0;
    uses.length = 0;
  });

  it('builds the template once, even for two folders opened at once, and a fresh folder opens migrated', async () => {
    const [a, b] = await Promise.all([openDatabase({ dataDir: path.join(root, 'a'), template: template() }), openDatabase({ dataDir: path.join(root, 'b'), template: template() })]);
    try {
      assert.equal(uses.length, 2);
      assert.ok(uses.some((u) => u.built), 'built on first use');
      assert.ok(uses.every((u) => u.template === templatePath(cacheDir)));
      assert.ok(uses.filter((u) => u.built).every((u) => (u.builderPeakRssKiB ?? 0) > 0), 'the builder reports its peak memory');
      assert.match(lines.join('\n'), /building the embedded database template once/);
      // one template in the cache: the second builder's rename gave way, its work folder is gone
      assert.deepEqual(fs.readdirSync(path.dirname(templatePath(cacheDir))), [path.basename(templatePath(cacheDir))]);
      for (const db of [a, b]) {
        const r = await migrate(db);
        assert.deepEqual(r.applied, []);
        assert.deepEqual(r.present, loadMigrations().map((m) => m.version));
      }
      // the two folders are independent databases
      await a.exec(`CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (1)`);
      const inB = await b.query<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'only_in_a'`);
      assert.equal(inB.rows[0].n, 0);
    } finally {
      await a.close();
      await b.close();
    }
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.includes('.template-')), [], 'no partial copy left beside the folders');
  });

  it('gives a folder the same catalogue as initdb + migrate() in place', async () => {
    const fromTemplate = await openDatabase({ dataDir: path.join(root, 'c'), template: template() });
    const inPlace = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    try {
      assert.equal(uses[0]?.built, false, 'the cached template was used');
      await migrate(inPlace);
      await migrate(fromTemplate);
      assert.deepEqual(await catalogue(fromTemplate), await catalogue(inPlace));
    } finally {
      await fromTemplate.close();
      await inPlace.close();
    }
  });

  it('reopens a folder that already holds a database as it is: the template never overwrites data', async () => {
    const dir = path.join(root, 'a');
    const db = await openDatabase({ dataDir: dir, template: template() });
    try {
      assert.equal(uses.length, 0, 'the template is not used for a folder with a database');
      await db.exec(`CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)`);
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir: dir, template: template() });
    try {
      assert.deepEqual((await again.query<{ x: number }>('SELECT x FROM kept')).rows, [{ x: 42 }]);
    } finally {
      await again.close();
    }
  });

  it('detects a corrupt template (a file that differs from its manifest), logs it and rebuilds it', async () => {
    const pgdata = path.join(templatePath(cacheDir), 'pgdata');
    const victim = path.join(pgdata, 'global', 'pg_control');
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(victim, bytes);
    const db = await openDatabase({ dataDir: path.join(root, 'd'), template: template() });
    try {
      assert.equal(uses.length, 1);
      assert.equal(uses[0].built, true);
      assert.match(uses[0].rebuiltBecause ?? '', /corrupt \(global\/pg_control: its sha-256 differs/);
      assert.match(lines.join('\n'), /template .* is corrupt \(global\/pg_control: its sha-256 differs from the manifest's\): moving it aside and rebuilding it/);
      assert.deepEqual((await migrate(db)).applied, []);
    } finally {
      await db.close();
    }
    assert.ok(!fs.readFileSync(path.join(pgdata, 'global', 'pg_control')).equals(bytes), 'the rebuilt template replaced the corrupt file');
  });

  it('detects a stale template (built for another PGlite or migration set), logs it and rebuilds it', async () => {
    const manifestFile = path.join(templatePath(cacheDir), 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { key: string; pgliteVersion: string };
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, key: '0'.repeat(64), pgliteVersion: '0.0.1' }));
    const db = await openDatabase({ dataDir: path.join(root, 'e'), template: template() });
    try {
      assert.equal(uses[0]?.built, true);
      assert.match(lines.join('\n'), /is stale \(built for 0\.0\.1 format 1 key 0000000000000000, this is .* key [0-9a-f]{16}\): moving it aside and rebuilding it/);
      assert.deepEqual((await migrate(db)).applied, []);
    } finally {
      await db.close();
    }
    assert.equal(JSON.parse(fs.readFileSync(manifestFile, 'utf8')).key, manifest.key, 'the rebuilt manifest has the current key');
  });

  it('prepareTemplate checks the cached template without opening a database and leaves nothing behind', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('lifecert-template-check-'));
    const use = await prepareTemplate(template());
    assert.equal(use.built, false);
    assert.equal(use.template, templatePath(cacheDir));
    assert.deepEqual(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('lifecert-template-check-')), before);
  });

  it('falls back to initdb in place, with a log line, when the cache folder cannot be written', async () => {
    const blocked = path.join(root, 'not-a-folder');
    fs.writeFileSync(blocked, 'a file where the cache folder should be');
    const db = await openDatabase({ dataDir: path.join(root, 'f'), template: { ...template(), cacheDir: blocked } });
    try {
      assert.equal(uses.length, 0);
      assert.match(lines.join('\n'), /the embedded database template cannot be used \(.*\): initialising .*\/f\/pglite in this process/);
      const r = await migrate(db);
      assert.deepEqual(r.applied, loadMigrations().map((m) => m.version), 'an empty database, migrated here');
    } finally {
      await db.close();
    }
  });
});
