import assert from 'node:assert/strict';
import nock from 'nock';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { createPoliceConnector } from '../../connectors/police/connector.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { policeItem } from './fixtures.ts';
import { collect, collectUntilError, fixedRandom, ids, recordingSleep, replyWith, useNock } from './helpers.ts';

const BASE = 'http://police.test';
const CITY = '/police/4401';

function connector(sleep = recordingSleep().sleep, extra: Record<string, unknown> = {}) {
  return createPoliceConnector(
    { city: '4401', url: `${BASE}${CITY}`, clientId: SANDBOX_CREDENTIALS.police.clientId, clientSecret: SANDBOX_CREDENTIALS.police.clientSecret, pageSize: 2, retry: { maxAttempts: 3 }, ...extra },
    { sleep, random: fixedRandom },
  );
}

function tokenMock(token: string, times = 1) {
  return nock(BASE)
    .post(`${CITY}/oauth/token`, (body: unknown) => {
      // nock hands a form body over parsed
      const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);
      return form.grant_type === 'client_credentials' && form.client_id === 'lifecert-hub' && form.client_secret === 'sandbox-police-secret';
    })
    .times(times)
    .reply(200, { access_token: token, token_type: 'Bearer', expires_in: 600 });
}

/**
 * A police endpoint over a mutable row list, ordered by (gxsj, id), paged by offset, with an
 * optional hook that inserts rows after a given call (late-arriving data).
 */
function changesServer(rows: Record<string, string>[], onCall?: (call: number, rows: Record<string, string>[]) => void) {
  let calls = 0;
  const served: string[] = [];
  nock(BASE)
    .get((uri) => uri.startsWith(`${CITY}/hukou/changes`))
    .times(50)
    .optionally()
    .reply(replyWith(({ path, headers }) => {
      assert.equal(headers.authorization, 'Bearer T1');
      const q = new URL(`http://x${path}`).searchParams;
      const since = q.get('since') ?? '';
      const offset = Number(q.get('offset'));
      const limit = Number(q.get('limit'));
      const window = rows.filter((r) => r.gxsj.slice(0, 10) >= since).sort((a, b) => (a.gxsj === b.gxsj ? (a.id < b.id ? -1 : 1) : a.gxsj < b.gxsj ? -1 : 1));
      const items = window.slice(offset, offset + limit);
      served.push(`${since}@${offset}:${items.map((i) => i.id).join(',')}`);
      calls++;
      onCall?.(calls, rows);
      return [200, { total: window.length, items }];
    }));
  return served;
}

describe('police connector', () => {
  useNock();

  it('gets a token once, pages by offset from the configured initial date and caches the token', async () => {
    tokenMock('T1');
    const served = changesServer([policeItem('P1', '2026-11-01 08:00:00'), policeItem('P2', '2026-11-02 08:00:00'), policeItem('P3', '2026-11-03 08:00:00')]);
    const c = connector();
    const pages = await collect(c.pull('hukou', null, { asOf: '2026-11-28' }));
    assert.equal(c.channel, 'police-4401');
    assert.deepEqual(ids(pages), ['P1', 'P2', 'P3']);
    // the last request is the pass's closing look at the total (nothing arrived meanwhile)
    assert.deepEqual(served, ['2000-01-01@0:P1,P2', '2000-01-01@2:P3', '2000-01-01@0:P1']);
    assert.equal(c.client.tokens.fetched, 1);
    assert.equal(pages.at(-1)?.state.highWater, '2026-11-03T08:00:00+08:00');
    assert.equal(pages[0].records[0].updatedAt, '2026-11-01T08:00:00+08:00');
  });

  it('on 401 fetches a new token and repeats the call once', async () => {
    nock(BASE).post(`${CITY}/oauth/token`).reply(200, { access_token: 'OLD', token_type: 'Bearer', expires_in: 600 });
    nock(BASE).post(`${CITY}/oauth/token`).reply(200, { access_token: 'T1', token_type: 'Bearer', expires_in: 600 });
    nock(BASE).get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).matchHeader('authorization', 'Bearer OLD').reply(401, { error: 'invalid_token' });
    changesServer([policeItem('P1', '2026-11-01 08:00:00')]);
    const { sleep, waits } = recordingSleep();
    const c = connector(sleep);
    const pages = await collect(c.pull('hukou', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['P1']);
    assert.equal(c.client.tokens.fetched, 2);
    assert.deepEqual(waits, [], 'a renewed token is tried at once');
  });

  it('fails with an auth error when the new token is refused too', async () => {
    nock(BASE).post(`${CITY}/oauth/token`).times(2).reply(200, { access_token: 'BAD', token_type: 'Bearer', expires_in: 600 });
    nock(BASE).get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).times(2).reply(401, { error: 'invalid_token' });
    const { error } = await collectUntilError(connector().pull('hukou', null, { asOf: '2026-11-28' }));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_HTTP_UNAUTHORIZED');
    assert.equal(error.retryable, false);
  });

  it('renews an expired token before calling', async () => {
    let clock = Date.parse('2026-11-28T02:00:00Z');
    nock(BASE).post(`${CITY}/oauth/token`).reply(200, { access_token: 'T1', token_type: 'Bearer', expires_in: 60 });
    nock(BASE).post(`${CITY}/oauth/token`).reply(200, { access_token: 'T1', token_type: 'Bearer', expires_in: 60 });
    changesServer([policeItem('P1', '2026-11-01 08:00:00')]);
    const c = createPoliceConnector({ city: '4401', url: `${BASE}${CITY}`, clientId: 'lifecert-hub', clientSecret: 'sandbox-police-secret' }, { now: () => clock });
    await collect(c.pull('hukou', null, { asOf: '2026-11-28' }));
    clock += 45_000; // inside expires_in, but past it minus the 30 s renewal margin
    await collect(c.pull('hukou', null, { asOf: '2026-11-28' }));
    assert.equal(c.client.tokens.fetched, 2);
  });

  it('catches late rows inserted between pages (total changes): nothing missed, nothing twice', async () => {
    tokenMock('T1');
    const rows = [
      policeItem('P1', '2026-11-10 08:00:00'),
      policeItem('P2', '2026-11-11 08:00:00'),
      policeItem('P3', '2026-11-12 08:00:00'),
      policeItem('P4', '2026-11-13 08:00:00'),
      policeItem('P5', '2026-11-14 08:00:00'),
    ];
    const served = changesServer(rows, (call, list) => {
      // after the first page (P1, P2) two late rows arrive, older than what was served
      if (call === 1) list.push(policeItem('L1', '2026-11-10 09:00:00'), policeItem('L2', '2026-11-11 07:00:00'));
    });
    const pages = await collect(connector().pull('hukou', null, { asOf: '2026-11-28' }));
    const got = ids(pages);
    assert.deepEqual([...got].sort(), ['L1', 'L2', 'P1', 'P2', 'P3', 'P4', 'P5']);
    assert.equal(new Set(got).size, got.length, 'no record yielded twice');
    // the re-pass starts one day before the newest row served before the change (P2, 11-11)
    assert.ok(served.some((s) => s.startsWith('2026-11-10@0')), served.join(' '));
    const states = pages.map((p) => p.state.highWater ?? '');
    assert.deepEqual([...states].sort(), states, 'states only move forward');
    // while the re-pass was pending, the state was held at the change point
    assert.equal(states[1], '2026-11-11T08:00:00+08:00');
    assert.equal(states.at(-1), '2026-11-14T08:00:00+08:00');
  });

  it('holds the state at the change point when aborted before the re-pass, and a resumed pull catches the late rows', async () => {
    tokenMock('T1', 2);
    const rows = [policeItem('P1', '2026-11-10 08:00:00'), policeItem('P2', '2026-11-11 08:00:00'), policeItem('P3', '2026-11-12 08:00:00'), policeItem('P4', '2026-11-13 08:00:00')];
    changesServer(rows, (call, list) => {
      if (call === 1) list.push(policeItem('L1', '2026-11-10 20:00:00'));
    });
    const ac = new AbortController();
    const first: string[] = [];
    let saved = null as { highWater: string | null } | null;
    await assert.rejects(
      (async () => {
        for await (const page of connector().pull('hukou', null, { asOf: '2026-11-28', signal: ac.signal })) {
          first.push(...page.records.map((r) => r.recordId));
          saved = page.state;
          if (first.includes('P4')) ac.abort();
        }
      })(),
      (e: unknown) => e instanceof ConnectorError && e.code === 'LIFECERT_CONNECTOR_ABORTED',
    );
    assert.ok(!first.includes('L1'));
    assert.equal(saved?.highWater, '2026-11-11T08:00:00+08:00', 'held at the newest row before the change');
    const resumed = await collect(connector().pull('hukou', saved, { asOf: '2026-11-28' }));
    assert.ok(ids(resumed).includes('L1'), 'the late row is found by the resumed pull');
  });

  it('leaves out rows after the as-of day', async () => {
    tokenMock('T1');
    changesServer([policeItem('P1', '2026-11-28 10:00:00'), policeItem('P2', '2026-11-29 00:00:01'), policeItem('P3', '2026-11-30 00:00:01')]);
    const pages = await collect(connector().pull('hukou', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['P1']);
    assert.equal(pages.at(-1)?.state.highWater, '2026-11-28T10:00:00+08:00');
  });

  it('honours Retry-After (HTTP-date) on 429, retries 503 and 502', async () => {
    tokenMock('T1');
    const { sleep, waits } = recordingSleep();
    nock(BASE)
      .get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).reply(429, '', { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() })
      .get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).reply(503, 'down')
      .get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).reply(502, '<html>bad gateway</html>');
    changesServer([policeItem('P1', '2026-11-01 08:00:00')]);
    const pages = await collect(connector(sleep, { retry: { maxAttempts: 4 } }).pull('hukou', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['P1']);
    assert.equal(waits.length, 3);
    assert.ok(waits[0] > 100_000 && waits[0] <= 120_000, `HTTP-date Retry-After honoured (${waits[0]})`);
  });

  it('posts feedback with the bearer token', async () => {
    tokenMock('T1');
    const item = { feedbackId: 'F1', id: 'P1', sfzh: '440106194103020017', field: 'hjzt', reportedValue: '注销', correctedValue: '正常', reasonCode: 'ALIVE', verifiedDate: '2026-11-20' };
    nock(BASE).post(`${CITY}/hukou/feedback`, [item]).matchHeader('authorization', 'Bearer T1').reply(200, { accepted: 1 });
    assert.deepEqual(await connector().postFeedback([item]), { accepted: 1 });
  });
});

describe('police connector, malformed bodies', () => {
  useNock();

  it('retries truncated JSON, then fails clearly without yielding a page', async () => {
    tokenMock('T1');
    nock(BASE).get((uri) => uri.startsWith(`${CITY}/hukou/changes`)).times(3).reply(200, '{"total":3,"items":[{"id":"P1"');
    const { pages, error } = await collectUntilError(connector().pull('hukou', null, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 0);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_CONNECTOR_BODY_MALFORMED');
    assert.match(error.message, /not valid JSON/);
  });
});
