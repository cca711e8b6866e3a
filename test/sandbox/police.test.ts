import assert from 'node:assert/strict';
import { smallWorld, start, type Started } from './helpers.ts';

interface Changes {
  total: number;
  items: Array<Record<string, string>>;
}
interface Token {
  access_token: string;
  token_type: string;
  expires_in: number;
}

function lateItem(id: string, gxsj: string): Record<string, string> {
  return { id, sfzh: '440106194103021239', xm: '迟到', xb: '女', csrq: '1940/01/01', hjzt: '正常', zxyy: '', zxrq: '', hjdz: '广州市', gxsj };
}

describe('sandbox: city police', () => {
  let s: Started;
  afterEach(async () => {
    await s.stop();
  });

  const tokenFor = async (city: string, form = 'grant_type=client_credentials&client_id=lifecert-hub&client_secret=sandbox-police-secret') =>
    fetch(`${s.sandbox.url}/police/${city}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
  const token = async (city = '4401') => ((await (await tokenFor(city)).json()) as Token).access_token;
  const changes = (token: string, query: string, city = '4401') =>
    fetch(`${s.sandbox.url}/police/${city}/hukou/changes?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  const ids = async (res: Response) => ((await res.json()) as Changes).items.map((i) => i.id);

  it('issues a client-credentials token and refuses wrong clients and grants', async () => {
    s = await start();
    const res = await tokenFor('4401');
    assert.equal(res.status, 200);
    const body = (await res.json()) as Token;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.ok(body.access_token.length >= 20);
    const wrong = await tokenFor('4401', 'grant_type=client_credentials&client_id=lifecert-hub&client_secret=nope');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_client');
    const grant = await tokenFor('4401', 'grant_type=password&client_id=lifecert-hub&client_secret=sandbox-police-secret');
    assert.equal(grant.status, 400);
    const basic = await fetch(`${s.sandbox.url}/police/4401/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from('lifecert-hub:sandbox-police-secret').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(basic.status, 200);
    assert.equal((await tokenFor('4499')).status, 404);
  });

  it('expires tokens on the sandbox clock and refuses unknown or other-city tokens', async () => {
    const world = smallWorld();
    world.faults = { police: { tokenTtlSeconds: 60 } };
    s = await start(world);
    const res = await tokenFor('4401');
    assert.equal(((await res.json()) as Token).expires_in, 60);
    const t = await token();
    assert.equal((await changes(t, 'since=2026-11-01')).status, 200);
    s.clock.advance(59_000);
    assert.equal((await changes(t, 'since=2026-11-01')).status, 200);
    s.clock.advance(1_000);
    const expired = await changes(t, 'since=2026-11-01');
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /invalid_token/);
    assert.equal(((await expired.json()) as { code: string }).code, 'TOKEN_EXPIRED');
    assert.equal((await changes('made-up', 'since=2026-11-01')).status, 401);
    assert.equal((await fetch(`${s.sandbox.url}/police/4401/hukou/changes?since=2026-11-01`)).status, 401);
    assert.equal((await changes(await token('4403'), 'since=2026-11-01')).status, 401, 'a 4403 token is not valid at 4401');
    // a fresh token works again, and the TTL can be changed at run time
    s.sandbox.setFaults({ 'police-4401': { tokenTtlSeconds: 5 } });
    assert.equal(((await (await tokenFor('4401')).json()) as Token).expires_in, 5);
    assert.equal(((await (await tokenFor('4403')).json()) as Token).expires_in, 60);
  });

  it('pages changes by offset in (gxsj, id) order, since inclusive on the gxsj date', async () => {
    s = await start();
    const t = await token();
    const all = await changes(t, 'since=2000-01-01&offset=0&limit=500');
    assert.deepEqual(await ids(all), ['P0', 'P1', 'P2', 'P3', 'P4']);
    const page = (await (await changes(t, 'since=2026-11-02&offset=1&limit=2')).json()) as Changes;
    assert.equal(page.total, 3);
    assert.deepEqual(page.items.map((i) => i.id), ['P3', 'P4']);
    assert.equal(page.items[0].xb, '男');
    assert.deepEqual(await ids(await changes(t, 'since=2026-11-02&offset=3&limit=2')), []);
    assert.deepEqual(await ids(await changes(await token('4403'), 'since=2026-11-02', '4403')), ['S1']);
    for (const q of ['offset=0&limit=10', 'since=2026-11&limit=10', 'since=2026-02-30', 'since=2026-11-01&limit=0', 'since=2026-11-01&limit=501', 'since=2026-11-01&offset=-1']) {
      assert.equal((await changes(t, q)).status, 400, q);
    }
    assert.equal((await changes(t, 'since=2026-11-01&limit=500')).status, 200);
  });

  it('inserts late items once, right after the first page, shifting later offsets', async () => {
    const world = smallWorld();
    world.faults = { police: { lateItems: { '4401': [lateItem('L1', '2026-11-02 07:00:00')] } } };
    s = await start(world);
    const t = await token();
    const first = (await (await changes(t, 'since=2026-11-01&offset=0&limit=2')).json()) as Changes;
    assert.equal(first.total, 4);
    assert.deepEqual(first.items.map((i) => i.id), ['P1', 'P2']);
    const second = (await (await changes(t, 'since=2026-11-01&offset=2&limit=2')).json()) as Changes;
    assert.equal(second.total, 5);
    // L1 slid in before P2: offset 2 now starts at P2 again
    assert.deepEqual(second.items.map((i) => i.id), ['P2', 'P3']);
    assert.deepEqual(await ids(await changes(t, 'since=2026-11-01&offset=0&limit=10')), ['P1', 'L1', 'P2', 'P3', 'P4']);
    assert.deepEqual(await ids(await changes(t, 'since=2026-11-01&offset=0&limit=10')), ['P1', 'L1', 'P2', 'P3', 'P4'], 'inserted once');

    // late items armed through the control API arrive after the next page
    s.sandbox.setFaults({ police: { lateItems: { '4401': [lateItem('L2', '2026-11-01 09:00:00')] } } });
    assert.deepEqual(await ids(await changes(t, 'since=2026-11-01&offset=0&limit=1')), ['P1']);
    assert.deepEqual(await ids(await changes(t, 'since=2026-11-01&offset=0&limit=3')), ['P1', 'L2', 'L1']);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ police: { lateItems: { '4401': [{ id: 'X', gxsj: 'never' }] } } }) })).status, 400);
  });

  it('holds feedback idempotently on feedbackId, per city', async () => {
    s = await start();
    const t = await token();
    const item = (id: string) => ({ feedbackId: id, id: 'P1', sfzh: '440106194103021234', field: 'hjzt', reportedValue: '注销', correctedValue: '正常', reasonCode: 'ALIVE', verifiedDate: '2026-11-28' });
    const send = (body: unknown, tk = t) =>
      fetch(`${s.sandbox.url}/police/4401/hukou/feedback`, { method: 'POST', headers: { Authorization: `Bearer ${tk}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.deepEqual(await (await send([item('F1'), item('F2')])).json(), { accepted: 2 });
    assert.deepEqual(await (await send([item('F1')])).json(), { accepted: 1 });
    assert.deepEqual(await (await send([item('F1'), item('F3')])).json(), { accepted: 2 });
    assert.equal((await send({ items: [item('F4')] })).status, 400);
    assert.equal((await send([{ ...item('F5'), feedbackId: '' }])).status, 400);
    assert.equal((await send([item('F6')], 'bad-token')).status, 401);
    const log = (await (await fetch(`${s.sandbox.url}/_sandbox/received/police-4401`)).json()) as Array<{ items: Array<{ feedbackId: string }> }>;
    assert.deepEqual(log.map((e) => e.items.map((i) => i.feedbackId)), [['F1', 'F2'], ['F1'], ['F1', 'F3']]);
    assert.deepEqual(await (await fetch(`${s.sandbox.url}/_sandbox/received/police-4403`)).json(), []);
  });

  it('goes down and up per city or for every city', async () => {
    s = await start();
    const t = await token();
    s.sandbox.setFaults({ 'police-4401': { down: true } });
    assert.equal((await changes(t, 'since=2026-11-01')).status, 503);
    assert.equal((await tokenFor('4401')).status, 503);
    assert.equal((await tokenFor('4403')).status, 200);
    s.sandbox.setFaults({ police: { down: false } });
    assert.equal((await changes(t, 'since=2026-11-01')).status, 200, 'a token outlives an outage');
    s.sandbox.setFaults({ police: { down: true } });
    assert.equal((await tokenFor('4403')).status, 503);
  });

  it('replaces a household record through the control API', async () => {
    s = await start();
    const put = (id: string, body: unknown) => fetch(`${s.sandbox.url}/_sandbox/records/police-4401/hukou/${id}`, { method: 'PUT', body: JSON.stringify(body) });
    assert.equal((await put('P1', { hjzt: '正常', gxsj: '2026-11-01 08:00:00' })).status, 409);
    assert.equal((await put('P1', { id: 'P1', hjzt: '正常', zxyy: '', gxsj: '2026-11-10 08:00:00' })).status, 200);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/police-4499/hukou/P1`, { method: 'PUT', body: '{"gxsj":"2026-11-10 08:00:00"}' })).status, 404);
    const t = await token();
    const items = ((await (await changes(t, 'since=2026-11-01&limit=10')).json()) as Changes).items;
    assert.deepEqual(items.map((i) => i.id), ['P2', 'P3', 'P4', 'P1']);
    assert.equal(items[3].hjzt, '正常');
  });
});
