import assert from 'node:assert/strict';
import type { World } from '../../sandbox/world.ts';
import { envelope, queryBody, securityHeader, signedFetch, soapCall, start, xmlRecords, xmlText, type Started } from './helpers.ts';

const N = 300_000;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** update times scattered over November so that the world arrives unsorted */
const stamp = (i: number) => `2026-11-${pad(1 + ((i * 7919) % 28), 2)} ${pad((i * 31) % 24, 2)}:${pad(i % 60, 2)}:${pad((i * 13) % 60, 2)}`;

describe('sandbox: scale', function () {
  this.timeout(120_000);
  let s: Started;
  let startMs: number;
  before(async () => {
    const world: World = {
      worldVersion: 1,
      period: '2026-11',
      asOf: '2026-11-28',
      roster: [],
      sources: {
        bigdata: { hukou: Array.from({ length: N }, (_, i) => ({ JLID: `H${pad(i, 8)}`, GMSFHM: `4401061941030${pad(i % 100000, 5)}`, HKZT: '1', GXSJ: stamp(i) })) },
        ministry: { AUTH: Array.from({ length: N }, (_, i) => ({ recordId: `A${pad(i, 8)}`, aac002: `4401061941030${pad(i % 100000, 5)}`, dataType: 'AUTH', aae036: stamp(i) })) },
      },
    };
    const t0 = Date.now();
    s = await start(world);
    startMs = Date.now() - t0;
  });
  after(async () => {
    await s.stop();
  });

  it(`starts with ${2 * N} records in a few seconds`, () => {
    assert.ok(startMs < 20_000, `start took ${startMs} ms`);
  });

  it('answers a deep page as fast as the first (binary search, no re-sort)', async () => {
    const timePage = async (since: string) => {
      const t0 = performance.now();
      const res = await signedFetch(s.sandbox, 'GET', '/bigdata/api/v1/datasets/hukou/records', [['limit', '1000'], ['updatedSince', since]], undefined, s.clock.t);
      const body = (await res.json()) as { data: { records: Array<{ GXSJ: string; JLID: string }> } };
      return { ms: performance.now() - t0, records: body.data.records };
    };
    await timePage('2026-11-01T00:00:00+08:00');
    const deep = await timePage('2026-11-28T23:00:00+08:00');
    assert.ok(deep.records.length > 0);
    assert.ok(deep.records.every((r) => r.GXSJ >= '2026-11-28 23:00:00'));
    const keys = deep.records.map((r) => `${r.GXSJ}|${r.JLID}`);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(deep.ms < 500, `deep page took ${deep.ms} ms`);
  });

  it('serves a late ministry page of 500 quickly, in order', async () => {
    const t0 = performance.now();
    const r = await soapCall(
      s.sandbox,
      'QueryCertData',
      envelope(securityHeader(s.clock.t), queryBody({ dataType: 'AUTH', startDate: '20000101', endDate: '20261128', pageNo: 500, pageSize: 500 })),
    );
    const ms = performance.now() - t0;
    assert.equal(xmlText(r.text, 'totalCount'), String(N));
    const recs = xmlRecords(r.text);
    assert.equal(recs.length, 500);
    const keys = recs.map((x) => `${x.aae036}|${x.recordId}`);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(ms < 1000, `page took ${ms} ms`);
  });
});
