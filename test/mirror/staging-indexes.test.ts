// 017_staging_indexes.sql: the version key on the first 128 bits of the hash (no ON CONFLICT
// arbiter in the staging), and the newest staged update time per (channel, dataset) kept by a
// statement trigger instead of an index of every staged version.
import assert from 'node:assert/strict';
import { datasetHealth } from '../../mirror/connector-health.ts';
import type { Queryable, QueryResult } from '../../mirror/db.ts';
import { MirrorError } from '../../mirror/errors.ts';
import { LOOKUP_VERSIONS, stagePage } from '../../mirror/staging.ts';
import type { PageToStage, RecordToStage } from '../../mirror/staging.ts';
import type { Normalized } from '../../schemas/types.ts';
import { forEachDatabase, freshHealthPull, healthPage, identityNumber } from './db-targets.ts';

const P1 = identityNumber('44010619500101001');

const death = (date: string): Normalized => ({ outcome: 'staged', event: { kind: 'DEATH', origin: 'health', personId: P1, name: '张三', date, detail: { dateKind: 'death' } } });
const rejected: Normalized = { outcome: 'rejected', reasonCode: 'ID_FORMAT', field: 'idNumber', message: 'bad', personId: null };

function rec(recordId: string, updatedAt: string, tag: string, normalized: Normalized): RecordToStage {
  return { recordId, raw: { certificateNo: recordId, tag }, updatedAt, normalized };
}

forEachDatabase('staging indexes (017)', ({ db }) => {
  let pullId: number;
  let seq = 0;
  beforeEach(async () => {
    pullId = await freshHealthPull(db());
    seq = 0;
  });

  function page(records: RecordToStage[], dataset = 'death-certificates'): PageToStage {
    seq++;
    return healthPage(pullId, seq, records, { dataset });
  }

  async function newest(): Promise<Array<{ channel: string; dataset: string; newest_update_at: string | null }>> {
    const { rows } = await db().query<{ channel: string; dataset: string; newest_update_at: string | null }>(
      `SELECT channel, dataset, newest_update_at FROM source_newest_staged ORDER BY channel, dataset`);
    return rows;
  }

  async function newestFromScratch(): Promise<Array<{ channel: string; dataset: string; newest_update_at: string | null }>> {
    const { rows } = await db().query<{ channel: string; dataset: string; newest_update_at: string | null }>(
      `SELECT channel, dataset, max(source_updated_at) AS newest_update_at FROM source_records WHERE outcome = 'staged'
        GROUP BY channel, dataset ORDER BY channel, dataset`);
    return rows;
  }

  it('keeps the newest staged update time per dataset: rejected versions and older arrivals do not move it', async () => {
    await db().transaction((tx) => stagePage(tx, page([
      rec('DC-1', '2026-11-20T09:00:00+08:00', 'a', death('2026-11-01')),
      rec('DC-2', '2026-11-25T09:00:00+08:00', 'a', rejected),
    ])));
    assert.deepEqual(await newest(), [{ channel: 'health', dataset: 'death-certificates', newest_update_at: '2026-11-20T09:00:00+08:00' }]);
    // an older version arriving later, and a version without a readable update time
    await db().transaction((tx) => stagePage(tx, page([
      rec('DC-1', '2026-11-10T09:00:00+08:00', 'b', death('2026-11-02')),
      rec('DC-3', '', 'a', death('2026-11-03')),
    ])));
    assert.deepEqual(await newest(), await newestFromScratch());
    assert.equal((await newest())[0].newest_update_at, '2026-11-20T09:00:00+08:00');
    await db().transaction((tx) => stagePage(tx, page([rec('DC-4', '2026-11-27T10:00:00+08:00', 'a', death('2026-11-04'))])));
    await db().transaction((tx) => stagePage(tx, page([rec('V-1', '', 'a', death('2026-11-05'))], 'vaccinations')));
    assert.deepEqual(await newest(), await newestFromScratch());
    assert.deepEqual((await newest()).map((r) => r.newest_update_at), ['2026-11-27T10:00:00+08:00', null]);

    const [health] = await datasetHealth(db(), [{ channel: 'health', dataset: 'death-certificates' }], '2026-11-01T00:00:00+08:00');
    assert.equal(health.newestUpdateAt, '2026-11-27T10:00:00+08:00');

    await db().exec('TRUNCATE rejections, source_records, raw_pages, cursors, pulls RESTART IDENTITY CASCADE');
    assert.deepEqual(await newest(), []);
  });

  it('a version is stored once: a duplicate the lookup did not see is refused with a coded error and the page stages nothing', async () => {
    const records = [rec('DC-1', '2026-11-20T09:00:00+08:00', 'a', death('2026-11-01')), rec('DC-2', '2026-11-21T09:00:00+08:00', 'a', death('2026-11-01'))];
    await db().transaction((tx) => stagePage(tx, page(records)));
    // a transaction whose lookup of held versions comes back empty: what a writer outside the
    // staging's lock would see, racing it
    const blind = (tx: Queryable): Queryable => ({
      kind: tx.kind,
      exec: (sql) => tx.exec(sql),
      copyInto: (t, c, r) => tx.copyInto(t, c, r),
      async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
        if (/^\s*SELECT v\.arrival_seq, v\.record_id, v\.raw_hash/.test(sql)) return { rows: [], rowCount: 0 };
        return tx.query<T>(sql, params);
      },
    });
    await assert.rejects(
      db().transaction((tx) => stagePage(blind(tx), page([rec('DC-3', '2026-11-22T09:00:00+08:00', 'a', death('2026-11-01')), records[1]]))),
      (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_INPUT_INVALID' && /appeared concurrently/.test(e.message),
    );
    const { rows } = await db().query<{ record_id: string }>('SELECT record_id FROM source_records ORDER BY arrival_seq');
    assert.deepEqual(rows.map((r) => r.record_id), ['DC-1', 'DC-2']);
    const pages = await db().query<{ n: number }>('SELECT count(*) AS n FROM raw_pages');
    assert.equal(pages.rows[0].n, 1);
  });

  it('looks held versions up by one descent of the version key per record id, whatever the statistics say', async () => {
    // 3,000 versions of one dataset staged in pages of 1,000 and never analyzed: what a month's
    // pulls leave behind them before the match's ANALYZE
    for (let p = 0; p < 3; p++) {
      await db().transaction((tx) => stagePage(tx, page(Array.from({ length: 1000 }, (_, i) => rec(`DC-${p * 1000 + i}`, '2026-11-20T09:00:00+08:00', 'a', death('2026-11-01'))))));
    }
    const ids = Array.from({ length: 1000 }, (_, i) => `DC-${i * 3}`);
    const { rows } = await db().query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${LOOKUP_VERSIONS}`, ['health', 'death-certificates', ids]);
    const raw = rows[0]['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
    const scans: PlanNode[] = [];
    const walk = (n: PlanNode): void => {
      if (n['Relation Name'] === 'source_records') scans.push(n);
      for (const c of n.Plans ?? []) walk(c);
    };
    walk(plan[0].Plan);
    assert.equal(scans.length, 1, JSON.stringify(plan));
    assert.match(scans[0]['Node Type'], /^Index (Only )?Scan$/, JSON.stringify(scans[0]));
    assert.equal(scans[0]['Index Name'], 'source_records_version');
    assert.match(String(scans[0]['Index Cond']), /record_id = k\.record_id/);
    // and it finds what it was asked for
    const found = await db().query<{ record_id: string }>(LOOKUP_VERSIONS, ['health', 'death-certificates', [...ids, 'DC-none']]);
    assert.deepEqual(found.rows.map((r) => r.record_id).sort(), [...ids].sort());
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
