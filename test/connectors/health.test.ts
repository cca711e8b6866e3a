import assert from 'node:assert/strict';
import nock from 'nock';
import { createHealthConnector } from '../../connectors/health/connector.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { vaccination } from './fixtures.ts';
import { collect, collectUntilError, fixedRandom, ids, recordingSleep, useNock } from './helpers.ts';

const BASE = 'http://health.test';
const PREFIX = '/health';

const page = (data: unknown[], total: number, p = 1) => ({ page: p, size: 2, total, data });

function connector(sleep = recordingSleep().sleep) {
  return createHealthConnector({ url: `${BASE}${PREFIX}`, apiKey: SANDBOX_CREDENTIALS.health.apiKey, pageSize: 2, retry: { maxAttempts: 3 } }, { sleep, random: fixedRandom });
}

describe('health connector', () => {
  useNock();

  it('pages by page/size with updatedFrom and the API key; record ids per dataset', async () => {
    nock(BASE)
      .matchHeader('x-api-key', 'sandbox-health-api-key')
      .get(`${PREFIX}/v2/vaccinations`).query({ updatedFrom: '2000-01-01T00:00:00+08:00', page: '1', size: '2' })
      .reply(200, page([vaccination('V1', '2026-11-01T08:00:00+08:00'), vaccination('V2', '2026-11-02T00:30:00Z')], 3))
      .get(`${PREFIX}/v2/vaccinations`).query({ updatedFrom: '2000-01-01T00:00:00+08:00', page: '2', size: '2' })
      .reply(200, page([vaccination('V3', '2026-11-03T08:00:00+08:00')], 3, 2))
      // the pass's closing look at the total: nothing arrived meanwhile
      .get(`${PREFIX}/v2/vaccinations`).query({ updatedFrom: '2000-01-01T00:00:00+08:00', page: '1', size: '1' })
      .reply(200, page([vaccination('V1', '2026-11-01T08:00:00+08:00')], 3));
    const pages = await collect(connector().pull('vaccinations', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['V1', 'V2', 'V3']);
    assert.equal(pages[0].records[1].updatedAt, '2026-11-02T08:30:00+08:00', 'updatedAt carried in China time');
    assert.equal(pages.at(-1)?.state.highWater, '2026-11-03T08:00:00+08:00');
  });

  it('retries a 500 with an HTML body and never crashes on it', async () => {
    const { sleep, waits } = recordingSleep();
    nock(BASE)
      .get(`${PREFIX}/v2/checkups`).query(true).reply(500, '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', { 'Content-Type': 'text/html' })
      .get(`${PREFIX}/v2/checkups`).query(true).reply(200, '<html><body>maintenance</body></html>', { 'Content-Type': 'text/html' })
      .get(`${PREFIX}/v2/checkups`).query(true).times(2).reply(200, page([{ checkupId: 'C1', idType: '01', idNumber: 'x', name: 'n', checkupDate: '2026-11-01', institution: 'i', updatedAt: '2026-11-01T09:00:00+08:00' }], 1));
    const pages = await collect(connector(sleep).pull('checkups', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['C1']);
    assert.equal(waits.length, 2);
  });

  it('gives a clear error after repeated HTML 500s, yielding nothing', async () => {
    nock(BASE).get(`${PREFIX}/v2/checkups`).query(true).times(3).reply(500, '<html><body>Internal Server Error</body></html>');
    const { pages, error } = await collectUntilError(connector().pull('checkups', null, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 0);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_HTTP_UNAVAILABLE');
    assert.match(error.message, /HTTP 500 .*Internal Server Error.*gave up after 3 attempts/);
  });

  it('honours Retry-After on 429', async () => {
    const { sleep, waits } = recordingSleep();
    nock(BASE)
      .get(`${PREFIX}/v2/death-certificates`).query(true).reply(429, '', { 'Retry-After': '2' })
      .get(`${PREFIX}/v2/death-certificates`).query(true).times(2).reply(200, page([], 0));
    await collect(connector(sleep).pull('death-certificates', null, { asOf: '2026-11-28' }));
    assert.deepEqual(waits, [2000]);
  });

  it('leaves out records after the as-of day and stops paging', async () => {
    nock(BASE)
      .get(`${PREFIX}/v2/vaccinations`).query(true).times(2)
      .reply(200, page([vaccination('V1', '2026-11-28T23:00:00+08:00'), vaccination('V2', '2026-11-28T16:00:01Z')], 5));
    const pages = await collect(connector().pull('vaccinations', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['V1']);
  });

  it('posts feedback: 202 means all accepted', async () => {
    const item = { feedbackId: 'F1', recordType: 'death-certificates', recordId: 'D1', idNumber: '440106194103020017', field: 'idNumber', reportedValue: 'x', correctedValue: '', reasonCode: 'ID_CHECKSUM', verifiedDate: '2026-11-20' };
    nock(BASE).post(`${PREFIX}/v2/feedback`, { items: [item] }).matchHeader('x-api-key', 'sandbox-health-api-key').reply(202);
    assert.deepEqual(await connector().postFeedback([item]), { accepted: 1 });
  });
});
