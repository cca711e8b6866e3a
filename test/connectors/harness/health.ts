// The health commission's conformance harness: page/size paging over `updatedFrom`, one
// endpoint per dataset, by nock and by the sandbox's API-key simulator.
import nock from 'nock';
import { parseUpdateTime } from '../../../lib/china-time.ts';
import { SANDBOX_CREDENTIALS } from '../../../sandbox/world.ts';
import type { SourceHarness } from '../conformance.ts';
import { vaccination } from '../fixtures.ts';
import { replyWith } from '../helpers.ts';
import { ASOF, EXCLUDED, EXPECTED, FAST, entryOf, netCleanup, netSetup, rowsOf, startSimulator } from './common.ts';

const person = { idType: '01', idNumber: '440106194103020017', name: '赵六' };

/** One item of each dataset (sources.md §5); `updatedAt` in ISO 8601 +08:00 as the commission sends it. */
const ITEM: Readonly<Record<string, (id: string, updatedAt: string) => Record<string, string>>> = {
  'death-certificates': (id, updatedAt) => ({ certificateNo: id, ...person, sex: '2', deathTime: '2026-11-01T06:30:00+08:00', deathPlace: '广州', updatedAt }),
  vaccinations: vaccination,
  checkups: (id, updatedAt) => ({ checkupId: id, ...person, checkupDate: '2026-11-03', updatedAt }),
};

const rows = (dataset: string) => rowsOf((id, time) => ITEM[dataset](id, `${time.replace(' ', 'T')}+08:00`), (r) => r.updatedAt);
const common = { asOf: ASOF, pageSize: 2, expectedIds: EXPECTED, excludedIds: EXCLUDED, secrets: ['apiKey'] };
const credentials = { apiKey: SANDBOX_CREDENTIALS.health.apiKey, ...FAST };

export const healthHarness: SourceHarness = {
  async fake(dataset) {
    netSetup();
    const served = rows(dataset);
    nock('http://health.conf')
      .persist()
      .get((uri) => uri.startsWith(`/health/v2/${dataset}?`))
      .reply(replyWith(({ path }) => {
        const q = new URL(`http://x${path}`).searchParams;
        const window = served.filter((r) => parseUpdateTime(r.updatedAt) >= parseUpdateTime(q.get('updatedFrom') ?? ''));
        const page = Number(q.get('page'));
        const size = Number(q.get('size'));
        return [200, { page, size, total: window.length, data: window.slice((page - 1) * size, page * size) }];
      }));
    return {
      ...common,
      config: { url: 'http://health.conf/health', ...credentials, datasets: [dataset] },
      unreachable: { url: 'http://127.0.0.1:1/health', ...credentials },
      cleanup: netCleanup,
    };
  },

  async simulator(dataset) {
    const sim = await startSimulator({ health: { [dataset]: rows(dataset) } });
    return {
      ...common,
      config: { ...entryOf(sim, 'health'), datasets: [dataset] },
      unreachable: { url: 'http://127.0.0.1:1/health', ...credentials },
      cleanup: () => sim.close(),
    };
  },
};
