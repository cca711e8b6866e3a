// The ministry's conformance harness: SOAP QueryCertData per dataType, pageNo paging over a
// startDate/endDate window, by nock and by the sandbox's WS-Security simulator.
import nock from 'nock';
import { SANDBOX_CREDENTIALS } from '../../../sandbox/world.ts';
import type { SourceHarness } from '../conformance.ts';
import { ministryRecord, queryResponse } from '../fixtures.ts';
import { replyWith } from '../helpers.ts';
import { ASOF, EXCLUDED, EXPECTED, FAST, entryOf, netCleanup, netSetup, rowsOf, startSimulator } from './common.ts';

const rows = (dataType: string) => rowsOf((id, time) => ministryRecord(id, time, dataType), (r) => r.aae036);
const common = { asOf: ASOF, pageSize: 2, expectedIds: EXPECTED, excludedIds: EXCLUDED, secrets: ['password'] };
const credentials = { ...SANDBOX_CREDENTIALS.ministry, ...FAST };
const tag = (xml: string, name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)<`).exec(xml)?.[1] ?? '';

export const ministryHarness: SourceHarness = {
  async fake(dataType) {
    netSetup();
    const served = rows(dataType);
    nock('http://ministry.conf')
      .persist()
      .post('/ministry/ws/cert')
      .reply(replyWith(({ body }) => {
        if (tag(body, 'dataType') !== dataType) return [200, queryResponse([], 0, 1)];
        const day = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
        const start = day(tag(body, 'startDate'));
        const end = day(tag(body, 'endDate'));
        const window = served.filter((r) => r.aae036.slice(0, 10) >= start && r.aae036.slice(0, 10) <= end);
        const pageNo = Number(tag(body, 'pageNo'));
        const size = Number(tag(body, 'pageSize'));
        return [200, queryResponse(window.slice((pageNo - 1) * size, pageNo * size), window.length, pageNo)];
      }));
    return {
      ...common,
      config: { url: 'http://ministry.conf/ministry/ws/cert', ...credentials, dataTypes: [dataType] },
      unreachable: { url: 'http://127.0.0.1:1/ministry/ws/cert', ...credentials },
      cleanup: netCleanup,
    };
  },

  async simulator(dataType) {
    const sim = await startSimulator({ ministry: { [dataType]: rows(dataType) } });
    return {
      ...common,
      config: { ...entryOf(sim, 'ministry'), dataTypes: [dataType] },
      unreachable: { url: 'http://127.0.0.1:1/ministry/ws/cert', ...credentials },
      cleanup: () => sim.close(),
    };
  },
};
