import assert from 'node:assert/strict';
import { start, type Started } from './helpers.ts';

describe('sandbox: control API', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const faults = (body: string) => fetch(`${s.sandbox.url}/_sandbox/faults`, { method: 'POST', body });

  it('shows and changes fault settings', async () => {
    const before = (await (await fetch(`${s.sandbox.url}/_sandbox/faults`)).json()) as Record<string, Record<string, unknown>>;
    assert.deepEqual(before.ministry, { down: false, busyEveryNthCall: 0 });
    assert.deepEqual(before['police-4401'], { down: false, tokenTtlSeconds: 600, pendingLateItems: 0 });
    const res = await faults(JSON.stringify({ bigdata: { rateLimitEveryNthCall: 4 }, 'police-4403': { down: true }, civil: {} }));
    assert.equal(res.status, 200);
    const after = (await res.json()) as Record<string, Record<string, unknown>>;
    assert.equal(after.bigdata.rateLimitEveryNthCall, 4);
    assert.equal(after['police-4403'].down, true);
    assert.equal(after['police-4401'].down, false);
  });

  it('refuses a bad fault patch as a whole, changing nothing', async () => {
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ ministry: { down: true }, weather: {} }),
      JSON.stringify({ ministry: { down: 'yes' } }),
      JSON.stringify({ ministry: { busyEveryNthCall: -1 } }),
      JSON.stringify({ ministry: { slowness: 3 } }),
      JSON.stringify({ civil: { down: true } }),
      JSON.stringify({ 'police-4499': { down: true } }),
      JSON.stringify({ police: { tokenTtlSeconds: 0 } }),
    ];
    for (const body of bad) {
      const res = await faults(body);
      assert.equal(res.status, 400, body);
      assert.equal(((await res.json()) as { code: string }).code, 'INVALID_PARAM');
    }
    const now = (await (await fetch(`${s.sandbox.url}/_sandbox/faults`)).json()) as Record<string, Record<string, unknown>>;
    assert.equal(now.ministry.down, false);
  });

  it('answers 404 for unknown channels and paths, 400 for records that are not source records', async () => {
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/received/weather`)).status, 404);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/received/police-4499`)).status, 404);
    assert.deepEqual(await (await fetch(`${s.sandbox.url}/_sandbox/received/provincial`)).json(), []);
    assert.equal((await fetch(`${s.sandbox.url}/nowhere`)).status, 404);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/weather/x/1`, { method: 'PUT', body: '{}' })).status, 404);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/bigdata/death/J1`, { method: 'PUT', body: '{"GXSJ": 5}' })).status, 400);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/bigdata/weather/J1`, { method: 'PUT', body: '{"GXSJ":"2026-12-01 00:00:00"}' })).status, 404);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/ministry/WEATHER/J1`, { method: 'PUT', body: '{"aae036":"2026-12-01 00:00:00"}' })).status, 404);
  });

  it('stamps received requests with the sandbox clock, in arrival order', async () => {
    const send = (id: string) =>
      fetch(`${s.sandbox.url}/health/v2/feedback`, {
        method: 'POST',
        headers: { 'X-Api-Key': 'sandbox-health-api-key' },
        body: JSON.stringify({ items: [{ feedbackId: id, recordType: 'checkups', recordId: 'K1', idNumber: '', field: 'x', reportedValue: '', reasonCode: 'R', verifiedDate: '2026-11-28' }] }),
      });
    await send('A');
    s.clock.advance(3_600_000);
    await send('A');
    const log = (await (await fetch(`${s.sandbox.url}/_sandbox/received/health`)).json()) as Array<{ at: string; operation: string }>;
    assert.deepEqual(log.map((e) => e.at), ['2026-11-28T10:00:00+08:00', '2026-11-28T11:00:00+08:00']);
  });
});
