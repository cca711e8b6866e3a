// The big-data center's conformance harness: cursor paging over `updatedSince`, by nock and by
// the sandbox's signed REST simulator.
import nock from 'nock';
import { parseUpdateTime } from '../../../lib/china-time.ts';
import { SANDBOX_CREDENTIALS } from '../../../sandbox/world.ts';
import type { SourceHarness } from '../conformance.ts';
import { bigdataRecord } from '../fixtures.ts';
import { replyWith } from '../helpers.ts';
import { ASOF, EXCLUDED, EXPECTED, FAST, entryOf, netCleanup, netSetup, rowsOf, startSimulator } from './common.ts';

/** What each dataset adds to the common fields (sources.md §2). */
const EXTRA: Readonly<Record<string, Record<string, string>>> = {
  hukou: { HKZT: '2', ZXYYDM: '1', ZXRQ: '20261101' },
  death: {},
  cremation: { SJLY: '省民政厅', HHRQ: '20261103' },
  prison: { SJLY: '省监狱管理局', XQQSRQ: '20260101', XQJZRQ: '20290101', JYMC: '广东省广州监狱' },
};

const rows = (dataset: string) => rowsOf((id, time) => ({ ...bigdataRecord(id, time), ...EXTRA[dataset] }), (r) => r.GXSJ);

const common = { asOf: ASOF, pageSize: 2, expectedIds: EXPECTED, excludedIds: EXCLUDED, secrets: ['appSecret'] };
const credentials = { appId: SANDBOX_CREDENTIALS.bigdata.appId, appSecret: SANDBOX_CREDENTIALS.bigdata.appSecret, ...FAST };

export const bigdataHarness: SourceHarness = {
  async fake(dataset) {
    netSetup();
    const served = rows(dataset);
    nock('http://bigdata.conf')
      .persist()
      .get((uri) => uri.startsWith(`/bigdata/api/v1/datasets/${dataset}/records?`))
      .reply(replyWith(({ path }) => {
        const q = new URL(`http://x${path}`).searchParams;
        const since = parseUpdateTime(q.get('updatedSince') ?? '');
        const offset = Number(q.get('cursor') ?? 0);
        const limit = Number(q.get('limit'));
        const window = served.filter((r) => parseUpdateTime(r.GXSJ) >= since);
        const slice = window.slice(offset, offset + limit);
        return [200, { code: '0', data: { records: slice, nextCursor: offset + limit < window.length ? String(offset + limit) : null } }];
      }));
    return {
      ...common,
      config: { url: 'http://bigdata.conf/bigdata', ...credentials, datasets: [dataset] },
      unreachable: { url: 'http://127.0.0.1:1/bigdata', ...credentials },
      cleanup: netCleanup,
    };
  },

  async simulator(dataset) {
    const sim = await startSimulator({ bigdata: { [dataset]: rows(dataset) } });
    return {
      ...common,
      config: { ...entryOf(sim, 'bigdata'), datasets: [dataset] },
      unreachable: { url: 'http://127.0.0.1:1/bigdata', ...credentials },
      cleanup: () => sim.close(),
    };
  },
};
