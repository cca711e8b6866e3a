import assert from 'node:assert/strict';
import soap from 'soap';
import { envelope, faultString, queryBody, securityHeader, soapCall, start, T0, TEXT_TYPE, xmlRecords, xmlText, type Started } from './helpers.ts';

const ALL = { dataType: 'DEATH', startDate: '20000101', endDate: '20261128', pageNo: 1, pageSize: 500 };

describe('sandbox: ministry SOAP', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const query = (p: Parameters<typeof queryBody>[0], token = {}) =>
    soapCall(s.sandbox, 'QueryCertData', envelope(securityHeader(s.clock.t, token), queryBody(p)));

  it('serves the WSDL with its own address', async () => {
    const res = await fetch(`${s.sandbox.url}/ministry/ws/cert?wsdl`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(text, new RegExp(`<soap:address location="${s.sandbox.url}/ministry/ws/cert"/>`));
    assert.doesNotMatch(text, /localhost:8001/);
  });

  it('answers the sources.md digest vector at its Created time, then refuses its replay', async () => {
    const token = { nonce: 'AAECAwQFBgcICQoLDA0ODw==', created: '2026-11-28T02:00:00Z', digest: '0nin8Qdw/4s045oQnLwDpSgwyeo=' };
    const ok = await query(ALL, token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(xmlText(ok.text, 'resultCode'), '0000');
    const replay = await query(ALL, token);
    assert.equal(replay.status, 500);
    assert.equal(faultString(replay.text), 'AUTH_FAILED');
    assert.match(replay.text, /<faultcode>soap:Server<\/faultcode>/);
  });

  it('refuses a bad digest, a wrong user, PasswordText, a stale or future Created, and a missing token', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['bad digest', { digest: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
      ['wrong password', { password: 'guess' }],
      ['wrong user', { username: 'someone' }],
      ['PasswordText', { type: TEXT_TYPE }],
      ['stale Created', { created: new Date(T0 - 5 * 60 * 1000 - 1000).toISOString().replace(/\.\d+Z/, 'Z') }],
      ['future Created', { created: new Date(T0 + 6 * 60 * 1000).toISOString().replace(/\.\d+Z/, 'Z') }],
      ['local-time Created', { created: '2026-11-28T10:00:00+08:00' }],
    ];
    for (const [label, token] of cases) {
      const r = await query(ALL, token);
      assert.equal(faultString(r.text), 'AUTH_FAILED', label);
    }
    const bare = await soapCall(s.sandbox, 'QueryCertData', envelope('', queryBody(ALL)));
    assert.equal(faultString(bare.text), 'AUTH_FAILED');
    // within the window at the edge still passes
    const edge = await query(ALL, { created: new Date(T0 - 4 * 60 * 1000).toISOString().replace(/\.\d+Z/, 'Z') });
    assert.equal(xmlText(edge.text, 'resultCode'), '0000');
  });

  it('accepts a replayed nonce again once 10 minutes have passed', async () => {
    const nonce = 'ZmZmZmZmZmZmZmZmZmZmZg==';
    assert.equal(xmlText((await query(ALL, { nonce })).text, 'resultCode'), '0000');
    s.clock.advance(9 * 60 * 1000);
    assert.equal(faultString((await query(ALL, { nonce })).text), 'AUTH_FAILED');
    s.clock.advance(2 * 60 * 1000);
    assert.equal(xmlText((await query(ALL, { nonce })).text, 'resultCode'), '0000');
  });

  it('pages the dataType in (aae036, recordId) order, filtered on the update date inclusively', async () => {
    const all = await query(ALL);
    assert.equal(xmlText(all.text, 'totalCount'), '4');
    assert.deepEqual(xmlRecords(all.text).map((r) => r.recordId), ['D1', 'D2', 'D3', 'D4']);
    const d2 = xmlRecords(all.text)[1];
    assert.equal(d2.aac003, '王五&<>');
    assert.equal(d2.eventEndDate, '', 'an empty field is served as sent');
    assert.equal('aac004' in d2, false, 'an absent field is left out');

    const p2 = await query({ ...ALL, pageNo: 2, pageSize: 3 });
    assert.equal(xmlText(p2.text, 'totalCount'), '4');
    assert.equal(xmlText(p2.text, 'pageNo'), '2');
    assert.deepEqual(xmlRecords(p2.text).map((r) => r.recordId), ['D4']);

    const day = await query({ ...ALL, startDate: '20261103', endDate: '20261128' });
    assert.deepEqual(xmlRecords(day.text).map((r) => r.recordId), ['D3', 'D4']);
    const late = await query({ ...ALL, startDate: '20261129', endDate: '20261129' });
    assert.deepEqual(xmlRecords(late.text).map((r) => r.recordId), ['D5']);
    const beyond = await query({ ...ALL, pageNo: 9 });
    assert.equal(xmlText(beyond.text, 'totalCount'), '4');
    assert.deepEqual(xmlRecords(beyond.text), []);
    const empty = await query({ ...ALL, dataType: 'BENEFIT' });
    assert.equal(xmlText(empty.text, 'totalCount'), '0');
  });

  it('filters a non-provincial areaCode on the identity number prefix', async () => {
    const city = await query({ ...ALL, areaCode: '440300' });
    assert.deepEqual(xmlRecords(city.text).map((r) => r.recordId), ['D4']);
    const county = await query({ ...ALL, areaCode: '440106' });
    assert.deepEqual(xmlRecords(county.text).map((r) => r.recordId), ['D1', 'D3']);
  });

  it('answers INVALID_PARAM for bad parameters', async () => {
    const bad: Array<Parameters<typeof queryBody>[0]> = [
      { ...ALL, pageSize: 501 },
      { ...ALL, pageSize: 0 },
      { ...ALL, pageNo: 0 },
      { ...ALL, pageNo: 'x' },
      { ...ALL, dataType: 'UNKNOWN' },
      { ...ALL, startDate: '2026-11-01' },
      { ...ALL, endDate: '20261131' },
      { ...ALL, startDate: '20261128', endDate: '20261101' },
      { ...ALL, areaCode: '44' },
    ];
    for (const p of bad) {
      const r = await query(p);
      assert.equal(r.status, 500, JSON.stringify(p));
      assert.equal(faultString(r.text), 'INVALID_PARAM', JSON.stringify(p));
    }
    assert.equal(xmlText((await query({ ...ALL, pageSize: 500 })).text, 'resultCode'), '0000');
  });

  it('answers SYSTEM_BUSY on every N-th call and while down', async () => {
    s.sandbox.setFaults({ ministry: { busyEveryNthCall: 3 } });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await query(ALL);
      codes.push(faultString(r.text) ?? xmlText(r.text, 'resultCode') ?? '?');
    }
    assert.deepEqual(codes, ['0000', '0000', 'SYSTEM_BUSY', '0000', '0000', 'SYSTEM_BUSY']);

    const down = await fetch(`${s.sandbox.url}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ ministry: { down: true, busyEveryNthCall: 0 } }) });
    assert.equal(down.status, 200);
    for (let i = 0; i < 3; i++) assert.equal(faultString((await query(ALL)).text), 'SYSTEM_BUSY');
    s.sandbox.setFaults({ ministry: { down: false } });
    assert.equal(xmlText((await query(ALL)).text, 'resultCode'), '0000');
  });

  it('counts busy faults from the world file', async () => {
    await s.stop();
    const { smallWorld } = await import('./helpers.ts');
    const world = smallWorld();
    world.faults = { ministry: { busyEveryNthCall: 2 } };
    s = await start(world);
    assert.equal(xmlText((await query(ALL)).text, 'resultCode'), '0000');
    assert.equal(faultString((await query(ALL)).text), 'SYSTEM_BUSY');
  });

  const feedbackXml = (batchId: string, items: Array<{ recordId: string; dataType: string; adopted: string }>) =>
    `<tns:SubmitFeedbackRequest><tns:batchId>${batchId}</tns:batchId><tns:items>` +
    items
      .map(
        (i) =>
          `<tns:item><tns:recordId>${i.recordId}</tns:recordId><tns:dataType>${i.dataType}</tns:dataType><tns:adopted>${i.adopted}</tns:adopted>` +
          `<tns:reasonCode>01</tns:reasonCode><tns:reasonMsg>采纳</tns:reasonMsg><tns:feedbackDate>20261128</tns:feedbackDate></tns:item>`,
      )
      .join('') +
    '</tns:items></tns:SubmitFeedbackRequest>';

  it('holds adoption feedback idempotently on (batchId, dataType, recordId) and logs every request', async () => {
    const send = (xml: string) => soapCall(s.sandbox, 'SubmitFeedback', envelope(securityHeader(s.clock.t), xml));
    const a = await send(feedbackXml('B1', [{ recordId: 'D1', dataType: 'DEATH', adopted: '1' }, { recordId: 'D1', dataType: 'AUTH', adopted: '0' }]));
    assert.equal(xmlText(a.text, 'acceptedCount'), '2', a.text);
    const replay = await send(feedbackXml('B1', [{ recordId: 'D1', dataType: 'DEATH', adopted: '1' }]));
    assert.equal(xmlText(replay.text, 'acceptedCount'), '1');
    const single = await send(feedbackXml('B2', [{ recordId: 'D1', dataType: 'DEATH', adopted: '1' }]));
    assert.equal(xmlText(single.text, 'acceptedCount'), '1');
    const bad = await send(feedbackXml('B3', [{ recordId: 'D1', dataType: 'DEATH', adopted: 'yes' }]));
    assert.equal(faultString(bad.text), 'INVALID_PARAM');

    const log = (await (await fetch(`${s.sandbox.url}/_sandbox/received/ministry`)).json()) as Array<{ operation: string; batchId: string; items: Array<Record<string, string>>; at: string }>;
    assert.equal(log.length, 3);
    assert.deepEqual(log.map((e) => e.batchId), ['B1', 'B1', 'B2']);
    assert.equal(log[0].operation, 'SubmitFeedback');
    assert.deepEqual(log[0].items[1], { recordId: 'D1', dataType: 'AUTH', adopted: '0', reasonCode: '01', reasonMsg: '采纳', feedbackDate: '20261128' });
    assert.equal(log[0].at, '2026-11-28T10:00:00+08:00');
  });

  it('holds corrections idempotently on feedbackId', async () => {
    const item = (id: string) =>
      `<tns:item><tns:feedbackId>${id}</tns:feedbackId><tns:recordId>D1</tns:recordId><tns:dataType>DEATH</tns:dataType>` +
      `<tns:aac002>440106194103021234</tns:aac002><tns:field>eventDate</tns:field><tns:reportedValue>20261030</tns:reportedValue>` +
      `<tns:correctedValue></tns:correctedValue><tns:reasonCode>NOT_DEAD</tns:reasonCode><tns:verifiedDate>20261128</tns:verifiedDate></tns:item>`;
    const send = (batch: string, ids: string[]) =>
      soapCall(
        s.sandbox,
        'SubmitCorrection',
        envelope(securityHeader(s.clock.t), `<tns:SubmitCorrectionRequest><tns:batchId>${batch}</tns:batchId><tns:items>${ids.map(item).join('')}</tns:items></tns:SubmitCorrectionRequest>`),
      );
    assert.equal(xmlText((await send('C1', ['F1', 'F2'])).text, 'acceptedCount'), '2');
    assert.equal(xmlText((await send('C2', ['F2', 'F3'])).text, 'acceptedCount'), '2');
    const log = s.sandbox.received('ministry');
    assert.equal(log.length, 2);
    assert.equal(log[1].operation, 'SubmitCorrection');
    assert.deepEqual((log[1].items as Array<Record<string, string>>).map((i) => i.feedbackId), ['F2', 'F3']);
    assert.equal((log[0].items as Array<Record<string, string>>)[0].correctedValue, '');
  });

  it('serves a replaced record as its new version in a later pull; an older version is refused', async () => {
    const put = (body: unknown) =>
      fetch(`${s.sandbox.url}/_sandbox/records/ministry/DEATH/D1`, { method: 'PUT', body: JSON.stringify(body) });
    const stale = await put({ recordId: 'D1', aac002: '440106194103021234', dataType: 'DEATH', eventDate: '20261030', aae036: '2026-11-01 00:00:00' });
    assert.equal(stale.status, 409);
    assert.equal(((await stale.json()) as { code: string }).code, 'NOT_NEWER');
    const fixed = await put({ aac002: '440106194103021234', dataType: 'DEATH', eventDate: '20261031', aae036: '2026-11-28 12:00:00' });
    assert.equal(fixed.status, 200);
    const added = await fetch(`${s.sandbox.url}/_sandbox/records/ministry/DEATH/D9`, {
      method: 'PUT',
      body: JSON.stringify({ aac002: '440106194103021234', aae036: '2026-11-28 13:00:00' }),
    });
    assert.equal(added.status, 201);
    const r = await query(ALL);
    assert.deepEqual(xmlRecords(r.text).map((x) => x.recordId), ['D2', 'D3', 'D1', 'D9', 'D4']);
    assert.equal(xmlRecords(r.text)[2].eventDate, '20261031');
    assert.equal(xmlRecords(r.text)[3].dataType, 'DEATH', 'the required dataType is filled from the dataset');
    const wrongType = await fetch(`${s.sandbox.url}/_sandbox/records/ministry/DEATH/D8`, {
      method: 'PUT',
      body: JSON.stringify({ dataType: 'AUTH', aac002: '1', aae036: '2026-11-28 13:00:00' }),
    });
    assert.equal(wrongType.status, 400);
  });

  it('works with the soap package client and its WS-Security digest', async () => {
    await s.stop();
    const { startSandbox } = await import('../../sandbox/server.ts');
    const { smallWorld } = await import('./helpers.ts');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(`${os.tmpdir()}/lifecert-sandbox-`);
    const sb = await startSandbox({ world: smallWorld(), civilDir: dir }); // real clock: the soap client stamps Created itself
    try {
      const client = await soap.createClientAsync(`${sb.url}/ministry/ws/cert?wsdl`);
      client.setSecurity(new soap.WSSecurity('lifecert', 'sandbox-ministry-password', { passwordType: 'PasswordDigest' }));
      const [res] = (await client.QueryCertDataAsync({ ...ALL, areaCode: '440000', pageSize: 2 })) as [{ totalCount: number; records: { record: Array<{ recordId: string }> } }];
      assert.equal(res.totalCount, 4);
      assert.deepEqual(res.records.record.map((r) => r.recordId), ['D1', 'D2']);
      client.setSecurity(new soap.WSSecurity('lifecert', 'wrong', { passwordType: 'PasswordDigest' }));
      await assert.rejects(client.QueryCertDataAsync({ ...ALL, areaCode: '440000' }), (err: Error & { root?: { Envelope?: { Body?: { Fault?: { faultstring?: string } } } } }) => {
        assert.equal(err.root?.Envelope?.Body?.Fault?.faultstring, 'AUTH_FAILED');
        return true;
      });
    } finally {
      await sb.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    s = await start();
  });
});
