import assert from 'node:assert/strict';
import { randomNonce, signedFetch, smallWorld, start, type Started } from './helpers.ts';

interface Page {
  code: string;
  data: { records: Array<Record<string, string>>; nextCursor: string | null };
}
interface ErrorBody {
  code: string;
  message: string;
}

const DEATH = '/bigdata/api/v1/datasets/death/records';

describe('sandbox: big-data center', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const get = (query: Array<[string, string]>, opts = {}) => signedFetch(s.sandbox, 'GET', DEATH, query, undefined, s.clock.t, opts);
  const post = (body: unknown, opts = {}) => signedFetch(s.sandbox, 'POST', '/bigdata/api/v1/feedback', [], JSON.stringify(body), s.clock.t, opts);

  async function pageAll(since: string | undefined, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const q: Array<[string, string]> = [['limit', String(limit)]];
      if (since) q.push(['updatedSince', since]);
      if (cursor) q.push(['cursor', cursor]);
      const res = await get(q);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Page;
      assert.equal(body.code, '0');
      pages.push(body.data.records.map((r) => r.JLID));
      cursor = body.data.nextCursor;
    } while (cursor !== null);
    return pages;
  }

  it('pages with an opaque cursor in (GXSJ, JLID) order, null at the end', async () => {
    assert.deepEqual(await pageAll(undefined, 2), [['J1', 'J2'], ['J3', 'J4'], ['J5']]);
    assert.deepEqual(await pageAll(undefined, 5), [['J1', 'J2', 'J3', 'J4', 'J5']]);
    assert.deepEqual(await pageAll('2026-11-01T00:00:00+08:00', 1000), [['J2', 'J3', 'J4', 'J5']]);
    // the same instant in another offset
    assert.deepEqual(await pageAll('2026-10-31T16:00:00Z', 3), [['J2', 'J3', 'J4'], ['J5']]);
    assert.deepEqual(await pageAll('2026-12-01T00:00:00+08:00', 10), [[]]);
  });

  it('serves records verbatim', async () => {
    const body = (await (await get([['limit', '1']])).json()) as Page;
    assert.deepEqual(body.data.records[0], {
      JLID: 'J1', GMSFHM: '440106194103021235', XM: '乙', XBDM: '2', CSRQ: '19410302', SJLY: '省卫生健康委', GXSJ: '2026-10-31 23:59:59', SWRQ: '20261030', SWDD: '广州',
    });
  });

  it('accepts a cursor only with the updatedSince it was issued for', async () => {
    const since = '2026-11-01T00:00:00+08:00';
    const first = (await (await get([['updatedSince', since], ['limit', '1']])).json()) as Page;
    const cursor = first.data.nextCursor as string;
    const other = await get([['updatedSince', '2026-11-02T00:00:00+08:00'], ['cursor', cursor]]);
    assert.equal(other.status, 400);
    assert.equal(((await other.json()) as ErrorBody).code, 'CURSOR_INVALID');
    const none = await get([['cursor', cursor]]);
    assert.equal(none.status, 400);
    const forged = await get([['cursor', 'not-a-cursor']]);
    assert.equal(((await forged.json()) as ErrorBody).code, 'CURSOR_INVALID');
  });

  it('checks limit, updatedSince, unknown and empty parameters, and the dataset', async () => {
    for (const q of [[['limit', '0']], [['limit', '1001']], [['limit', 'ten']], [['updatedSince', '2026-11-01']], [['updatedSince', '2026-11-01 00:00:00']], [['since', 'x']], [['cursor', '']]] as Array<Array<[string, string]>>) {
      const res = await get(q);
      assert.equal(res.status, 400, JSON.stringify(q));
      assert.equal(((await res.json()) as ErrorBody).code, 'INVALID_PARAM');
    }
    assert.equal((await get([['limit', '1000']])).status, 200);
    const unknown = await signedFetch(s.sandbox, 'GET', '/bigdata/api/v1/datasets/marriage/records', [], undefined, s.clock.t);
    assert.equal(unknown.status, 404);
  });

  it('takes + in the query as a literal plus (RFC 3986), and signs over the decoded value', async () => {
    const since = '2026-11-01T00:00:00+08:00';
    const res = await get([['updatedSince', since]], { rawQuery: `updatedSince=${since}` });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Page).data.records.length, 4);
  });

  it('refuses an expired timestamp, a reused nonce, a bad signature, an unknown app and a malformed nonce', async () => {
    const expect401 = async (res: Response, code: string) => {
      assert.equal(res.status, 401, code);
      assert.equal(((await res.json()) as ErrorBody).code, code);
    };
    await expect401(await get([], { timestamp: s.clock.t - 301_000 }), 'TIMESTAMP_EXPIRED');
    await expect401(await get([], { timestamp: s.clock.t + 301_000 }), 'TIMESTAMP_EXPIRED');
    assert.equal((await get([], { timestamp: s.clock.t - 299_000 })).status, 200);
    const nonce = randomNonce();
    assert.equal((await get([], { nonce })).status, 200);
    await expect401(await get([], { nonce }), 'NONCE_REUSED');
    s.clock.advance(10 * 60 * 1000 + 1);
    assert.equal((await get([], { nonce })).status, 200, 'a nonce is single-use for 10 minutes only');
    await expect401(await get([], { signature: '0'.repeat(64) }), 'SIGNATURE_INVALID');
    await expect401(await get([], { secret: 'sandbox-provincial-secret' }), 'SIGNATURE_INVALID');
    // a query sent other than the one signed
    await expect401(await get([['limit', '1']], { rawQuery: 'limit=2' }), 'SIGNATURE_INVALID');
    // the path signed without its /bigdata prefix is not the path as sent
    const { hmacSignature } = await import('../../sandbox/signing.ts');
    const shortPath = hmacSignature('sandbox-bigdata-secret', {
      method: 'GET', path: '/api/v1/datasets/death/records', canonicalQuery: '', timestamp: String(s.clock.t), nonce: 'p'.repeat(16), body: Buffer.alloc(0),
    });
    await expect401(await get([], { signature: shortPath, nonce: 'p'.repeat(16) }), 'SIGNATURE_INVALID');
    await expect401(await get([], { appId: 'someone' }), 'APP_ID_INVALID');
    await expect401(await get([], { nonce: 'short' }), 'NONCE_INVALID');
    await expect401(await get([], { nonce: 'abc-def-ghi-jkl-mno' }), 'NONCE_INVALID');
    const bodyTampered = await signedFetch(s.sandbox, 'POST', '/bigdata/api/v1/feedback', [], '{"items":[]}', s.clock.t, {
      signature: (await import('../../sandbox/signing.ts')).hmacSignature('sandbox-bigdata-secret', {
        method: 'POST', path: '/bigdata/api/v1/feedback', canonicalQuery: '', timestamp: String(s.clock.t), nonce: 'x'.repeat(16), body: Buffer.from('{"items":[1]}'),
      }),
      nonce: 'x'.repeat(16),
    });
    await expect401(bodyTampered, 'SIGNATURE_INVALID');
  });

  it('answers 429 with Retry-After and 503 on every N-th call, and 503 while down', async () => {
    s.sandbox.setFaults({ bigdata: { rateLimitEveryNthCall: 2, unavailableEveryNthCall: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get([]);
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.headers.get('retry-after'), '1');
      if (res.status !== 200) assert.match(((await res.json()) as ErrorBody).code, /RATE_LIMITED|SERVICE_UNAVAILABLE/);
    }
    assert.deepEqual(statuses, [200, 429, 503, 429, 200, 429]);
    s.sandbox.setFaults({ bigdata: { down: true, rateLimitEveryNthCall: 0, unavailableEveryNthCall: 0 } });
    assert.equal((await get([])).status, 503);
    assert.equal((await post({ items: [] })).status, 503);
    s.sandbox.setFaults({ bigdata: { down: false } });
    assert.equal((await get([])).status, 200);
  });

  it('holds feedback idempotently on feedbackId and answers the full count', async () => {
    const item = (id: string) => ({
      feedbackId: id, dataset: 'death', JLID: 'J1', GMSFHM: '440106194103021235', field: 'SWRQ', reportedValue: '20261030', correctedValue: '', reasonCode: 'NOT_DEAD', verifiedDate: '2026-11-28',
    });
    const a = await post({ items: [item('F1'), item('F2')] });
    assert.deepEqual(await a.json(), { code: '0', data: { accepted: 2 } });
    const b = await post({ items: [item('F2'), item('F3'), item('F3')] });
    assert.deepEqual(await b.json(), { code: '0', data: { accepted: 2 } });
    const bad = await post({ items: [{ ...item('F4'), dataset: 'weather' }] });
    assert.equal(bad.status, 400);
    const log = s.sandbox.received('bigdata');
    assert.equal(log.length, 2);
    assert.deepEqual(log[1].items, [item('F2'), item('F3'), item('F3')]);
    assert.equal(log[0].operation, 'feedback');
  });

  it('serves a replaced record after the others and refuses an older version', async () => {
    const put = (id: string, body: unknown) => fetch(`${s.sandbox.url}/_sandbox/records/bigdata/death/${id}`, { method: 'PUT', body: JSON.stringify(body) });
    assert.equal((await put('J1', { JLID: 'J1', GXSJ: '2026-10-31 23:59:59' })).status, 409);
    assert.equal((await put('J1', { JLID: 'J1', GMSFHM: '440106194103021235', SWRQ: '', GXSJ: '2026-11-20 10:00:00' })).status, 200);
    assert.equal((await put('J1', { JLID: 'J2', GXSJ: '2026-11-20 10:00:00' })).status, 400);
    assert.equal((await put('J9', { GXSJ: 'soon' })).status, 400);
    assert.deepEqual(await pageAll(undefined, 10), [['J2', 'J3', 'J4', 'J5', 'J1']]);
    assert.deepEqual(await pageAll('2026-11-10T00:00:00+08:00', 10), [['J1']]);
  });

  it('keeps a cursor valid when records change between pages', async () => {
    const first = (await (await get([['limit', '2']])).json()) as Page;
    assert.deepEqual(first.data.records.map((r) => r.JLID), ['J1', 'J2']);
    // J2 (already served) moves to the end; J3 must not be skipped
    s.sandbox.putRecord('bigdata', 'death', 'J2', { JLID: 'J2', GXSJ: '2026-11-21 00:00:00' });
    const rest = (await (await get([['limit', '10'], ['cursor', first.data.nextCursor as string]])).json()) as Page;
    assert.deepEqual(rest.data.records.map((r) => r.JLID), ['J3', 'J4', 'J5', 'J2']);
  });

  it('serves a record that lacks its id, as the source sent it; refuses a world record without an update time', async () => {
    await s.stop();
    const world = smallWorld();
    world.sources.bigdata?.death?.push({ GMSFHM: '440106194103021299', XM: '己', GXSJ: '2026-11-02 08:00:00' });
    s = await start(world);
    const body = (await (await get([['limit', '10']])).json()) as Page;
    assert.deepEqual(body.data.records.map((r) => r.JLID ?? '(none)'), ['J1', 'J2', 'J3', '(none)', 'J4', 'J5']);
    await s.stop();
    const broken = smallWorld();
    broken.sources.bigdata?.death?.push({ JLID: 'J9', GXSJ: '' });
    await assert.rejects(start(broken), /bigdata\/death .*J9.*unreadable/);
    s = await start();
  });
});
