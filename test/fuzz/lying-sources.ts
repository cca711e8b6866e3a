// REST pages and SOAP envelopes from a local server (port 0) whose paging fields lie — totals
// of -1, 0, 1, 2.5, "", 1e3, one short or one over, a total that changes on every call, a page
// number ignored or echoed wrong, cursors repeated, cycled, of another type or missing — and
// whose bodies are sometimes empty, truncated or HTML. Every pull either yields every record
// the source holds or fails with a retryable error; never "ok" with a record missing, never endless.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createBigdataConnector } from '../../connectors/bigdata/connector.ts';
import { createHealthConnector } from '../../connectors/health/connector.ts';
import { createMinistryConnector } from '../../connectors/ministry/connector.ts';
import { createPoliceConnector } from '../../connectors/police/connector.ts';
import type { Connector } from '../../connectors/kit/connector.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';

export type Source = 'health' | 'police' | 'bigdata' | 'ministry';
export type TotalLie = 'true' | 'minus-one' | 'plus-one' | 'zero' | 'one' | 'negative' | 'fraction' | 'text' | 'exponent' | 'huge' | 'changing' | 'missing';
export type BodyFault = 'none' | 'empty-once' | 'truncated-once' | 'html-once' | 'misnested-once' | 'doctype-once' | 'busy-once';
export type CursorLie = 'none' | 'repeat' | 'cycle' | 'number' | 'missing';

export interface PullCase {
  source: Source;
  records: number;
  pageSize: number;
  total: TotalLie;
  ignorePage: boolean;
  echoWrong: boolean;
  body: BodyFault;
  cursor: CursorLie;
  /** the first record carries a field nested 20,000 levels deep */
  deep: boolean;
}

export function pullCaseArb(source?: Source): fc.Arbitrary<PullCase> {
  return fc.record({
    source: source ? fc.constant(source) : fc.constantFrom<Source>('health', 'police', 'bigdata', 'ministry'),
    records: fc.nat({ max: 14 }),
    pageSize: fc.integer({ min: 1, max: 5 }),
    total: fc.constantFrom<TotalLie>('true', 'minus-one', 'plus-one', 'zero', 'one', 'negative', 'fraction', 'text', 'exponent', 'huge', 'changing', 'missing'),
    ignorePage: fc.boolean(),
    echoWrong: fc.boolean(),
    body: fc.constantFrom<BodyFault>('none', 'none', 'empty-once', 'truncated-once', 'html-once', 'misnested-once', 'doctype-once', 'busy-once'),
    cursor: fc.constantFrom<CursorLie>('none', 'none', 'repeat', 'cycle', 'number', 'missing'),
    deep: fc.boolean(),
  });
}

function time(i: number): string {
  return `2026-11-01 08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
}

function recordOf(source: Source, i: number): Record<string, string> {
  const id = `R${String(i).padStart(3, '0')}`;
  switch (source) {
    case 'health': return { vaccinationId: id, idType: '01', idNumber: '44010519471102025X', name: '李', vaccine: 'x', administeredAt: '2026-10-01T10:00:00+08:00', updatedAt: `${time(i).replace(' ', 'T')}+08:00` };
    case 'police': return { id, sfzh: '44010519471102025X', xm: '李', hjzt: '正常', zxyy: '', gxsj: time(i) };
    case 'bigdata': return { JLID: id, GMSFHM: '44010519471102025X', XM: '李', SJLY: '省卫生健康委', GXSJ: time(i), SWRQ: '20261001' };
    default: return { recordId: id, aac002: '44010519471102025X', aac003: '李', dataType: 'DEATH', eventDate: '20261001', aae036: time(i) };
  }
}

const DEPTH = 20_000;
/** JSON text with the deep placeholder replaced by arrays nested DEPTH levels (JSON.stringify cannot write them). */
function deepJson(payload: unknown): string {
  return JSON.stringify(payload).replace('"__DEEP__"', `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
}

const DATASET: Record<Source, string> = { health: 'vaccinations', police: 'hukou', bigdata: 'death', ministry: 'DEATH' };

function reportedTotal(lie: TotalLie, real: number, call: number): unknown {
  switch (lie) {
    case 'true': return real;
    case 'minus-one': return Math.max(0, real - 1);
    case 'plus-one': return real + 1;
    case 'zero': return 0;
    case 'one': return 1;
    case 'negative': return -1;
    case 'fraction': return 2.5;
    case 'text': return '';
    case 'exponent': return '1e3';
    case 'huge': return 1_000_000_000;
    case 'changing': return real + (call % 3);
    default: return undefined;
  }
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The server: one case at a time (`serve(c)`), counting calls. */
export class LyingServer {
  private server: http.Server | null = null;
  private current: PullCase | null = null;
  private calls = 0;
  private faulted = false;
  base = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => this.answer(req, body, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  serve(c: PullCase): void {
    this.current = c;
    this.calls = 0;
    this.faulted = false;
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const c = this.current;
    const url = new URL(req.url ?? '/', this.base);
    if (!c) return void res.writeHead(500).end();
    if (url.pathname.endsWith('/oauth/token')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 600 }));
    }
    this.calls++;
    if (c.body !== 'none' && !this.faulted) {
      this.faulted = true;
      const soap = (inner: string) => `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
      const broken: Record<Exclude<BodyFault, 'none'>, [number, string, string]> = {
        'empty-once': [200, '', ''],
        'html-once': [200, '<html><body>gateway</body></html>', '<html><body>gateway</body></html>'],
        'truncated-once': [200, soap('<QueryCertDataResponse><resultCode>00').slice(0, 120), '{"page":1,"data":[{"a'],
        'misnested-once': [200, '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><QueryCertDataResponse></soap:Body></QueryCertDataResponse></soap:Envelope>', '{"page":1,"data":[]]}'],
        'doctype-once': [200, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&a;</soap:Body></soap:Envelope>', '\uFEFF'],
        'busy-once': [500, soap('<soap:Fault><faultcode>soap:Server</faultcode><faultstring>SYSTEM_BUSY</faultstring></soap:Fault>'), '<!DOCTYPE html><html><body>502</body></html>'],
      };
      const [status, xmlBody, jsonBody] = broken[c.body];
      res.writeHead(status, { 'Content-Type': c.source === 'ministry' ? 'text/xml' : status === 200 ? 'application/json' : 'text/html' });
      return void res.end(c.source === 'ministry' ? xmlBody : jsonBody);
    }
    const all: Array<Record<string, string>> = Array.from({ length: c.records }, (_, i) => recordOf(c.source, i));
    if (c.deep && all.length > 0) all[0] = { ...all[0], detail: '__DEEP__' };
    let offset: number;
    let size: number;
    let page = 1;
    if (c.source === 'police') {
      offset = Number(url.searchParams.get('offset'));
      size = Number(url.searchParams.get('limit'));
    } else if (c.source === 'bigdata') {
      size = Number(url.searchParams.get('limit'));
      offset = Number(url.searchParams.get('cursor') ?? '0');
    } else if (c.source === 'health') {
      page = Number(url.searchParams.get('page'));
      size = Number(url.searchParams.get('size'));
      offset = (page - 1) * size;
    } else {
      page = Number(/<pageNo>(\d+)<\/pageNo>/.exec(body)?.[1] ?? '1');
      size = Number(/<pageSize>(\d+)<\/pageSize>/.exec(body)?.[1] ?? '1');
      offset = (page - 1) * size;
    }
    if (c.ignorePage) offset = 0;
    const items = all.slice(offset, offset + size);
    const total = reportedTotal(c.total, all.length, this.calls);
    const echo = c.echoWrong ? 1 : page;
    if (c.source === 'health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(deepJson({ page: echo, size, ...(total === undefined ? {} : { total }), data: items }));
    }
    if (c.source === 'police') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(deepJson({ ...(total === undefined ? {} : { total }), items }));
    }
    if (c.source === 'bigdata') {
      const nextOffset = offset + items.length;
      let next: unknown = nextOffset < all.length ? String(nextOffset) : null;
      if (next !== null && c.cursor === 'repeat') next = url.searchParams.get('cursor') ?? String(nextOffset);
      if (next !== null && c.cursor === 'cycle') next = nextOffset >= 2 * size ? String(size) : String(nextOffset);
      if (next !== null && c.cursor === 'number') next = nextOffset;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(deepJson({ code: '0', data: { records: items, ...(c.cursor === 'missing' && next !== null ? {} : { nextCursor: next }) } }));
    }
    const field = (k: string, v: string) => (v === '__DEEP__' ? `<${k}>${'<x>'.repeat(DEPTH)}deep${'</x>'.repeat(DEPTH)}</${k}>` : `<${k}>${xml(v)}</${k}>`);
    const recs = items.map((r) => `<record>${Object.entries(r).map(([k, v]) => field(k, v)).join('')}</record>`).join('');
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><QueryCertDataResponse xmlns="http://cert.mohrss.example/ws/2021">` +
      `<resultCode>0000</resultCode><resultMsg>ok</resultMsg>${total === undefined ? '' : `<totalCount>${xml(String(total))}</totalCount>`}<pageNo>${echo}</pageNo><pageSize>${size}</pageSize><records>${recs}</records></QueryCertDataResponse></soap:Body></soap:Envelope>`,
    );
  }
}

const noSleep = { sleep: async (): Promise<void> => undefined, random: (): number => 0.5 };

function connectorFor(base: string, c: PullCase): Connector {
  const retry = { maxAttempts: 2 };
  switch (c.source) {
    case 'health': return createHealthConnector({ url: `${base}/health`, apiKey: 'k', pageSize: c.pageSize, datasets: ['vaccinations'], retry }, noSleep);
    case 'police': return createPoliceConnector({ city: '4401', url: `${base}/police`, clientId: 'c', clientSecret: 's', pageSize: c.pageSize, retry }, noSleep);
    case 'bigdata': return createBigdataConnector({ url: `${base}/bigdata`, appId: 'a', appSecret: 's', pageSize: c.pageSize, datasets: ['death'], retry }, noSleep);
    default: return createMinistryConnector({ url: `${base}/ministry/ws`, username: 'u', password: 'p', pageSize: c.pageSize, dataTypes: ['DEATH'], retry }, noSleep);
  }
}

/** No honest pull of ≤ 14 records needs this many pages, re-passes included. */
const PAGE_LIMIT = 400;

/** One pull against the lying server; throws (an assertion) when the property fails. */
export async function checkPullCase(server: LyingServer, c: PullCase): Promise<void> {
  server.serve(c);
  const connector = connectorFor(server.base, c);
  const got = new Set<string>();
  let pages = 0;
  let error: unknown;
  try {
    for await (const page of connector.pull(DATASET[c.source], null, { asOf: '2026-11-28' })) {
      for (const r of page.records) got.add(r.recordId);
      if (++pages > PAGE_LIMIT) assert.fail(`endless: more than ${PAGE_LIMIT} pages for ${c.records} records`);
    }
  } catch (err) {
    error = err;
  }
  if (error !== undefined) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error instanceof ConnectorError, `a connector error, not ${String(error)}`);
    assert.ok(error.retryable, `a failing pull fails retryable, not ${error.code}: ${error.message}`);
    return;
  }
  const expected = Array.from({ length: c.records }, (_, i) => `R${String(i).padStart(3, '0')}`);
  assert.deepEqual([...got].sort(), expected, 'an ok pull yields every record the source holds');
}
