import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import nock from 'nock';
import { createBigdataConnector } from '../../connectors/bigdata/connector.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { bigdataRecord } from './fixtures.ts';
import { collect, collectUntilError, fixedRandom, ids, recordingSleep, replyWith, useNock } from './helpers.ts';

const BASE = 'http://bigdata.test';
const PREFIX = '/bigdata';
const SECRET = SANDBOX_CREDENTIALS.bigdata.appSecret;

/** Verifies the signature the way the center does, independently of the client's signer. */
function verifySignature(method: string, pathWithQuery: string, headers: Record<string, string>, body = ''): boolean {
  const [path, query = ''] = pathWithQuery.split('?');
  const canonical = query
    .split('&')
    .filter(Boolean)
    .map((kv) => kv.split('='))
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map((kv) => kv.join('='))
    .join('&');
  const s = [method, path, canonical, headers['x-timestamp'], headers['x-nonce'], crypto.createHash('sha256').update(body).digest('hex')].join('\n');
  return crypto.createHmac('sha256', SECRET).update(s).digest('hex') === headers['x-signature'];
}

function connector(sleep = recordingSleep().sleep, extra: Record<string, unknown> = {}) {
  return createBigdataConnector(
    { url: `${BASE}${PREFIX}`, appId: SANDBOX_CREDENTIALS.bigdata.appId, appSecret: SECRET, pageSize: 2, retry: { maxAttempts: 3 }, ...extra },
    { sleep, random: fixedRandom },
  );
}

const ok = (records: unknown[], nextCursor: string | null) => ({ code: '0', data: { records, nextCursor } });
const recordsPath = `${PREFIX}/api/v1/datasets/death/records`;

describe('big-data connector', () => {
  useNock();

  it('pages with the cursor, signs every request, sends the same updatedSince and no empty cursor', async () => {
    const seenNonces = new Set<string>();
    const seenQueries: string[] = [];
    const scope = nock(BASE)
      .get((uri) => uri.startsWith(recordsPath))
      .times(2)
      .reply(replyWith(({ path: uri, headers }) => {
        assert.ok(verifySignature('GET', uri, headers), `bad signature for ${uri}`);
        const nonce = String(headers['x-nonce']);
        assert.match(nonce, /^[A-Za-z0-9]{32}$/);
        assert.ok(!seenNonces.has(nonce), 'nonce reused');
        seenNonces.add(nonce);
        assert.match(String(headers['x-timestamp']), /^\d{13}$/);
        seenQueries.push(uri);
        return uri.includes('cursor=')
          ? [200, ok([bigdataRecord('J3', '2026-11-03 08:00:00')], null)]
          : [200, ok([bigdataRecord('J1', '2026-11-01 08:00:00'), bigdataRecord('J2', '2026-11-02 08:00:00')], 'c-2')];
      }));
    const pages = await collect(connector().pull('death', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['J1', 'J2', 'J3']);
    assert.deepEqual(seenQueries, [
      `${recordsPath}?limit=2&updatedSince=2000-01-01T00%3A00%3A00%2B08%3A00`,
      `${recordsPath}?cursor=c-2&limit=2&updatedSince=2000-01-01T00%3A00%3A00%2B08%3A00`,
    ]);
    assert.deepEqual(pages.map((p) => p.state.highWater), ['2026-11-02T08:00:00+08:00', '2026-11-03T08:00:00+08:00']);
    assert.equal(pages[0].records[0].updatedAt, '2026-11-01T08:00:00+08:00');
    assert.deepEqual(pages[0].records[0].raw, bigdataRecord('J1', '2026-11-01 08:00:00'));
    assert.equal(JSON.parse(String(pages[1].body)).data.records[0].JLID, 'J3');
    scope.done();
  });

  it('restarts a later pull from the high-water mark minus one day, never from a saved cursor', async () => {
    nock(BASE)
      .get(recordsPath)
      .query({ limit: '2', updatedSince: '2026-11-02T08:00:00+08:00' })
      .reply(200, ok([bigdataRecord('J3', '2026-11-03 08:00:00')], null));
    const pages = await collect(connector().pull('death', { highWater: '2026-11-03T08:00:00+08:00' }, { asOf: '2026-11-28' }));
    // seen again within the late-arrival day: yielded again, the pipeline's dedup makes it a no-op
    assert.deepEqual(ids(pages), ['J3']);
    assert.equal(pages[0].state.highWater, '2026-11-03T08:00:00+08:00');
  });

  it('honours Retry-After on 429 and retries 503 without losing the page', async () => {
    const { sleep, waits } = recordingSleep();
    nock(BASE)
      .get((uri) => uri.startsWith(recordsPath)).reply(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '7' })
      .get((uri) => uri.startsWith(recordsPath)).reply(503, { code: 'UNAVAILABLE', message: 'later' })
      .get((uri) => uri.startsWith(recordsPath)).reply(200, ok([bigdataRecord('J1', '2026-11-01 08:00:00')], null));
    const pages = await collect(connector(sleep).pull('death', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['J1']);
    assert.equal(waits[0], 7000, 'the Retry-After wait');
    assert.equal(waits.length, 2);
    assert.ok(waits[1] >= 0 && waits[1] <= 1000, 'the 503 backoff is a jittered exponential wait');
  });

  it('retries a malformed JSON body, then fails clearly without yielding the page', async () => {
    nock(BASE).get((uri) => uri.startsWith(recordsPath)).times(3).reply(200, '{"code":"0","data":{"records":[{"JLID":"J1"', { 'Content-Type': 'application/json' });
    const { pages, error } = await collectUntilError(connector().pull('death', null, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 0, 'no state advanced');
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_CONNECTOR_BODY_MALFORMED');
    assert.equal(error.attempts, 3);
    assert.match(error.message, /not valid JSON.*gave up after 3 attempts/);
  });

  it('fails at once on a refused signature (401) and on other 4xx', async () => {
    nock(BASE).get((uri) => uri.startsWith(recordsPath)).reply(401, { code: 'SIGNATURE_INVALID', message: 'bad signature' });
    const { error } = await collectUntilError(connector().pull('death', null, { asOf: '2026-11-28' }));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'LIFECERT_HTTP_UNAUTHORIZED');
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /SIGNATURE_INVALID/);
  });

  it('leaves out records updated after the as-of day and stops paging there', async () => {
    nock(BASE)
      .get((uri) => uri.startsWith(recordsPath))
      .reply(200, ok([bigdataRecord('J1', '2026-11-28 23:59:59'), bigdataRecord('J2', '2026-11-29 00:00:00')], 'c-2'));
    const pages = await collect(connector().pull('death', null, { asOf: '2026-11-28' }));
    assert.deepEqual(ids(pages), ['J1']);
    assert.equal(pages.at(-1)?.state.highWater, '2026-11-28T23:59:59+08:00');
  });

  it('stops between pages when aborted', async () => {
    const ac = new AbortController();
    nock(BASE).get((uri) => uri.startsWith(recordsPath)).reply(200, ok([bigdataRecord('J1', '2026-11-01 08:00:00'), bigdataRecord('J2', '2026-11-01 09:00:00')], 'c-2'));
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const page of connector().pull('death', null, { asOf: '2026-11-28', signal: ac.signal })) {
          seen.push(...page.records.map((r) => r.recordId));
          ac.abort();
        }
      })(),
      (err: unknown) => err instanceof ConnectorError && err.code === 'LIFECERT_CONNECTOR_ABORTED',
    );
    assert.deepEqual(seen, ['J1', 'J2']);
  });

  it('posts signed feedback and returns the accepted count', async () => {
    const item = { feedbackId: 'F1', dataset: 'death', JLID: 'J1', GMSFHM: '440106194103020017', field: 'SWRQ', reportedValue: '20261101', correctedValue: '', reasonCode: 'FALSE_DEATH', verifiedDate: '2026-11-20' };
    nock(BASE)
      .post(`${PREFIX}/api/v1/feedback`)
      .reply(replyWith(({ path: uri, headers, body: raw }) => {
        assert.ok(verifySignature('POST', uri, headers, raw));
        assert.deepEqual(JSON.parse(raw), { items: [item] });
        return [200, { code: '0', data: { accepted: 1 } }];
      }));
    assert.deepEqual(await connector().postFeedback([item]), { accepted: 1 });
  });

  it('refuses an unknown dataset and an invalid configuration', async () => {
    await assert.rejects(collect(connector().pull('weather', null, { asOf: '2026-11-28' })), /DATASET|does not pull/);
    assert.throws(() => createBigdataConnector({ url: BASE, appId: 'x' }), (e: unknown) => e instanceof ConnectorError && e.code === 'LIFECERT_CONNECTOR_CONFIG_INVALID' && /appSecret/.test(e.message));
    assert.throws(() => createBigdataConnector({ url: BASE, appId: 'x', appSecret: 'y', pageSize: 1001 }), /pageSize|must be <= 1000/);
  });
});
