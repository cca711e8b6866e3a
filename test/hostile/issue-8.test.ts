// The eight cases of issue 8 ("Hostile sources: nothing lost, nothing hangs, whatever a
// department sends"), one `it` per case, each showing what the case now gives. Speed is not
// asserted (no timings in tests): a case that used to hang runs under its test's timeout,
// and `npm run test:fuzz` reports time per case.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import type { Connector, Page, PulledRecord } from '../../connectors/kit/connector.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { normalizeIdentity, normalizeName } from '../../connectors/kit/normalize/index.ts';
import { normalize } from '../../connectors/normalize.ts';
import { decodeCivilCsv, parseCsvLines, rowOf } from '../../connectors/civil/csv-file.ts';
import { createHealthConnector } from '../../connectors/health/connector.ts';
import { createMinistryConnector } from '../../connectors/ministry/connector.ts';
import { readRawPages } from '../../mirror/raw-pages.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import type { Db } from '../../mirror/db.ts';
import { forEachDatabase, resetMirror } from '../mirror/db-targets.ts';
import { checkPullCase, LyingServer } from '../fuzz/lying-sources.ts';
import type { PullCase } from '../fuzz/lying-sources.ts';

const ctx = { asOf: '2026-11-28' };
const HEADER = '逝者姓名,身份证号码,性别,出生日期,死亡日期,火化日期,殡仪馆,登记时间';
const ROW = (id: string) => `张三,${id},1,19400101,2026-11-01,2026-11-02,某殡仪馆,2026-11-03 08:00:00`;
const noSleep = { sleep: async (): Promise<void> => undefined, random: (): number => 0.5 };

/** A server on port 0 answering every request with `answer(request body, url)`. */
async function serve(answer: (body: string, url: URL) => { status?: number; type: string; body: string | Buffer }): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const a = answer(body, new URL(req.url ?? '/', 'http://x'));
      res.writeHead(a.status ?? 200, { 'Content-Type': a.type });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

async function pullAll(c: Connector, dataset: string): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const p of c.pull(dataset, null, ctx)) pages.push(p);
  return pages;
}

const envelope = (inner: string, encoding = 'UTF-8') =>
  `<?xml version="1.0" encoding="${encoding}"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>` +
  `<QueryCertDataResponse xmlns="http://cert.mohrss.example/ws/2021"><resultCode>0000</resultCode><resultMsg>成功</resultMsg>${inner}</QueryCertDataResponse></soap:Body></soap:Envelope>`;
const ministryRecord = (id: string, name: string, attr = '') =>
  `<record><recordId${attr}>${id}</recordId><aac002${attr}>44010519471102025X</aac002><aac003${attr}>${name}</aac003><dataType>DEATH</dataType><eventDate${attr}>20261001</eventDate><aae036>2026-11-01 08:00:00</aae036></record>`;
const ministry = (base: string) => createMinistryConnector({ url: `${base}/ws`, username: 'u', password: 'p', pageSize: 10, dataTypes: ['DEATH', 'PRISON'], retry: { maxAttempts: 3 } }, noSleep);

describe('issue 8 regressions', function () {
  this.timeout(120_000);

  it('1. hang: an identity number of any length is read in one linear pass (10,000 to 10 MB digits, 64 KB and 10 MB in a civil CSV) → ID_FORMAT', () => {
    for (const n of [10_000, 30_000, 100_000, 10 * 1024 * 1024]) {
      const r = normalizeIdentity('4'.repeat(n), ctx.asOf);
      assert.deepEqual(r.ok ? 'ok' : r.code, 'ID_FORMAT', `${n} digits`);
      // the backtracking case: digits then something that is not an exponent
      const s = normalizeIdentity(`${'4'.repeat(n)}.5E`, ctx.asOf);
      assert.equal(s.ok ? 'ok' : s.code, 'ID_FORMAT');
    }
    for (const n of [64 * 1024, 10 * 1024 * 1024]) {
      const lines = parseCsvLines(`${HEADER}\r\n${ROW('4'.repeat(n))}\r\n`);
      assert.equal(lines.length, 2);
      const out = normalize('civil', 'cremation', { file: 'HH_440106_20261103.csv', line: 2, row: rowOf(lines[1].fields) }, ctx);
      assert.deepEqual(out.outcome === 'rejected' && [out.reasonCode, out.field], ['ID_FORMAT', '身份证号码']);
      assert.ok(out.outcome === 'rejected' && out.message.length < 300, 'the message does not carry the megabytes');
    }
  });

  it('2. crash: a date in year 10000 after conversion is DATE_INVALID (administeredAt 9999-12-31T23:00:00Z); a PRISON end 9999-12-31T20:00:00Z is the sources\' "no end"', () => {
    const vac = normalize('health', 'vaccinations', {
      vaccinationId: 'V1', idType: '01', idNumber: '44010519471102025X', name: '李', vaccine: 'x', administeredAt: '9999-12-31T23:00:00Z', updatedAt: '2026-11-01T08:00:00+08:00',
    }, ctx);
    assert.deepEqual(vac.outcome === 'rejected' && [vac.reasonCode, vac.field], ['DATE_INVALID', 'administeredAt']);
    const prison = normalize('ministry', 'PRISON', {
      recordId: 'P1', aac002: '44010519471102025X', aac003: '李', dataType: 'PRISON', eventDate: '20261001', eventEndDate: '9999-12-31T20:00:00Z', aae036: '2026-11-01 08:00:00',
    }, ctx);
    assert.equal(prison.outcome, 'staged');
    assert.ok(prison.outcome === 'staged' && prison.event.endDate === undefined, 'no end date');
    for (const noEnd of ['9999-12-31', '99991231', '9999/12/31', '9999年12月31日', '9999-12-31 23:59:59']) {
      const n = normalize('bigdata', 'prison', { JLID: 'J1', GMSFHM: '44010519471102025X', SJLY: '省司法厅', GXSJ: '2026-11-01 08:00:00', XQQSRQ: '20261001', XQJZRQ: noEnd }, ctx);
      assert.ok(n.outcome === 'staged' && n.event.endDate === undefined, noEnd);
    }
    const tooLate = normalize('ministry', 'PRISON', {
      recordId: 'P2', aac002: '44010519471102025X', dataType: 'PRISON', eventDate: '20261001', eventEndDate: '2100-01-01', aae036: '2026-11-01 08:00:00',
    }, ctx);
    assert.deepEqual(tooLate.outcome === 'rejected' && [tooLate.reasonCode, tooLate.field], ['DATE_INVALID', 'eventEndDate']);
  });

  forEachDatabase('2 and 3 on the mirror', (suite) => {
    let db: Db;
    beforeEach(async () => {
      db = suite.db();
      await resetMirror(db);
    });

    const body = Buffer.from('{"items":["\u0000 and \ud800 as sent"]}\u0000', 'utf8');
    const pageOf = (records: PulledRecord[]): Connector => ({
      channel: 'ministry',
      datasets: ['PRISON'],
      spec: () => ({}),
      check: async () => ({ ok: true }),
      async *pull() {
        yield { records, state: { highWater: '2026-11-01T08:00:00+08:00' }, body: new Uint8Array(body), request: 'POST /ws QueryCertData dataType=PRISON' };
      },
    });

    it('2. crash: a record with a year-10000 end and update time stages and commits (no end date, the update time unreadable)', async () => {
      const raw = { recordId: 'P1', aac002: '44010519471102025X', dataType: 'PRISON', eventDate: '20261001', eventEndDate: '9999-12-31T20:00:00Z', aae036: '9999-12-31T23:00:00-12:00' };
      const counts = await ingestDataset({ db, connector: pageOf([{ recordId: 'P1', raw, updatedAt: '' }]), dataset: 'PRISON', asOf: ctx.asOf, runId: 'r2' });
      assert.deepEqual(counts, { pulled: 1, staged: 1, rejected: 0, skipped: 0 });
      const { rows } = await db.query<{ end_date: unknown; source_updated_at: unknown }>('SELECT end_date, source_updated_at FROM source_records');
      assert.deepEqual([rows[0].end_date, rows[0].source_updated_at], [null, null]);
    });

    it('3. crash: U+0000 in a name, in the record id of a rejected record and in the page: staged, rejected, archived as received', async () => {
      const staged = { recordId: 'P1', aac002: '44010519471102025X', aac003: '张\u0000三', dataType: 'PRISON', eventDate: '20261001', aae036: '2026-11-01 08:00:00' };
      const rejected = { recordId: 'P\u00002', aac002: '44010519471102025X', aac003: '李\ud800', dataType: 'PRISON', eventDate: '20261001', aae036: '2026-11-01 08:00:00' };
      const counts = await ingestDataset({
        db, connector: pageOf([{ recordId: 'P1', raw: staged, updatedAt: '2026-11-01T08:00:00+08:00' }, { recordId: 'P\u00002', raw: rejected, updatedAt: '2026-11-01T08:00:00+08:00' }]),
        dataset: 'PRISON', asOf: ctx.asOf, runId: 'r3',
      });
      assert.deepEqual(counts, { pulled: 2, staged: 1, rejected: 1, skipped: 0 });
      const { rows } = await db.query<{ record_id: string; outcome: string; name: string | null; raw: string }>('SELECT record_id, outcome, name, raw::text AS raw FROM source_records ORDER BY record_id');
      assert.deepEqual(rows.map((r) => [r.record_id, r.outcome, r.name]), [['P1', 'staged', ''], ['P\uFFFD2', 'rejected', null]]);
      assert.deepEqual(JSON.parse(rows[0].raw), staged, 'the raw record keeps its U+0000');
      const rej = await db.query<{ field: string; reason_code: string }>('SELECT field, reason_code FROM rejections');
      assert.deepEqual(rej.rows.map((r) => [r.field, r.reason_code]), [['recordId', 'REQUIRED_MISSING']]);
      const pulls = await db.query<{ pull_id: number }>('SELECT pull_id FROM pulls');
      const [page] = await readRawPages(db, pulls.rows[0].pull_id);
      assert.deepEqual(Buffer.from(page.body), body, 'the page is archived as the bytes received');
    });
  });

  it('4. silent loss: a civil file whose header ends in CRLF and later rows in LF (or a lone CR) loses no row', () => {
    const text = `${HEADER}\r\n${ROW('440106194001010018')}\n${ROW('44010519471102025X')}\r${ROW('440106194001010018')}\r\n\n${ROW('44010519471102025X')}`;
    const lines = parseCsvLines(decodeCivilCsv(iconv.encode(text, 'gbk')).text);
    assert.deepEqual(lines.map((l) => [l.line, l.blank]), [[1, false], [2, false], [3, false], [4, false], [5, true], [6, false]]);
    for (const l of lines.filter((x) => x.line > 1 && !x.blank)) assert.equal(l.fields.length, 8, `line ${l.line} is one row of its own`);
  });

  describe('5. silent loss: paging believes the total', () => {
    const server = new LyingServer();
    before(() => server.start());
    after(() => server.stop());
    const base: PullCase = { source: 'health', records: 7, pageSize: 2, total: 'true', ignorePage: false, echoWrong: false, body: 'none', cursor: 'none', deep: false };

    it('5. silent loss: health total −1, 0, 1, 2.5 and ministry totalCount −1, 0, 1, "", 1e3, 1.5, one short: every record or a retryable paging error; a server ignoring the page number with a huge total stops', async () => {
      const outcome = async (c: PullCase): Promise<string> => {
        await checkPullCase(server, c); // every record, or a retryable failure
        server.serve(c);
        const connector = c.source === 'health'
          ? createHealthConnector({ url: `${server.base}/health`, apiKey: 'k', pageSize: c.pageSize, datasets: ['vaccinations'], retry: { maxAttempts: 2 } }, noSleep)
          : createMinistryConnector({ url: `${server.base}/ministry/ws`, username: 'u', password: 'p', pageSize: c.pageSize, dataTypes: ['DEATH'], retry: { maxAttempts: 2 } }, noSleep);
        try {
          const pages = await pullAll(connector, c.source === 'health' ? 'vaccinations' : 'DEATH');
          return `ok ${pages.flatMap((p) => p.records).length}`;
        } catch (err) {
          assert.ok(err instanceof ConnectorError && err.retryable);
          return err.code;
        }
      };
      assert.equal(await outcome({ ...base, total: 'negative' }), 'LIFECERT_CONNECTOR_PAGING_INVALID');
      assert.equal(await outcome({ ...base, total: 'zero' }), 'ok 7');
      assert.equal(await outcome({ ...base, total: 'one' }), 'ok 7');
      assert.equal(await outcome({ ...base, total: 'fraction' }), 'LIFECERT_CONNECTOR_PAGING_INVALID');
      const m: PullCase = { ...base, source: 'ministry' };
      for (const lie of ['negative', 'text', 'exponent', 'fraction'] as const) assert.equal(await outcome({ ...m, total: lie }), 'LIFECERT_CONNECTOR_PAGING_INVALID', lie);
      for (const lie of ['zero', 'one', 'minus-one'] as const) assert.equal(await outcome({ ...m, total: lie }), 'ok 7', lie);
      assert.equal(await outcome({ ...base, total: 'huge', ignorePage: true }), 'LIFECERT_CONNECTOR_PAGING_REPEAT');
      assert.equal(await outcome({ ...m, total: 'huge', ignorePage: true }), 'LIFECERT_CONNECTOR_PAGING_REPEAT');
    });
  });

  it('6. values changed: a SOAP field with xsi:type keeps its value, two <records> give both, a GBK-declared answer decodes its names', async () => {
    let call = 0;
    const s = await serve(() => {
      call++;
      if (call === 1) {
        const text = envelope(`<totalCount>3</totalCount><pageNo>1</pageNo><pageSize>10</pageSize><records>${ministryRecord('R1', '王五', ' xsi:type="xsd:string"')}</records><records>${ministryRecord('R2', '赵六')}${ministryRecord('R3', '&#38472;七')}</records>`, 'GBK');
        return { type: 'text/xml', body: iconv.encode(text, 'gbk') };
      }
      return { type: 'text/xml; charset=utf-8', body: envelope('<totalCount>3</totalCount><pageNo>1</pageNo><pageSize>1</pageSize><records/>') };
    });
    try {
      const pages = await pullAll(ministry(s.base), 'DEATH');
      const raws = pages.flatMap((p) => p.records.map((r) => r.raw as Record<string, string>));
      assert.deepEqual(raws.map((r) => [r.recordId, r.aac002, r.aac003, r.eventDate]), [
        ['R1', '44010519471102025X', '王五', '20261001'], ['R2', '44010519471102025X', '赵六', '20261001'], ['R3', '44010519471102025X', '陈七', '20261001'],
      ]);
      assert.ok(Buffer.from(pages[0].body).includes(iconv.encode('王五', 'gbk')), 'archived as the GBK bytes received');
    } finally {
      await s.close();
    }
  });

  it('7. whole pages failing for one item: a non-object health item is one REQUIRED_MISSING rejection beside the page\'s records; an empty ministry 200 body is retried', async () => {
    const item = { vaccinationId: 'V1', idType: '01', idNumber: '44010519471102025X', name: '李', vaccine: 'x', administeredAt: '2026-10-01T10:00:00+08:00', updatedAt: '2026-11-01T08:00:00+08:00' };
    const h = await serve((_b, url) => ({ type: 'application/json', body: JSON.stringify({ page: Number(url.searchParams.get('page')), size: 10, total: 3, data: url.searchParams.get('page') === '1' ? [item, 42, null] : [] }) }));
    try {
      const pages = await pullAll(createHealthConnector({ url: h.base, apiKey: 'k', pageSize: 10, datasets: ['vaccinations'], retry: { maxAttempts: 2 } }, noSleep), 'vaccinations');
      const records = pages.flatMap((p) => p.records);
      assert.equal(records.length, 3);
      const outcomes = records.map((r) => normalize('health', 'vaccinations', r.raw, ctx));
      assert.deepEqual(outcomes.map((o) => (o.outcome === 'rejected' ? `${o.reasonCode} ${o.field}` : o.outcome)), ['staged', 'REQUIRED_MISSING idType', 'REQUIRED_MISSING idType']);
    } finally {
      await h.close();
    }
    let call = 0;
    const m = await serve(() => (++call === 1 ? { type: 'text/xml', body: '' } : { type: 'text/xml', body: envelope('<totalCount>1</totalCount><pageNo>1</pageNo><pageSize>10</pageSize><records>' + ministryRecord('R1', '王五') + '</records>') }));
    try {
      const pages = await pullAll(ministry(m.base), 'DEATH');
      assert.deepEqual(pages.flatMap((p) => p.records.map((r) => r.recordId)), ['R1']);
      assert.ok(call >= 3, 'the empty answer was asked again');
    } finally {
      await m.close();
    }
  });

  it('8. slow but linear: a 1 MB name, a 10 MB line of commas, 1 M blank lines are read in one pass each', () => {
    const name = normalizeName('李'.repeat(1024 * 1024));
    assert.equal(name.length, 1024 * 1024);
    const commas = parseCsvLines(`${HEADER}\n${','.repeat(10 * 1024 * 1024)}\n`);
    assert.equal(commas.length, 2);
    assert.equal(commas[1].fields.length, 10 * 1024 * 1024 + 1);
    const row = rowOf(commas[1].fields);
    assert.ok(Object.keys(row).length <= 8 + 33, 'one record with its extras kept compact');
    const blanks = parseCsvLines(`${HEADER}\n${'\n'.repeat(1_000_000)}${ROW('44010519471102025X')}\n`);
    assert.equal(blanks.length, 1_000_002);
    assert.deepEqual(blanks.filter((l) => !l.blank && l.line > 1).map((l) => l.line), [1_000_002]);
  });
});
