import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import nock from 'nock';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { createMinistryConnector } from '../../connectors/ministry/connector.ts';
import { createdTimestamp, passwordDigest, usernameTokenXml } from '../../connectors/ministry/ws-security.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { envelope, fault, ministryRecord, queryResponse } from './fixtures.ts';
import { collect, collectUntilError, fixedRandom, ids, recordingSleep, replyWith, useNock } from './helpers.ts';
import type { SeenRequest } from './helpers.ts';

const BASE = 'http://ministry.test';
const PATH = '/ministry/ws/cert';
const NS = 'http://cert.mohrss.example/ws/2021';

const tag = (xml: string, name: string): string => new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1] ?? '';

/** Checks the WS-Security header the way the ministry does, with node:crypto directly. */
function verifyToken(xml: string): void {
  const nonce = Buffer.from(tag(xml, 'Nonce'), 'base64');
  const created = tag(xml, 'Created');
  const expected = crypto.createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(SANDBOX_CREDENTIALS.ministry.password)])).digest('base64');
  assert.equal(tag(xml, 'Username'), SANDBOX_CREDENTIALS.ministry.username);
  assert.equal(tag(xml, 'Password'), expected, 'PasswordDigest');
  assert.match(xml, /#PasswordDigest"/);
  assert.equal(nonce.length, 16);
  assert.ok(Math.abs(Date.parse(created) - Date.now()) < 300_000, 'Created within 5 minutes');
}

function connector(sleep = recordingSleep().sleep, extra: Record<string, unknown> = {}) {
  return createMinistryConnector(
    { url: `${BASE}${PATH}`, ...SANDBOX_CREDENTIALS.ministry, pageSize: 2, retry: { maxAttempts: 3 }, ...extra },
    { sleep, random: fixedRandom },
  );
}

describe('ministry WS-Security UsernameToken digest', () => {
  it('matches the test vector of sources.md', () => {
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i);
    assert.equal(Buffer.from(nonce).toString('base64'), 'AAECAwQFBgcICQoLDA0ODw==');
    assert.equal(passwordDigest(nonce, '2026-11-28T02:00:00Z', 'sandbox-ministry-password'), '0nin8Qdw/4s045oQnLwDpSgwyeo=');
    assert.equal(createdTimestamp(Date.parse('2026-11-28T02:00:00.123Z')), '2026-11-28T02:00:00Z');
    const xml = usernameTokenXml('lifecert', 'sandbox-ministry-password', nonce, '2026-11-28T02:00:00Z');
    assert.equal(tag(xml, 'Password'), '0nin8Qdw/4s045oQnLwDpSgwyeo=');
    assert.equal(tag(xml, 'Nonce'), 'AAECAwQFBgcICQoLDA0ODw==');
  });
});

describe('ministry connector', () => {
  useNock();

  it('queries per dataType for 440000 from the initial date to asOf, with a fresh token per call, paging by pageNo', async () => {
    const bodies: SeenRequest[] = [];
    nock(BASE)
      .post(PATH)
      .times(3) // two pages, then the pass's closing look at totalCount
      .reply(replyWith((req) => {
        bodies.push(req);
        verifyToken(req.body);
        const pageNo = tag(req.body, 'pageNo');
        return [200, pageNo === '1' ? queryResponse([ministryRecord('R1', '2026-11-01 08:00:00'), ministryRecord('R2', '2026-11-02 08:00:00')], 3) : queryResponse([ministryRecord('R3', '2026-11-03 08:00:00')], 3, 2), { 'Content-Type': 'text/xml' }];
      }));
    const pages = await collect(connector().pull('DEATH', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['R1', 'R2', 'R3']);
    const first = bodies[0].body;
    assert.equal(bodies[0].headers.soapaction, '"http://cert.mohrss.example/ws/2021/QueryCertData"');
    assert.deepEqual(['dataType', 'areaCode', 'startDate', 'endDate', 'pageNo', 'pageSize'].map((t) => tag(first, t)), ['DEATH', '440000', '20000101', '20261128', '1', '2']);
    assert.notEqual(tag(bodies[0].body, 'Nonce'), tag(bodies[1].body, 'Nonce'), 'a new nonce per call');
    assert.deepEqual(pages[0].records[0].raw, ministryRecord('R1', '2026-11-01 08:00:00'));
    assert.equal(pages[0].records[0].updatedAt, '2026-11-01T08:00:00+08:00');
    assert.match(Buffer.from(pages[0].body).toString('utf8'), /<recordId>R1<\/recordId>/, 'the page is archived as the bytes received');
    assert.equal(pages.at(-1)?.state.highWater, '2026-11-03T08:00:00+08:00');
  });

  it('starts a later pull one day before the committed high-water date', async () => {
    nock(BASE).post(PATH, (b: unknown) => String(b).includes('<startDate>20261102</startDate>')).times(2).reply(200, queryResponse([], 0));
    const pages = await collect(connector().pull('AUTH', { highWater: '2026-11-03T08:00:00+08:00' }, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 1);
    assert.equal(pages[0].state.highWater, '2026-11-03T08:00:00+08:00', 'an empty page does not move the cursor back');
  });

  it('retries SYSTEM_BUSY with backoff', async () => {
    const { sleep, waits } = recordingSleep();
    nock(BASE).post(PATH).reply(500, fault('SYSTEM_BUSY')).post(PATH).reply(500, fault('SYSTEM_BUSY')).post(PATH).times(2).reply(200, queryResponse([ministryRecord('R1', '2026-11-01 08:00:00')], 1));
    const pages = await collect(connector(sleep).pull('DEATH', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['R1']);
    assert.equal(waits.length, 2);
    assert.deepEqual(waits, [250, 500], 'exponential (jitter pinned at 0.5)');
  });

  for (const code of ['AUTH_FAILED', 'INVALID_PARAM']) {
    it(`fails at once on ${code}`, async () => {
      const { sleep, waits } = recordingSleep();
      nock(BASE).post(PATH).reply(500, fault(code));
      const { pages, error } = await collectUntilError(connector(sleep).pull('DEATH', null, { asOf: '2026-11-28' }));
      assert.equal(pages.length, 0);
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, `LIFECERT_SOAP_${code}`);
      assert.equal(error.retryable, false);
      assert.deepEqual(waits, []);
    });
  }

  it('fails with resultMsg on a resultCode other than 0000', async () => {
    nock(BASE).post(PATH).reply(200, queryResponse([], 0, 1, '1001', '参数错误'));
    const { error } = await collectUntilError(connector().pull('DEATH', null, { asOf: '2026-11-28' }));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_CONNECTOR_RESULT_NOT_OK');
    assert.match(error.message, /1001.*参数错误/);
  });

  it('retries truncated XML, then fails clearly without yielding the page', async () => {
    const truncated = queryResponse([ministryRecord('R1', '2026-11-01 08:00:00')], 1).slice(0, 260);
    nock(BASE).post(PATH).times(3).reply(200, truncated);
    const { pages, error } = await collectUntilError(connector().pull('DEATH', null, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 0);
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_CONNECTOR_BODY_MALFORMED');
    assert.match(error.message, /not a complete SOAP envelope.*gave up after 3 attempts/);
  });

  it('retries 503 with an HTML page and 429 with Retry-After', async () => {
    const { sleep, waits } = recordingSleep();
    nock(BASE)
      .post(PATH).reply(503, '<html><body>Service Unavailable</body></html>', { 'Content-Type': 'text/html' })
      .post(PATH).reply(429, '', { 'Retry-After': '3' })
      .post(PATH).times(2).reply(200, queryResponse([ministryRecord('R1', '2026-11-01 08:00:00')], 1));
    const pages = await collect(connector(sleep).pull('DEATH', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['R1']);
    assert.equal(waits[1], 3000);
  });

  it('submits adoption feedback and corrections', async () => {
    nock(BASE)
      .post(PATH, (b: unknown) => String(b).includes('<batchId>B1</batchId>') && String(b).includes('<adopted>1</adopted>'))
      .reply(200, envelope(`<SubmitResponse xmlns="${NS}"><resultCode>0000</resultCode><resultMsg>ok</resultMsg><acceptedCount>1</acceptedCount></SubmitResponse>`));
    nock(BASE)
      .post(PATH, (b: unknown) => String(b).includes('<feedbackId>F1</feedbackId>') && String(b).includes('<field>eventDate</field>'))
      .reply(200, envelope(`<SubmitResponse xmlns="${NS}"><resultCode>0000</resultCode><resultMsg>ok</resultMsg><acceptedCount>1</acceptedCount></SubmitResponse>`));
    const c = connector();
    const a = await c.submitFeedback('B1', [{ recordId: 'R1', dataType: 'OVERSEAS', adopted: '1', reasonCode: '', reasonMsg: '', feedbackDate: '20261128' }]);
    assert.equal(a.acceptedCount, 1);
    const b = await c.submitCorrection('B2', [{ feedbackId: 'F1', recordId: 'R1', dataType: 'DEATH', aac002: '440106194103020017', field: 'eventDate', reportedValue: '20261101', correctedValue: '', reasonCode: 'ALIVE', verifiedDate: '20261120' }]);
    assert.equal(b.acceptedCount, 1);
  });
});
