import assert from 'node:assert/strict';
import { start, type Started } from './helpers.ts';

interface Page {
  page: number;
  size: number;
  total: number;
  data: Array<Record<string, string>>;
}

describe('sandbox: health commission', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const get = (resource: string, query = '', key = 'sandbox-health-api-key') =>
    fetch(`${s.sandbox.url}/health/v2/${resource}${query ? `?${query}` : ''}`, { headers: { 'X-Api-Key': key } });
  const ids = async (res: Response, field = 'certificateNo') => ((await res.json()) as Page).data.map((r) => r[field]);

  it('requires the API key', async () => {
    const bad = await get('death-certificates', '', 'wrong');
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { code: string }).code, 'UNAUTHORIZED');
    assert.equal((await fetch(`${s.sandbox.url}/health/v2/death-certificates`)).status, 401);
    assert.equal((await get('death-certificates')).status, 200);
  });

  it('pages by page/size in (updatedAt instant, id) order, updatedFrom inclusive', async () => {
    // C1 2026-11-02T02:00:00Z and C2 2026-11-02T10:00:00+08:00 are the same instant: id decides
    assert.deepEqual(await ids(await get('death-certificates')), ['C3', 'C1', 'C2']);
    const p = (await (await get('death-certificates', 'page=2&size=2')).json()) as Page;
    assert.deepEqual({ page: p.page, size: p.size, total: p.total }, { page: 2, size: 2, total: 3 });
    assert.deepEqual(p.data.map((r) => r.certificateNo), ['C2']);
    const from = encodeURIComponent('2026-11-02T10:00:00+08:00');
    assert.deepEqual(await ids(await get('death-certificates', `updatedFrom=${from}`)), ['C1', 'C2']);
    assert.deepEqual(await ids(await get('death-certificates', 'updatedFrom=2026-11-02T02:00:01Z')), []);
    assert.deepEqual(await ids(await get('checkups', 'updatedFrom=2026-11-01T00:00:00Z'), 'checkupId'), ['K1']);
    assert.deepEqual(await ids(await get('vaccinations'), 'vaccinationId'), []);
    const full = ((await (await get('death-certificates', 'size=1')).json()) as Page).data[0];
    assert.deepEqual(full, { certificateNo: 'C3', idType: '02', idNumber: 'E1234567', name: 'X', sex: 'M', deathTime: '2026-10-30T08:00:00+08:00', deathPlace: '家中', updatedAt: '2026-10-31T12:00:00+08:00' });
  });

  it('reads an unencoded + as a space, as a web server would, and says so', async () => {
    const res = await get('death-certificates', 'updatedFrom=2026-11-02T10:00:00+08:00');
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /%2B/);
    for (const q of ['size=0', 'size=201', 'page=0', 'updatedFrom=2026-11-02', 'updatedFrom=2026-11-02T10:00:00']) {
      assert.equal((await get('death-certificates', q)).status, 400, q);
    }
    assert.equal((await get('death-certificates', 'size=200')).status, 200);
    assert.equal((await get('operations')).status, 404);
  });

  it('answers 500 with an HTML body on every N-th call, and 503 while down', async () => {
    s.sandbox.setFaults({ health: { htmlErrorEveryNthCall: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await get('death-certificates');
      statuses.push(res.status);
      if (res.status === 500) {
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(await res.text(), /<html>/);
      } else await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 500, 200, 500]);
    s.sandbox.setFaults({ health: { down: true, htmlErrorEveryNthCall: 0 } });
    assert.equal((await get('death-certificates')).status, 503);
    s.sandbox.setFaults({ health: { down: false } });
    assert.equal((await get('death-certificates')).status, 200);
  });

  it('answers feedback with 202, idempotent on feedbackId', async () => {
    const item = (id: string) => ({ feedbackId: id, recordType: 'death-certificates', recordId: 'C1', idNumber: '440106194103021235', field: 'deathTime', reportedValue: '2026-10-30T08:00:00+08:00', correctedValue: '', reasonCode: 'NOT_DEAD', verifiedDate: '2026-11-28' });
    const send = (body: unknown, key = 'sandbox-health-api-key') =>
      fetch(`${s.sandbox.url}/health/v2/feedback`, { method: 'POST', headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const a = await send({ items: [item('H1'), item('H2')] });
    assert.equal(a.status, 202);
    assert.deepEqual(await a.json(), { accepted: 2 });
    const b = await send({ items: [item('H2')] });
    assert.equal(b.status, 202);
    assert.deepEqual(await b.json(), { accepted: 1 });
    assert.equal((await send({ items: [{ ...item('H3'), recordType: 'x-rays' }] })).status, 400);
    assert.equal((await send({ items: [item('H3')] }, 'bad')).status, 401);
    const log = s.sandbox.received('health');
    assert.deepEqual(log.map((e) => (e.items as Array<{ feedbackId: string }>).map((i) => i.feedbackId)), [['H1', 'H2'], ['H2']]);
  });

  it('replaces a record as the commission would', async () => {
    const put = (body: unknown) => fetch(`${s.sandbox.url}/_sandbox/records/health/death-certificates/C3`, { method: 'PUT', body: JSON.stringify(body) });
    assert.equal((await put({ idType: '01', updatedAt: '2026-10-31T04:00:00Z' })).status, 409, 'the same instant is not newer');
    assert.equal((await put({ idType: '01', updatedAt: '2026-11-03T00:00:00+08:00' })).status, 200);
    assert.deepEqual(await ids(await get('death-certificates')), ['C1', 'C2', 'C3']);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/health/x-rays/Z1`, { method: 'PUT', body: '{"updatedAt":"2026-11-03T00:00:00+08:00"}' })).status, 404);
  });
});
