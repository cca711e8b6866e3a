import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, quoteIdentifier, timestamptzToChinaIso, databaseOptionsFromEnv, PGLITE_SHARED_BUFFERS } from '../../mirror/db.ts';
import { MirrorError } from '../../mirror/errors.ts';
import { forEachDatabase } from './db-targets.ts';

forEachDatabase('db adapter', ({ db, kind }) => {
  before(async () => {
    await db().exec(`CREATE TABLE kinds (id bigserial PRIMARY KEY, n bigint, amount numeric, at timestamptz, day date,
      body bytea, doc jsonb, raw json, label text, flag boolean)`);
  });
  beforeEach(async () => {
    await db().exec('TRUNCATE kinds RESTART IDENTITY');
  });

  it('reports its kind', () => {
    assert.equal(db().kind, kind);
  });

  it('aligns result types: int8/numeric → number, bytea → Buffer, timestamptz → ISO +08:00, date → YYYY-MM-DD, json → value', async () => {
    await db().query(
      `INSERT INTO kinds (n, amount, at, day, body, doc, raw, label, flag) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
      [9_007_199_254_740_000n, '12345', '2026-11-20T01:12:45Z', '2026-11-03', Buffer.from([0, 1, 254, 255]), { b: [1, 'x'], a: null }, '{"z":1,"a":2}', '名字', true],
    );
    const { rows } = await db().query<Record<string, unknown>>(`SELECT *, (SELECT count(*) FROM kinds) AS total, sum(n) OVER () AS summed FROM kinds`);
    const row = rows[0];
    assert.equal(row.id, 1);
    assert.equal(row.n, 9_007_199_254_740_000);
    assert.equal(row.amount, 12345);
    assert.equal(row.total, 1);
    assert.equal(row.summed, 9_007_199_254_740_000);
    assert.equal(row.at, '2026-11-20T09:12:45+08:00');
    assert.equal(row.day, '2026-11-03');
    assert.ok(Buffer.isBuffer(row.body), 'bytea comes back as a Buffer');
    assert.deepEqual([...(row.body as Buffer)], [0, 1, 254, 255]);
    assert.deepEqual(row.doc, { a: null, b: [1, 'x'] });
    assert.deepEqual(Object.keys(row.raw as object), ['z', 'a'], 'json keeps the key order it was given');
    assert.equal(row.label, '名字');
    assert.equal(row.flag, true);
  });

  it('keeps milliseconds only when present and reads any offset as China time', async () => {
    await db().query(`INSERT INTO kinds (at) VALUES ($1), ($2), ($3), (NULL)`, ['2026-11-20T09:12:45.123+08:00', '2026-01-01T00:00:00-05:30', new Date(Date.UTC(2026, 0, 1))]);
    const { rows } = await db().query<{ at: string | null }>(`SELECT at FROM kinds ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.at), ['2026-11-20T09:12:45.123+08:00', '2026-01-01T13:30:00+08:00', '2026-01-01T08:00:00+08:00', null]);
  });

  it('runs the session in China time (SQL dates of instants are China dates)', async () => {
    const { rows } = await db().query<{ d: string }>(`SELECT ($1::timestamptz)::date AS d`, ['2026-11-02T18:30:00Z']);
    assert.equal(rows[0].d, '2026-11-03');
  });

  it('passes arrays with nulls as PostgreSQL arrays', async () => {
    const { rows } = await db().query<{ n: number; firsts: string | null }>(`SELECT cardinality($1::text[]) AS n, ($1::text[])[2] AS firsts`, [['a', null, 'c']]);
    assert.equal(rows[0].n, 3);
    assert.equal(rows[0].firsts, null);
  });

  it('reports changed rows in rowCount', async () => {
    await db().query(`INSERT INTO kinds (label) VALUES ('a'), ('b'), ('c')`);
    const res = await db().query(`UPDATE kinds SET flag = true WHERE label <> 'a'`);
    assert.equal(res.rowCount, 2);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db().transaction(async (tx) => {
      await tx.query(`INSERT INTO kinds (label) VALUES ('kept')`);
    });
    await assert.rejects(
      db().transaction(async (tx) => {
        await tx.query(`INSERT INTO kinds (label) VALUES ('lost')`);
        throw new Error('boom');
      }),
      /boom/,
    );
    const { rows } = await db().query<{ label: string }>(`SELECT label FROM kinds`);
    assert.deepEqual(rows.map((r) => r.label), ['kept']);
  });

  it('bulk-loads with COPY: NULL vs empty string, quotes, commas, newlines, bytea, json', async () => {
    function* rows(): Generator<unknown[]> {
      yield [1, 'plain', null, '2026-11-03', Buffer.from('hi'), { k: 'v,"q"' }];
      yield [2, '', 1.5, null, null, null];
      yield [3, 'a "quoted", multi\nline 名', 0, '2026-01-01', new Uint8Array([1, 2]), [1, 2]];
    }
    const n = await db().copyInto('kinds', ['n', 'label', 'amount', 'day', 'body', 'doc'], rows());
    assert.equal(n, 3);
    const { rows: got } = await db().query<Record<string, unknown>>(`SELECT n, label, amount, day, body, doc FROM kinds ORDER BY n`);
    assert.deepEqual(got, [
      { n: 1, label: 'plain', amount: null, day: '2026-11-03', body: Buffer.from('hi'), doc: { k: 'v,"q"' } },
      { n: 2, label: '', amount: 1.5, day: null, body: null, doc: null },
      { n: 3, label: 'a "quoted", multi\nline 名', amount: 0, day: '2026-01-01', body: Buffer.from([1, 2]), doc: [1, 2] },
    ]);
  });

  it('COPY of many rows arrives whole, and a bad row loads nothing', async () => {
    async function* many(): AsyncGenerator<unknown[]> {
      for (let i = 0; i < 60_123; i++) yield [i, `label ${i}`];
    }
    assert.equal(await db().copyInto('kinds', ['n', 'label'], many()), 60_123);
    const { rows } = await db().query<{ c: number; s: number }>(`SELECT count(*) AS c, sum(n) AS s FROM kinds`);
    assert.deepEqual(rows[0], { c: 60_123, s: (60_122 * 60_123) / 2 });

    await db().exec('TRUNCATE kinds');
    await assert.rejects(db().copyInto('kinds', ['n', 'day'], [[1, '2026-01-01'], [2, 'not a date']]));
    const after = await db().query<{ c: number }>(`SELECT count(*) AS c FROM kinds`);
    assert.equal(after.rows[0].c, 0);
  });

  it('COPY inside a transaction rolls back with it', async () => {
    await assert.rejects(
      db().transaction(async (tx) => {
        await tx.copyInto('kinds', ['label'], [['x'], ['y']]);
        throw new Error('after copy');
      }),
      /after copy/,
    );
    const { rows } = await db().query<{ c: number }>(`SELECT count(*) AS c FROM kinds`);
    assert.equal(rows[0].c, 0);
  });

  it('refuses rows of the wrong width and table names that are not identifiers', async () => {
    await assert.rejects(db().copyInto('kinds', ['n', 'label'], [[1]]), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_INPUT_INVALID');
    await assert.rejects(db().copyInto('kinds; DROP TABLE kinds', ['n'], [[1]]), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_IDENTIFIER_INVALID');
  });
});

describe('db adapter: configuration and the PGlite lock file', function () {
  this.timeout(120_000);

  it('reads DATABASE_URL and LIFECERT_DATA_DIR', () => {
    assert.deepEqual(databaseOptionsFromEnv({ DATABASE_URL: 'postgres://x@h/db' }), { databaseUrl: 'postgres://x@h/db' });
    assert.deepEqual(databaseOptionsFromEnv({ LIFECERT_DATA_DIR: '/srv/lifecert' }), { dataDir: '/srv/lifecert' });
    assert.deepEqual(databaseOptionsFromEnv({}), { dataDir: './data' });
  });

  it('formats PostgreSQL timestamptz text in China time', () => {
    assert.equal(timestamptzToChinaIso('2026-11-20 01:12:45+00'), '2026-11-20T09:12:45+08:00');
    assert.equal(timestamptzToChinaIso('2026-11-20 09:12:45.5+08'), '2026-11-20T09:12:45.500+08:00');
    assert.equal(timestamptzToChinaIso('1900-01-01 00:00:00+08:05:43'), '1899-12-31T23:54:17+08:00');
    assert.equal(timestamptzToChinaIso('infinity'), 'infinity');
  });

  it('quotes identifiers and refuses anything else', () => {
    assert.equal(quoteIdentifier('t1_recipients'), '"t1_recipients"');
    assert.equal(quoteIdentifier('mirror.t1_recipients'), '"mirror"."t1_recipients"');
    assert.throws(() => quoteIdentifier('t1"; --'), MirrorError);
  });

  it('gives a clear error when PostgreSQL is unreachable', async () => {
    await assert.rejects(openDatabase({ databaseUrl: 'postgres://postgres:secret@127.0.0.1:1/none' }), (e: unknown) => {
      assert.ok(e instanceof MirrorError);
      assert.equal(e.code, 'LIFECERT_MIRROR_CONFIG_INVALID');
      assert.match(e.message, /cannot connect to PostgreSQL/);
      assert.doesNotMatch(e.message, /secret/, 'the password stays out of the message');
      return true;
    });
  });

  it('keeps data in <dataDir>/pglite, refuses a second open while held, and reopens after close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-db-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await first.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
      assert.ok(fs.existsSync(path.join(dir, 'pglite.lock')));
      await assert.rejects(openDatabase({ dataDir: dir }), (e: unknown) => {
        assert.ok(e instanceof MirrorError);
        assert.equal(e.code, 'LIFECERT_MIRROR_DATA_DIR_LOCKED');
        assert.match(e.message, new RegExp(`process ${process.pid}`));
        return true;
      });
      // another process is refused the same way
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
        const { openDatabase } = await import(${JSON.stringify(path.resolve('mirror/db.ts'))});
        try { await openDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log('OPENED'); }
        catch (e) { console.log(e.code); }`], { encoding: 'utf8' });
      assert.equal(child.stdout.trim(), 'LIFECERT_MIRROR_DATA_DIR_LOCKED', child.stderr);
      await first.close();
      assert.ok(!fs.existsSync(path.join(dir, 'pglite.lock')), 'close releases the lock');
      const second = await openDatabase({ dataDir: dir });
      const { rows } = await second.query<{ v: string }>('SELECT v FROM kept');
      assert.deepEqual(rows, [{ v: 'still here' }]);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-db-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
      fs.writeFileSync(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: Number(dead.stdout.trim()), host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
      const db = await openDatabase({ dataDir: dir });
      const owner = JSON.parse(fs.readFileSync(path.join(dir, 'pglite.lock'), 'utf8')) as { pid: number };
      assert.equal(owner.pid, process.pid);
      await db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs embedded PGlite with the embedded mirror's buffer pool, beside PGlite's own start parameters", async () => {
    // initdb's 128MB pool is ~150 MiB resident in the WebAssembly memory from the start (mirror/db.ts)
    assert.equal(PGLITE_SHARED_BUFFERS, '16MB');
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      const show = async (name: string) => (await db.query<Record<string, string>>(`SHOW ${name}`)).rows[0][name];
      assert.equal(await show('shared_buffers'), '16MB');
      assert.equal(await show('wal_buffers'), '512kB', 'wal_buffers follows the pool (1/32)');
      // PGlite's defaults are kept, not replaced
      assert.equal(await show('max_parallel_workers'), '0');
      assert.equal(await show('io_method'), 'sync');
    } finally {
      await db.close();
    }
  });

  it('refuses use after close', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.close();
    await assert.rejects(async () => db.query('SELECT 1'), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_CLOSED');
  });
});
