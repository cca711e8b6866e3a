// The city police conformance harness: OAuth2, offset paging over `since` (a China date), for
// one city, by nock and by the sandbox's police simulator.
import nock from 'nock';
import { SANDBOX_CREDENTIALS } from '../../../sandbox/world.ts';
import type { SourceHarness } from '../conformance.ts';
import { policeItem } from '../fixtures.ts';
import { replyWith } from '../helpers.ts';
import { ASOF, EXCLUDED, EXPECTED, FAST, entryOf, netCleanup, netSetup, rowsOf, startSimulator } from './common.ts';

const CITY = '4401';
const rows = () => rowsOf(policeItem, (r) => r.gxsj);
const common = { asOf: ASOF, pageSize: 2, expectedIds: EXPECTED, excludedIds: EXCLUDED, secrets: ['clientSecret'] };
const credentials = { city: CITY, clientId: SANDBOX_CREDENTIALS.police.clientId, clientSecret: SANDBOX_CREDENTIALS.police.clientSecret, ...FAST };

export const policeHarness: SourceHarness = {
  // the police publish one dataset, `hukou`, at every city
  async fake() {
    netSetup();
    const served = rows();
    const scope = nock('http://police.conf').persist();
    scope.post(`/police/${CITY}/oauth/token`).reply(200, { access_token: 'T', token_type: 'Bearer', expires_in: 600 });
    scope.get((uri) => uri.startsWith(`/police/${CITY}/hukou/changes`)).reply(replyWith(({ path }) => {
      const q = new URL(`http://x${path}`).searchParams;
      const window = served.filter((r) => r.gxsj.slice(0, 10) >= (q.get('since') ?? ''));
      const offset = Number(q.get('offset'));
      return [200, { total: window.length, items: window.slice(offset, offset + Number(q.get('limit'))) }];
    }));
    return {
      ...common,
      config: { url: `http://police.conf/police/${CITY}`, ...credentials },
      unreachable: { url: `http://127.0.0.1:1/police/${CITY}`, ...credentials },
      cleanup: netCleanup,
    };
  },

  async simulator() {
    const sim = await startSimulator({ police: { [CITY]: rows() } });
    return {
      ...common,
      config: entryOf(sim, 'police'),
      unreachable: { url: `http://127.0.0.1:1/police/${CITY}`, ...credentials },
      cleanup: () => sim.close(),
    };
  },
};
