import assert from 'node:assert/strict';
import { signedFetch, start, type Started } from './helpers.ts';

const PATH = '/provincial/v1/cert-imports';
const PROVINCIAL = { appId: 'lifecert-provincial', secret: 'sandbox-provincial-secret' };

function batch(batchId: string, n: number): Record<string, unknown> {
  return {
    batchId,
    areaCode: '440106',
    period: '2026-11',
    approvals: [
      { level: 1, user: 'clerk01', at: '2026-11-28T09:00:00+08:00' },
      { level: 2, user: 'chief01', at: '2026-11-28T10:00:00+08:00' },
    ],
    items: Array.from({ length: n }, (_, i) => ({
      personId: `44010619410302${String(i).padStart(4, '0')}`,
      action: 'RECORD',
      certifiedMonth: '2026-11',
      certifiedUntil: '2027-10',
      basis: 'RELEASED',
    })),
  };
}

describe('sandbox: provincial import endpoint', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const post = (body: unknown, opts = {}) => signedFetch(s.sandbox, 'POST', PATH, [], JSON.stringify(body), s.clock.t, { ...PROVINCIAL, ...opts });

  it('imports a signed batch and answers the count', async () => {
    const res = await post(batch('IB-1', 3));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { code: '0', data: { imported: 3 } });
    const log = s.sandbox.received('provincial');
    assert.equal(log.length, 1);
    assert.equal(log[0].batchId, 'IB-1');
    assert.equal(log[0].period, '2026-11');
    assert.equal((log[0].items as unknown[]).length, 3);
  });

  it('is idempotent on batchId: a repeat answers the same count and is logged again', async () => {
    assert.deepEqual(await (await post(batch('IB-2', 5))).json(), { code: '0', data: { imported: 5 } });
    assert.deepEqual(await (await post(batch('IB-2', 5))).json(), { code: '0', data: { imported: 5 } });
    assert.deepEqual(await (await post(batch('IB-2', 1))).json(), { code: '0', data: { imported: 5 } });
    assert.equal(s.sandbox.received('provincial').length, 3);
  });

  it('refuses more than 2,000 items with 422 BATCH_TOO_LARGE and takes exactly 2,000', async () => {
    const big = await post(batch('IB-3', 2001));
    assert.equal(big.status, 422);
    assert.equal(((await big.json()) as { code: string }).code, 'BATCH_TOO_LARGE');
    assert.equal(s.sandbox.received('provincial').length, 0);
    assert.deepEqual(await (await post(batch('IB-3', 2000))).json(), { code: '0', data: { imported: 2000 } });
  });

  it('uses its own credentials: the big-data ones are refused', async () => {
    const res = await signedFetch(s.sandbox, 'POST', PATH, [], JSON.stringify(batch('IB-4', 1)), s.clock.t);
    assert.equal(res.status, 401);
    const wrongSecret = await post(batch('IB-4', 1), { secret: 'sandbox-bigdata-secret' });
    assert.equal(((await wrongSecret.json()) as { code: string }).code, 'SIGNATURE_INVALID');
    assert.equal(((await (await post(batch('IB-4', 1), { timestamp: s.clock.t - 400_000 })).json()) as { code: string }).code, 'TIMESTAMP_EXPIRED');
  });

  it('checks the batch shape', async () => {
    const bad: Array<Record<string, unknown>> = [
      { ...batch('IB-5', 1), batchId: '' },
      { ...batch('IB-5', 1), period: '2026-13' },
      { ...batch('IB-5', 1), approvals: [] },
      { ...batch('IB-5', 0) },
      { ...batch('IB-5', 1), items: [{ personId: '4401', action: 'RECORD', certifiedMonth: '2026-11', certifiedUntil: '2027-10', basis: 'RELEASED' }] },
      { ...batch('IB-5', 1), items: [{ personId: '440106194103021234', action: 'DELETE', certifiedMonth: '2026-11', certifiedUntil: '2027-10', basis: 'RELEASED' }] },
      { ...batch('IB-5', 1), items: [{ personId: '440106194103021234', action: 'RESTORE', certifiedMonth: '2026-11', certifiedUntil: '2027-10', basis: 'GUESSED' }] },
    ];
    for (const b of bad) {
      const res = await post(b);
      assert.equal(res.status, 400, JSON.stringify(b).slice(0, 200));
    }
    assert.equal(s.sandbox.received('provincial').length, 0);
  });

  it('goes down and up', async () => {
    s.sandbox.setFaults({ provincial: { down: true } });
    assert.equal((await post(batch('IB-6', 1))).status, 503);
    s.sandbox.setFaults({ provincial: { down: false } });
    assert.equal((await post(batch('IB-6', 1))).status, 200);
  });
});
