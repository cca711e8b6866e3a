// Staging whatever a source sends (normalization.md "Hostile input", issue 8), on both stores:
// record ids with U+0000, lone surrogates or kilobytes of text, names with control characters,
// a page body that is not UTF-8 — the page stages, keys round-trip, the raw record and the
// archived page keep what was sent.
import assert from 'node:assert/strict';
import type { Connector, PulledRecord } from '../../connectors/kit/connector.ts';
import { readRawPages } from '../../mirror/raw-pages.ts';
import { storableRecordId } from '../../mirror/storable-text.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import type { Db } from '../../mirror/db.ts';
import { forEachDatabase, resetMirror } from './db-targets.ts';

const ID = '44010519471102025X';

function onePage(records: PulledRecord[], body: Uint8Array): Connector {
  return {
    channel: 'bigdata',
    datasets: ['death'],
    spec: () => ({}),
    check: async () => ({ ok: true }),
    async *pull() {
      yield { records, state: { highWater: null }, body, request: 'GET /api/v1/datasets/death/records?limit=5' };
    },
  };
}

const death = (jlid: string, extra: Record<string, string> = {}) => ({ JLID: jlid, GMSFHM: ID, XM: '李', SJLY: '省卫生健康委', GXSJ: '2026-11-01 08:00:00', SWRQ: '20261001', ...extra });

forEachDatabase('mirror: staging hostile content', (suite) => {
  let db: Db;
  beforeEach(async () => {
    db = suite.db();
    await resetMirror(db);
  });

  it('stages kilobyte, NUL and lone-surrogate record ids, keeps the raw records and the page bytes, and a second pull adds nothing', async () => {
    const long = `J${'4'.repeat(10_000)}`;
    const longer = `${long}5`;
    const raws = [death(long), death(longer), death('J\u00001'), death('J\uD8002', { XM: '王\u0007五' })];
    const records = raws.map((raw) => ({ recordId: raw.JLID, raw, updatedAt: '2026-11-01T08:00:00+08:00' }));
    const body = new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x7b]);
    const pull = () => ingestDataset({ db, connector: onePage(records, body), dataset: 'death', asOf: '2026-11-28', runId: 'h1' });
    const first = await pull();
    assert.deepEqual(first, { pulled: 4, staged: 2, rejected: 2, skipped: 0 });
    const { rows } = await db.query<{ record_id: string; outcome: string; name: string | null; raw: string }>('SELECT record_id, outcome, name, raw::text AS raw FROM source_records ORDER BY arrival_seq');
    assert.deepEqual(rows.map((r) => r.record_id), [storableRecordId(long), storableRecordId(longer), 'J\uFFFD1', 'J\uFFFD2']);
    assert.notEqual(rows[0].record_id, rows[1].record_id, 'two long ids stay apart');
    assert.ok(rows[0].record_id.length < 300);
    assert.deepEqual(rows.map((r) => r.outcome), ['staged', 'staged', 'rejected', 'rejected']);
    assert.deepEqual(JSON.parse(rows[0].raw), raws[0], 'the raw record keeps the id as sent');
    assert.deepEqual(JSON.parse(rows[3].raw), raws[3], 'and its lone surrogate');
    const pulls = await db.query<{ pull_id: number }>('SELECT pull_id FROM pulls ORDER BY pull_id');
    const [page] = await readRawPages(db, pulls.rows[0].pull_id);
    assert.deepEqual([...page.body], [...body], 'the page as the bytes received');
    const again = await pull();
    assert.deepEqual(again, first, 'a re-pull counts the same');
    const count = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM source_records');
    assert.equal(Number(count.rows[0].n), 4, 'and adds no version');
  });
});
