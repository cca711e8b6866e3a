// Runs the conformance suite against every connector, each over a small stateful fake of its
// source (nock, persisted) or a temp inbox. The lead runs the same suite against the sandbox.
import fs from 'node:fs';
import nock from 'nock';
import { createBigdataConnector } from '../../connectors/bigdata/connector.ts';
import { createCivilConnector } from '../../connectors/civil/connector.ts';
import type { CivilState } from '../../connectors/civil/connector.ts';
import { createHealthConnector } from '../../connectors/health/connector.ts';
import type { HighWaterState } from '../../connectors/kit/high-water.ts';
import { parseUpdateTime } from '../../lib/china-time.ts';
import { createMinistryConnector } from '../../connectors/ministry/connector.ts';
import { createPoliceConnector } from '../../connectors/police/connector.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { runConformance } from './conformance.ts';
import type { ConformanceFixture } from './conformance.ts';
import { bigdataRecord, deliver, HEADER, ministryRecord, policeItem, queryResponse, tempDirs, vaccination } from './fixtures.ts';
import { replyWith } from './helpers.ts';

const ASOF = '2026-11-28';
const TIMES = ['2026-11-01 08:00:00', '2026-11-02 08:00:00', '2026-11-02 09:30:00', '2026-11-05 08:00:00', '2026-11-20 23:00:00', '2026-11-28 23:59:59', '2026-11-29 00:00:00', '2026-12-01 10:00:00'];
const IDS = TIMES.map((_, i) => `R${i + 1}`);
const EXPECTED = IDS.slice(0, 6);
const EXCLUDED = IDS.slice(6);
const fast = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };

function netSetup(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}
function netCleanup(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

const byTime = <T>(rows: T[], t: (r: T) => string) => [...rows].sort((a, b) => parseUpdateTime(t(a)) - parseUpdateTime(t(b)));

runConformance<HighWaterState>('bigdata', async () => {
  netSetup();
  const rows = byTime(IDS.map((id, i) => bigdataRecord(id, TIMES[i])), (r) => r.GXSJ);
  nock('http://bigdata.conf')
    .persist()
    .get((uri) => uri.startsWith('/bigdata/api/v1/datasets/'))
    .reply(replyWith(({ path }) => {
      const q = new URL(`http://x${path}`).searchParams;
      const since = parseUpdateTime(q.get('updatedSince') ?? '');
      const offset = Number(q.get('cursor') ?? 0);
      const limit = Number(q.get('limit'));
      const window = rows.filter((r) => parseUpdateTime(r.GXSJ) >= since);
      const slice = window.slice(offset, offset + limit);
      return [200, { code: '0', data: { records: slice, nextCursor: offset + limit < window.length ? String(offset + limit) : null } }];
    }));
  const config = { appId: SANDBOX_CREDENTIALS.bigdata.appId, appSecret: SANDBOX_CREDENTIALS.bigdata.appSecret, ...fast };
  const fixture: ConformanceFixture<HighWaterState> = {
    connector: createBigdataConnector({ url: 'http://bigdata.conf/bigdata', ...config }),
    dataset: 'death',
    asOf: ASOF,
    pageSize: 2,
    expectedIds: EXPECTED,
    excludedIds: EXCLUDED,
    secrets: ['appSecret'],
    unreachable: () => createBigdataConnector({ url: 'http://127.0.0.1:1/bigdata', ...config }),
    cleanup: netCleanup,
  };
  return fixture;
});

runConformance<HighWaterState>('police-4401', async () => {
  netSetup();
  const rows = byTime(IDS.map((id, i) => policeItem(id, TIMES[i])), (r) => r.gxsj);
  const scope = nock('http://police.conf').persist();
  scope.post('/police/4401/oauth/token').reply(200, { access_token: 'T', token_type: 'Bearer', expires_in: 600 });
  scope.get((uri) => uri.startsWith('/police/4401/hukou/changes')).reply(replyWith(({ path }) => {
    const q = new URL(`http://x${path}`).searchParams;
    const window = rows.filter((r) => r.gxsj.slice(0, 10) >= (q.get('since') ?? ''));
    const offset = Number(q.get('offset'));
    return [200, { total: window.length, items: window.slice(offset, offset + Number(q.get('limit'))) }];
  }));
  const config = { city: '4401', clientId: SANDBOX_CREDENTIALS.police.clientId, clientSecret: SANDBOX_CREDENTIALS.police.clientSecret, ...fast };
  return {
    connector: createPoliceConnector({ url: 'http://police.conf/police/4401', ...config }),
    dataset: 'hukou',
    asOf: ASOF,
    pageSize: 2,
    expectedIds: EXPECTED,
    excludedIds: EXCLUDED,
    secrets: ['clientSecret'],
    unreachable: () => createPoliceConnector({ url: 'http://127.0.0.1:1/police/4401', ...config }),
    cleanup: netCleanup,
  };
});

runConformance<HighWaterState>('health', async () => {
  netSetup();
  const rows = byTime(IDS.map((id, i) => vaccination(id, `${TIMES[i].replace(' ', 'T')}+08:00`)), (r) => r.updatedAt);
  nock('http://health.conf')
    .persist()
    .get((uri) => uri.startsWith('/health/v2/'))
    .reply(replyWith(({ path }) => {
      const q = new URL(`http://x${path}`).searchParams;
      const window = rows.filter((r) => parseUpdateTime(r.updatedAt) >= parseUpdateTime(q.get('updatedFrom') ?? ''));
      const page = Number(q.get('page'));
      const size = Number(q.get('size'));
      return [200, { page, size, total: window.length, data: window.slice((page - 1) * size, page * size) }];
    }));
  const config = { apiKey: SANDBOX_CREDENTIALS.health.apiKey, ...fast };
  return {
    connector: createHealthConnector({ url: 'http://health.conf/health', ...config }),
    dataset: 'vaccinations',
    asOf: ASOF,
    pageSize: 2,
    expectedIds: EXPECTED,
    excludedIds: EXCLUDED,
    secrets: ['apiKey'],
    unreachable: () => createHealthConnector({ url: 'http://127.0.0.1:1/health', ...config }),
    cleanup: netCleanup,
  };
});

runConformance<HighWaterState>('ministry', async () => {
  netSetup();
  const rows = byTime(IDS.map((id, i) => ministryRecord(id, TIMES[i])), (r) => r.aae036);
  const tag = (xml: string, name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)<`).exec(xml)?.[1] ?? '';
  nock('http://ministry.conf')
    .persist()
    .post('/ministry/ws/cert')
    .reply(replyWith(({ body }) => {
      const day = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
      const start = day(tag(body, 'startDate'));
      const end = day(tag(body, 'endDate'));
      const window = rows.filter((r) => r.aae036.slice(0, 10) >= start && r.aae036.slice(0, 10) <= end);
      const pageNo = Number(tag(body, 'pageNo'));
      const size = Number(tag(body, 'pageSize'));
      return [200, queryResponse(window.slice((pageNo - 1) * size, pageNo * size), window.length, pageNo)];
    }));
  const config = { ...SANDBOX_CREDENTIALS.ministry, ...fast };
  return {
    connector: createMinistryConnector({ url: 'http://ministry.conf/ministry/ws/cert', ...config }),
    dataset: 'DEATH',
    asOf: ASOF,
    pageSize: 2,
    expectedIds: EXPECTED,
    excludedIds: EXCLUDED,
    secrets: ['password'],
    unreachable: () => createMinistryConnector({ url: 'http://127.0.0.1:1/ministry/ws/cert', ...config }),
    cleanup: netCleanup,
  };
});

runConformance<CivilState>('civil', async () => {
  const dirs = tempDirs();
  const row = (n: string, t: string) => `${n},440106194103020017,男,1941-03-02,2026-11-01,2026-11-03,广州市殡仪馆,${t}`;
  deliver(dirs.inbox, 'HH_440106_20261103.csv', [HEADER, row('甲', '2026-11-03 09:00:00'), '', row('乙', '2026-11-03 10:00:00')].join('\r\n'));
  deliver(dirs.inbox, 'HH_440303_20261104.csv', [HEADER, row('丙', '2026-11-04 09:00:00')].join('\n'), 'utf8-bom');
  deliver(dirs.inbox, 'HH_440104_20261105.csv', [HEADER, row('丁', '2026-11-05 09:00:00')].join('\n'));
  return {
    connector: createCivilConnector({ inboxDir: dirs.inbox, outboxDir: dirs.outbox }),
    dataset: 'cremation',
    asOf: ASOF,
    // a page closes once it holds this many records (files are never split): several pages here
    pageSize: 1,
    expectedIds: ['HH_440106_20261103.csv:2', 'HH_440106_20261103.csv:4', 'HH_440303_20261104.csv:2', 'HH_440104_20261105.csv:2'],
    unreachable: () => createCivilConnector({ inboxDir: `${dirs.root}/missing`, outboxDir: '/proc/forbidden-outbox' }),
    // per file: a hash may change (re-delivery) but no file is ever forgotten
    isForward: (prev, next) => Object.keys(prev?.files ?? {}).every((f) => f in next.files),
    // files are read whole; an unchanged file is never read again
    mayRepeat: () => false,
    cleanup: () => fs.rmSync(dirs.root, { recursive: true, force: true }),
  };
});
