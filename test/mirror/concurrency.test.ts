// Several workers share one PostgreSQL: migrations and staging of one (channel, dataset) must
// stay right when they run at the same time.
import assert from 'node:assert/strict';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { loadMigrations, migrate } from '../../mirror/migrate.ts';
import { stagePage } from '../../mirror/staging.ts';
import type { RecordToStage } from '../../mirror/staging.ts';
import { createScratchPostgres, identityNumber } from './db-targets.ts';
import type { ScratchPostgres } from './db-targets.ts';
import { requirePostgres } from '../support/servers.ts';

describe('mirror under concurrent workers [postgres]', function () {
  requirePostgres();
  this.timeout(120_000);
  let scratch: ScratchPostgres;
  let a: Db;
  let b: Db;
  before(async () => {
    scratch = await createScratchPostgres();
    a = await openDatabase({ databaseUrl: scratch.url, poolSize: 4 });
    b = await openDatabase({ databaseUrl: scratch.url, poolSize: 4 });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await scratch?.drop();
  });

  it('two processes migrating at once apply each migration once', async () => {
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    assert.deepEqual([...ra.applied, ...rb.applied].sort(), loadMigrations().map((m) => m.version));
    assert.ok(ra.applied.length === 0 || rb.applied.length === 0, 'one of them found everything applied');
    const { rows } = await a.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
    assert.equal(rows[0].n, ra.applied.length + rb.applied.length);
  });

  it('pages of one dataset staged at the same time keep one version per content and one current version per record', async () => {
    const person = identityNumber('44010619500101001');
    const page = (versionTag: string, receivedAt: string): RecordToStage[] =>
      Array.from({ length: 50 }, (_, i) => ({
        recordId: `R-${i}`,
        raw: { id: `R-${i}`, tag: i % 2 === 0 ? 'same' : versionTag },
        updatedAt: '2026-11-20T09:00:00+08:00',
        normalized: { outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: person, name: '', date: '2026-11-01', detail: {} } },
      }));
    const stage = (db: Db, tag: string) =>
      db.transaction((tx) => stagePage(tx, { pullId: null, channel: 'health', dataset: 'deaths', seq: 1, request: tag, body: tag, receivedAt: '2026-11-29T01:00:00+08:00', records: page(tag, ''), state: { tag } }));
    await Promise.all([stage(a, 'x'), stage(b, 'y'), stage(a, 'z'), stage(b, 'x')]);
    const versions = await a.query<{ n: number }>('SELECT count(*) AS n FROM source_records');
    // 25 records with one shared content, 25 with three contents (x, y, z)
    assert.equal(versions.rows[0].n, 25 + 25 * 3);
    const current = await a.query<{ record_id: string; n: number }>('SELECT record_id, count(*) AS n FROM current_source_records GROUP BY record_id HAVING count(*) <> 1');
    assert.deepEqual(current.rows, []);
    const agree = await a.query<{ n: number }>(
      `SELECT count(*) AS n FROM current_source_records c FULL JOIN current_source_records_by_order o USING (arrival_seq) WHERE c.arrival_seq IS NULL OR o.arrival_seq IS NULL`);
    assert.equal(agree.rows[0].n, 0);
  });
});
