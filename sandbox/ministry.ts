// Simulator of the ministry platform (部级社保待遇资格认证系统, sources.md §1): SOAP 1.1 served by
// the `soap` package from ministry.wsdl, WS-Security UsernameToken PasswordDigest checked by
// the sandbox's own code, SOAP 1.1 faults whose faultstring is the contract's code.
import fs from 'node:fs';
import path from 'node:path';
import type { Server as HttpServer, ServerResponse } from 'node:http';
import soap from 'soap';
import { chinaDayStart } from './dates.ts';
import { isNthCall, type FaultBoard } from './faults.ts';
import type { ReceivedLog } from './received-log.ts';
import { IdempotentStore } from './received-log.ts';
import { constantTimeEqual, NonceRegistry, passwordDigest } from './signing.ts';
import type { RecordStore } from './record-store.ts';
import type { ServedWorld } from './served-world.ts';
import { MINISTRY_DATASETS, SANDBOX_CREDENTIALS, type SourceRow } from './world.ts';

export const MINISTRY_PATH = '/ministry/ws/cert';
export const CREATED_WINDOW_MS = 5 * 60 * 1000;
export const NONCE_WINDOW_MS = 10 * 60 * 1000;
export const MAX_PAGE_SIZE = 500;
const PASSWORD_DIGEST_TYPE = '#PasswordDigest';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** WS-Security Created: ISO 8601 in UTC (`Z`), optionally with fractions of a second. */
const CREATED_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
/** Record fields in the order of the WSDL's CertRecord sequence. */
const RECORD_FIELDS = [
  'recordId',
  'aac002',
  'aac003',
  'aac004',
  'dataType',
  'eventDate',
  'eventEndDate',
  'detailCode',
  'detailText',
  'aab301',
  'channel',
  'result',
  'aae036',
] as const;

export type MinistryFaultCode = 'AUTH_FAILED' | 'INVALID_PARAM' | 'SYSTEM_BUSY';

/** The thrown value the soap server turns into a SOAP 1.1 `soap:Server` fault. */
interface SoapFaultThrow {
  Fault: { faultcode: string; faultstring: MinistryFaultCode; detail: { message: string }; statusCode: number };
}

function fault(code: MinistryFaultCode, message: string): SoapFaultThrow {
  // SOAP 1.1 over HTTP answers a fault with 500
  return { Fault: { faultcode: 'soap:Server', faultstring: code, detail: { message }, statusCode: 500 } };
}

/** The WSDL with its placeholder address replaced by where this sandbox serves the service. */
export function ministryWsdl(serviceUrl: string): string {
  const xml = fs.readFileSync(path.join(import.meta.dirname, 'ministry.wsdl'), 'utf8');
  return xml.replace(/(<soap:address\s+location=")[^"]*(")/, `$1${serviceUrl}$2`);
}

/**
 * Check a WS-Security header (as the soap package parses it) against the sandbox account.
 * Returns why it fails, or undefined when the token is good; a good token's nonce is
 * remembered so that the same token cannot be replayed.
 */
export function checkUsernameToken(security: unknown, now: number, nonces: NonceRegistry): string | undefined {
  const token = field(security, 'UsernameToken');
  if (token === undefined) return 'no wsse:Security/UsernameToken header';
  const username = textOf(field(token, 'Username'));
  const password = field(token, 'Password');
  const nonceText = textOf(field(token, 'Nonce'));
  const created = textOf(field(token, 'Created'));
  if (username !== SANDBOX_CREDENTIALS.ministry.username) return 'unknown user';
  const type = attribute(password, 'Type');
  if (type === undefined || !type.endsWith(PASSWORD_DIGEST_TYPE)) return 'the password must be a PasswordDigest';
  if (nonceText === undefined || nonceText === '' || !BASE64.test(nonceText)) return 'Nonce missing or not Base64';
  const encoding = attribute(field(token, 'Nonce'), 'EncodingType');
  if (encoding !== undefined && !encoding.endsWith('#Base64Binary')) return 'Nonce EncodingType must be Base64Binary';
  if (created === undefined || !CREATED_UTC.test(created)) return 'Created missing or not an ISO 8601 UTC time';
  const createdMs = Date.parse(created);
  if (Number.isNaN(createdMs)) return 'Created is not a real time';
  if (Math.abs(now - createdMs) > CREATED_WINDOW_MS) return 'Created is more than 5 minutes from server time';
  const expected = passwordDigest(Buffer.from(nonceText, 'base64'), created, SANDBOX_CREDENTIALS.ministry.password);
  if (!constantTimeEqual(textOf(password) ?? '', expected)) return 'wrong password digest';
  if (nonces.isReplay(nonceText, now)) return 'Nonce already used within the last 10 minutes';
  nonces.remember(nonceText, now);
  return undefined;
}

export class MinistrySimulator {
  readonly datasets = new Map<string, RecordStore>();
  private readonly faults: FaultBoard;
  private readonly log: ReceivedLog;
  private readonly now: () => number;
  private readonly nonces = new NonceRegistry(NONCE_WINDOW_MS);
  private readonly feedback = new IdempotentStore<Record<string, string>>();
  private readonly corrections = new IdempotentStore<Record<string, string>>();
  /** per dataType: a row as a WSDL `record` element (one function per dataset, as prerendered) */
  private readonly renderers = new Map<string, (row: SourceRow) => string>();

  constructor(world: ServedWorld, faults: FaultBoard, log: ReceivedLog, now: () => number) {
    this.faults = faults;
    this.log = log;
    this.now = now;
    for (const type of MINISTRY_DATASETS) {
      const records = world.records('ministry', type, 'recordId', 'aae036');
      const render = (row: SourceRow): string => recordXml(row, type);
      // a world file's records are rendered to XML once, at start: a province-wide page is then
      // one read of the rendered texts instead of 500 records parsed and rendered per request
      records.prerender(render);
      this.datasets.set(type, records);
      this.renderers.set(type, render);
    }
  }

  /** Serve the SOAP service on `server` at MINISTRY_PATH; resolves once the WSDL is ready. */
  listen(server: HttpServer, serviceUrl: string): Promise<void> {
    const port = {
      QueryCertData: (args: unknown, _cb: unknown, headers: unknown, _req: unknown, res: ServerResponse | undefined) => this.call(headers, () => this.query(args, res)),
      SubmitFeedback: (args: unknown, _cb: unknown, headers: unknown) => this.call(headers, () => this.submitFeedback(args)),
      SubmitCorrection: (args: unknown, _cb: unknown, headers: unknown) => this.call(headers, () => this.submitCorrection(args)),
    };
    return new Promise((resolve, reject) => {
      soap.listen(server, {
        path: MINISTRY_PATH,
        services: { CertDataService: { CertDataPort: port } },
        xml: ministryWsdl(serviceUrl),
        // a malformed envelope gets a short message, not the simulator's stack trace
        suppressStack: true,
        enableChunkedEncoding: false,
        callback: (err: unknown) => {
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve();
        },
      });
    });
  }

  putRecord(dataType: string, row: SourceRow): 'replaced' | 'added' {
    const records = this.datasets.get(dataType);
    if (!records) throw new RangeError(`the ministry has no dataType '${dataType}' (${MINISTRY_DATASETS.join(', ')})`);
    return records.upsert(row);
  }

  /**
   * Every operation passes the platform's front door first: down or every N-th call →
   * SYSTEM_BUSY, then the UsernameToken. The soap package's own `authenticate` hook is not
   * used because its failure answer is a SOAP 1.2-style fault with HTTP 401, not the
   * contract's SOAP 1.1 AUTH_FAILED fault.
   */
  private call<T>(headers: unknown, operation: () => T): T {
    const f = this.faults.ministry;
    if (f.down) throw fault('SYSTEM_BUSY', 'the platform is down for maintenance');
    f.calls++;
    if (isNthCall(f.calls, f.busyEveryNthCall)) throw fault('SYSTEM_BUSY', 'the platform is busy, retry later');
    const problem = checkUsernameToken(field(headers, 'Security'), this.now(), this.nonces);
    if (problem !== undefined) throw fault('AUTH_FAILED', problem);
    return operation();
  }

  private query(args: unknown, res?: ServerResponse): Record<string, unknown> {
    const dataType = textOf(field(args, 'dataType')) ?? '';
    const records = this.datasets.get(dataType);
    if (!records) throw fault('INVALID_PARAM', `unknown dataType '${dataType}' (${MINISTRY_DATASETS.join(', ')})`);
    const areaCode = textOf(field(args, 'areaCode')) ?? '';
    if (!/^\d{6}$/.test(areaCode)) throw fault('INVALID_PARAM', `areaCode must be 6 digits, got '${areaCode}'`);
    const startDate = textOf(field(args, 'startDate')) ?? '';
    const endDate = textOf(field(args, 'endDate')) ?? '';
    const fromMs = compactDateStart(startDate);
    const toDayMs = compactDateStart(endDate);
    if (Number.isNaN(fromMs)) throw fault('INVALID_PARAM', `startDate must be YYYYMMDD, got '${startDate}'`);
    if (Number.isNaN(toDayMs)) throw fault('INVALID_PARAM', `endDate must be YYYYMMDD, got '${endDate}'`);
    if (fromMs > toDayMs) throw fault('INVALID_PARAM', `startDate ${startDate} is after endDate ${endDate}`);
    const pageNo = wholeNumber(field(args, 'pageNo'));
    const pageSize = wholeNumber(field(args, 'pageSize'));
    if (pageNo === undefined || pageNo < 1) throw fault('INVALID_PARAM', 'pageNo must be a whole number ≥ 1');
    if (pageSize === undefined || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw fault('INVALID_PARAM', `pageSize must be within 1..${MAX_PAGE_SIZE}`);
    }

    // inclusive on the update DATE: from 00:00 of startDate to the end of endDate, China time
    const lo = records.firstAtOrAfter(fromMs);
    const hi = records.firstAfter(toDayMs + 24 * 3600 * 1000 - 1);
    const skip = (pageNo - 1) * pageSize;
    const render = this.renderers.get(dataType) ?? ((row: SourceRow) => recordXml(row, dataType));
    let total: number;
    let xml: string;
    if (areaCode === '440000') {
      total = hi - lo;
      const from = Math.min(lo + skip, hi);
      const to = Math.min(lo + skip + pageSize, hi);
      const bytes = res ? records.prerenderedBytes(from, to, render) : undefined;
      // pre-rendered records go out as the bytes read, spliced into soap's envelope (never decoded, re-encoded or copied by soap)
      xml = bytes && res ? spliceOnEnd(res, bytes) : records.slice(from, to).map(render).join('');
    } else {
      const prefix = areaPrefix(areaCode);
      const matching = records.slice(lo, hi).filter((r) => (r.aac002 ?? '').trim().toUpperCase().startsWith(prefix));
      total = matching.length;
      xml = matching.slice(skip, skip + pageSize).map(render).join('');
    }
    return {
      resultCode: '0000',
      resultMsg: '成功',
      totalCount: total,
      pageNo,
      pageSize,
      // the record list is rendered here rather than by soap's generic serializer, which
      // spends most of a 500-record page walking the schema; soap inserts `$xml` verbatim
      records: { $xml: xml },
    };
  }

  private submitFeedback(args: unknown): Record<string, unknown> {
    const batchId = requiredText(args, 'batchId', 'batchId');
    const items = itemList(args).map((item, i) => {
      const where = `items/item[${i + 1}]`;
      const out: Record<string, string> = {
        recordId: requiredText(item, 'recordId', where),
        dataType: knownDataType(item, where),
        adopted: requiredText(item, 'adopted', where),
      };
      if (out.adopted !== '1' && out.adopted !== '0') throw fault('INVALID_PARAM', `${where}/adopted must be 1 or 0`);
      for (const f of ['reasonCode', 'reasonMsg']) {
        const v = textOf(field(item, f));
        if (v !== undefined) out[f] = v;
      }
      out.feedbackDate = requiredText(item, 'feedbackDate', where);
      if (Number.isNaN(compactDateStart(out.feedbackDate))) throw fault('INVALID_PARAM', `${where}/feedbackDate must be YYYYMMDD`);
      return out;
    });
    const count = this.feedback.accept(items.map((item) => ({ key: `${batchId}\u0000${item.dataType}\u0000${item.recordId}`, item })));
    this.log.record('ministry', 'SubmitFeedback', items, { batchId });
    return { resultCode: '0000', resultMsg: '成功', acceptedCount: count };
  }

  private submitCorrection(args: unknown): Record<string, unknown> {
    const batchId = requiredText(args, 'batchId', 'batchId');
    const items = itemList(args).map((item, i) => {
      const where = `items/item[${i + 1}]`;
      const out: Record<string, string> = {
        feedbackId: requiredText(item, 'feedbackId', where),
        recordId: requiredText(item, 'recordId', where),
        dataType: knownDataType(item, where),
      };
      const aac002 = textOf(field(item, 'aac002'));
      const reported = textOf(field(item, 'reportedValue'));
      if (aac002 === undefined) throw fault('INVALID_PARAM', `${where}/aac002 is required`);
      out.aac002 = aac002;
      out.field = requiredText(item, 'field', where);
      if (reported === undefined) throw fault('INVALID_PARAM', `${where}/reportedValue is required`);
      out.reportedValue = reported;
      const corrected = textOf(field(item, 'correctedValue'));
      if (corrected !== undefined) out.correctedValue = corrected;
      out.reasonCode = requiredText(item, 'reasonCode', where);
      out.verifiedDate = requiredText(item, 'verifiedDate', where);
      return out;
    });
    const count = this.corrections.accept(items.map((item) => ({ key: item.feedbackId, item })));
    this.log.record('ministry', 'SubmitCorrection', items, { batchId });
    return { resultCode: '0000', resultMsg: '成功', acceptedCount: count };
  }
}

/**
 * A world record as a WSDL `record` element: its fields in CertRecord sequence order,
 * absent ones left out. Unprefixed names sit in the response element's default namespace
 * (the WSDL's target namespace, elementFormDefault qualified).
 */
export function recordXml(row: SourceRow, dataType: string): string {
  let xml = '<record>';
  for (const f of RECORD_FIELDS) {
    // dataType is required by the WSDL and fixed by the dataset asked for
    const v = row[f] ?? (f === 'dataType' ? dataType : undefined);
    if (v !== undefined) xml += `<${f}>${escapeXml(v)}</${f}>`;
  }
  return `${xml}</record>`;
}

// XML 1.0 cannot carry most C0 control characters even escaped: dirt of that kind is dropped
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeXml(text: string): string {
  return text
    .replace(XML_ILLEGAL, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

let pageMarks = 0;

/**
 * A placeholder for `bytes` in the answer soap will write to `res`: when soap ends the response
 * with the envelope text, the placeholder is replaced by the bytes as they are. A 500-record page
 * is about 140 KB: soap's serializer flattened it and the socket encoded it to UTF-8 again for
 * every request, the larger part of the simulator's CPU once the records were pre-rendered.
 */
function spliceOnEnd(res: ServerResponse, bytes: Buffer): string {
  const mark = `<!--lifecert-page-${++pageMarks}-->`;
  const end = res.end;
  res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    res.end = end;
    const body = args[0];
    const at = typeof body === 'string' ? body.indexOf(mark) : -1;
    if (typeof body === 'string' && at >= 0) {
      args[0] = Buffer.concat([Buffer.from(body.slice(0, at), 'utf8'), bytes, Buffer.from(body.slice(at + mark.length), 'utf8')]);
    }
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];
  return mark;
}

/** Identity-number prefix for an area: province `440000` → `44`, city `440100` → `4401`, county → all six. */
function areaPrefix(areaCode: string): string {
  if (areaCode.endsWith('0000')) return areaCode.slice(0, 2);
  if (areaCode.endsWith('00')) return areaCode.slice(0, 4);
  return areaCode;
}

function itemList(args: unknown): unknown[] {
  const item = field(field(args, 'items'), 'item');
  const list = Array.isArray(item) ? item : item === undefined ? [] : [item];
  if (list.length === 0) throw fault('INVALID_PARAM', 'items must hold at least one item');
  return list;
}

function knownDataType(item: unknown, where: string): string {
  const v = requiredText(item, 'dataType', where);
  if (!(MINISTRY_DATASETS as readonly string[]).includes(v)) throw fault('INVALID_PARAM', `${where}/dataType '${v}' is unknown`);
  return v;
}

function requiredText(obj: unknown, name: string, where: string): string {
  const v = textOf(field(obj, name));
  if (v === undefined || v === '') throw fault('INVALID_PARAM', `${where === name ? name : `${where}/${name}`} is required`);
  return v;
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

function attribute(obj: unknown, name: string): string | undefined {
  const v = field(field(obj, 'attributes'), name);
  return typeof v === 'string' ? v : undefined;
}

/** Text of a parsed XML element: a plain value, `{attributes, $value}`, or an empty element. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ('$value' in o) return textOf(o.$value);
    if (Object.keys(o).every((k) => k === 'attributes')) return '';
  }
  return undefined;
}

function wholeNumber(v: unknown): number | undefined {
  const t = textOf(v)?.trim();
  if (t === undefined || !/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}

/** Epoch ms of 00:00 China time on a `YYYYMMDD` date; NaN when not a real date. */
function compactDateStart(date: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return m ? chinaDayStart(`${m[1]}-${m[2]}-${m[3]}`) : Number.NaN;
}
