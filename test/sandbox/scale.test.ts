// The sandbox with 600,000 records: what it serves from deep in a dataset is right and in order.
// How fast (start, a deep page against the first) is measured by `npm run bench:scale`.
import assert from 'node:assert/strict';
import { envelope, queryBody, securityHeader, signedFetch, soapCall, start, xmlRecords, xmlText, type Started } from './helpers.ts';
import { scaleWorld } from './scale-world.ts';

const N = 300_000;

/** (update time, id) keys of rows in serving order */
const inOrder = (keys: string[]) => [...keys].sort();

describe('sandbox: scale', function () {
  this.timeout(120_000);
  const world = scaleWorld(N);
  let s: Started;
  before(async () => {
    s = await start(world);
  });
  after(async () => {
    await s?.stop();
  });

  const bigdataPage = async (since: string) => {
    const res = await signedFetch(s.sandbox, 'GET', '/bigdata/api/v1/datasets/hukou/records', [['limit', '1000'], ['updatedSince', since]], undefined, s.clock.t);
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: { records: Array<{ GXSJ: string; JLID: string }> } }).data.records;
  };

  it(`serves the first page of ${N} unsorted records in (update time, id) order`, async () => {
    const first = await bigdataPage('2026-11-01T00:00:00+08:00');
    assert.equal(first.length, 1000);
    assert.ok(first.every((r) => r.GXSJ.startsWith('2026-11-01 ')), 'the first page holds the earliest day');
    const keys = first.map((r) => `${r.GXSJ}|${r.JLID}`);
    assert.deepEqual(keys, inOrder(keys));
  });

  it('answers a deep page with exactly the records from the given time on, in order', async () => {
    const deep = await bigdataPage('2026-11-28T23:00:00+08:00');
    const from = inOrder((world.sources.bigdata?.hukou ?? []).filter((r) => r.GXSJ >= '2026-11-28 23:00:00').map((r) => `${r.GXSJ}|${r.JLID}`));
    assert.ok(from.length > 1000, 'the last hour fills more than a page');
    assert.deepEqual(deep.map((r) => `${r.GXSJ}|${r.JLID}`), from.slice(0, 1000));
  });

  it('serves a late ministry page of 500, in order, with the full total', async () => {
    const r = await soapCall(
      s.sandbox,
      'QueryCertData',
      envelope(securityHeader(s.clock.t), queryBody({ dataType: 'AUTH', startDate: '20000101', endDate: '20261128', pageNo: 500, pageSize: 500 })),
    );
    assert.equal(xmlText(r.text, 'totalCount'), String(N));
    const all = inOrder((world.sources.ministry?.AUTH ?? []).map((x) => `${x.aae036}|${x.recordId}`));
    assert.deepEqual(
      xmlRecords(r.text).map((x) => `${x.aae036}|${x.recordId}`),
      all.slice(499 * 500, 500 * 500),
    );
  });
});
