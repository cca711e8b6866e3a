// Test helpers: a small hand-written world, a fake clock, raw SOAP envelopes and signed
// requests built by hand (never through the hub's connectors).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { indexWorldFile, type WorldIndex } from '../../sandbox/world-index.ts';
import { canonicalQuery, hmacSignature } from '../../sandbox/signing.ts';
import type { World } from '../../sandbox/world.ts';

export const T0 = Date.parse('2026-11-28T02:00:00Z');

export class FakeClock {
  t: number;
  constructor(t = T0) {
    this.t = t;
  }
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export function smallWorld(): World {
  return {
    worldVersion: 1,
    period: '2026-11',
    asOf: '2026-11-28',
    roster: [],
    sources: {
      ministry: {
        DEATH: [
          { recordId: 'D3', aac002: '440106194103021234', aac003: '张三', aac004: '1', dataType: 'DEATH', eventDate: '20261102', aae036: '2026-11-03 09:00:00' },
          { recordId: 'D1', aac002: '440106194103021234', aac003: '李四', dataType: 'DEATH', eventDate: '20261030', aae036: '2026-11-01 00:00:00' },
          { recordId: 'D2', aac002: '450106194103021234', aac003: '王五&<>', dataType: 'DEATH', eventDate: '20261031', eventEndDate: '', aae036: '2026-11-01 00:00:00' },
          { recordId: 'D4', aac002: '440301195001011234', aac003: '赵六', dataType: 'DEATH', eventDate: '20261127', aae036: '2026-11-28 23:59:59' },
          { recordId: 'D5', aac002: '440301195001011234', aac003: '钱七', dataType: 'DEATH', eventDate: '20261128', aae036: '2026-11-29 00:00:00' },
        ],
        BENEFIT: [],
      },
      bigdata: {
        death: [
          { JLID: 'J5', GMSFHM: '440106194103021234', XM: '甲', XBDM: '1', CSRQ: '19410302', SJLY: '省公安厅', GXSJ: '2026-11-05 10:00:00', SWRQ: '20261101', SWDD: '广州' },
          { JLID: 'J1', GMSFHM: '440106194103021235', XM: '乙', XBDM: '2', CSRQ: '19410302', SJLY: '省卫生健康委', GXSJ: '2026-10-31 23:59:59', SWRQ: '20261030', SWDD: '广州' },
          { JLID: 'J2', GMSFHM: '440106194103021236', XM: '丙', XBDM: '1', CSRQ: '19410302', SJLY: '省公安厅', GXSJ: '2026-11-01 00:00:00', SWRQ: '20261031', SWDD: '深圳' },
          { JLID: 'J3', GMSFHM: '440106194103021237', XM: '丁', XBDM: '1', CSRQ: '19410302', SJLY: '省公安厅', GXSJ: '2026-11-01 00:00:00', SWRQ: '20261031', SWDD: '深圳' },
          { JLID: 'J4', GMSFHM: '440106194103021238', XM: '戊', XBDM: '2', CSRQ: '19410302', SJLY: '省公安厅', GXSJ: '2026-11-02 08:00:00', SWRQ: '20261101', SWDD: '佛山' },
        ],
        hukou: [],
      },
      police: {
        '4401': [
          policeRow('P1', '2026-11-01 08:00:00'),
          policeRow('P2', '2026-11-02 08:00:00'),
          policeRow('P3', '2026-11-03 08:00:00'),
          policeRow('P4', '2026-11-04 08:00:00'),
          policeRow('P0', '2026-10-30 08:00:00'),
        ],
        '4403': [policeRow('S1', '2026-11-02 09:00:00')],
      },
      civil: [
        { name: 'HH_440106_20261103.csv', encoding: 'gbk', text: CIVIL_TEXT },
        { name: 'HH_440303_20261104.csv', encoding: 'utf8-bom', complete: true, text: CIVIL_TEXT },
        { name: 'HH_440104_20261105.csv', encoding: 'gbk', complete: false, text: CIVIL_TEXT },
      ],
      health: {
        'death-certificates': [
          { certificateNo: 'C2', idType: '01', idNumber: '440106194103021234', name: '甲', sex: 'M', deathTime: '2026-11-01T08:00:00+08:00', deathPlace: '医院', updatedAt: '2026-11-02T10:00:00+08:00' },
          { certificateNo: 'C1', idType: '01', idNumber: '440106194103021235', name: '乙', sex: 'F', deathTime: '2026-10-30T08:00:00+08:00', deathPlace: '家中', updatedAt: '2026-11-02T02:00:00Z' },
          { certificateNo: 'C3', idType: '02', idNumber: 'E1234567', name: 'X', sex: 'M', deathTime: '2026-10-30T08:00:00+08:00', deathPlace: '家中', updatedAt: '2026-10-31T12:00:00+08:00' },
        ],
        vaccinations: [],
        checkups: [
          { checkupId: 'K1', idType: '01', idNumber: '440106194103021234', name: '甲', checkupDate: '2026-11-01', institution: '社区', updatedAt: '2026-11-01T09:00:00+08:00' },
        ],
      },
    },
    faults: {},
  };
}

export const CIVIL_TEXT =
  '逝者姓名,身份证号码,性别,出生日期,死亡日期,火化日期,殡仪馆,登记时间\r\n' +
  '张三,440106194103021234,男,1941-03-02,2026-11-01,2026/11/3,"广州市殡仪馆,一号厅",2026-11-03 10:00:00\r\n' +
  '\r\n' +
  '李四,4.40106E+17,女,19410302,2026年11月2日,,银河园,2026-11-03 11:00:00';

function policeRow(id: string, gxsj: string): Record<string, string> {
  return { id, sfzh: '440106194103021234', xm: '张三', xb: '男', csrq: '1941/03/02', hjzt: '注销', zxyy: '死亡', zxrq: '2026/11/01', hjdz: '广州市', gxsj };
}

export interface Started {
  sandbox: Sandbox;
  clock: FakeClock;
  dir: string;
  stop(): Promise<void>;
}

export async function start(world: World = smallWorld(), clock = new FakeClock()): Promise<Started> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-sandbox-'));
  let sandbox: Sandbox;
  // LIFECERT_SANDBOX_FROM_FILE=1: every simulator suite against the world written to a file and
  // served from its index on disk (world-index.ts), as `lifecert sandbox --world FILE` serves it
  let index: WorldIndex | undefined;
  try {
    if (process.env.LIFECERT_SANDBOX_FROM_FILE === '1') {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-sandbox-world-')), 'world.json');
      fs.writeFileSync(file, JSON.stringify(world));
      index = indexWorldFile(file);
      fs.rmSync(path.dirname(file), { recursive: true, force: true }); // the open descriptor keeps the bytes readable
    }
    sandbox = await startSandbox({ world: index ?? world, port: 0, civilDir: dir, now: clock.now });
  } catch (err) {
    index?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    sandbox,
    clock,
    dir,
    stop: async () => {
      await sandbox.close();
      index?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- SOAP -------------------------------------------------------------------------------

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
export const TEXT_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const B64_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface TokenParts {
  username?: string;
  password?: string;
  nonce?: string;
  created?: string;
  /** override the computed digest */
  digest?: string;
  type?: string;
}

/** A wsse:Security header with a UsernameToken PasswordDigest, computed here with node:crypto. */
export function securityHeader(clockMs: number, parts: TokenParts = {}): string {
  const nonce = parts.nonce ?? crypto.randomBytes(16).toString('base64');
  const created = parts.created ?? new Date(clockMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const password = parts.password ?? 'sandbox-ministry-password';
  const digest =
    parts.digest ??
    crypto
      .createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(password)]))
      .digest('base64');
  return (
    `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}" soapenv:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${parts.username ?? 'lifecert'}</wsse:Username>` +
    `<wsse:Password Type="${parts.type ?? DIGEST_TYPE}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${B64_TYPE}">${nonce}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}

export function envelope(header: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="http://cert.mohrss.example/ws/2021">' +
    `<soapenv:Header>${header}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export function queryBody(p: { dataType: string; areaCode?: string; startDate: string; endDate: string; pageNo: number | string; pageSize: number | string }): string {
  return (
    `<tns:QueryCertDataRequest><tns:dataType>${p.dataType}</tns:dataType><tns:areaCode>${p.areaCode ?? '440000'}</tns:areaCode>` +
    `<tns:startDate>${p.startDate}</tns:startDate><tns:endDate>${p.endDate}</tns:endDate>` +
    `<tns:pageNo>${p.pageNo}</tns:pageNo><tns:pageSize>${p.pageSize}</tns:pageSize></tns:QueryCertDataRequest>`
  );
}

export async function soapCall(sb: Sandbox, operation: string, xml: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sb.url}/ministry/ws/cert`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"http://cert.mohrss.example/ws/2021/${operation}"` },
    body: xml,
  });
  return { status: res.status, text: await res.text() };
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Text of the first element with this local name. */
export function xmlText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m ? unescapeXml(m[1]) : undefined;
}

/** The `record` elements of a QueryCertData response, each as field → text. */
export function xmlRecords(xml: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of xml.matchAll(/<(?:[\w-]+:)?record>(.*?)<\/(?:[\w-]+:)?record>/gs)) {
    const rec: Record<string, string> = {};
    for (const f of m[1].matchAll(/<(?:[\w-]+:)?(\w+)>([^<]*)<\/(?:[\w-]+:)?\1>/g)) rec[f[1]] = unescapeXml(f[2]);
    out.push(rec);
  }
  return out;
}

export function faultString(xml: string): string | undefined {
  return xmlText(xml, 'faultstring');
}

// ---- signed REST ------------------------------------------------------------------------

export interface SignOptions {
  appId?: string;
  secret?: string;
  timestamp?: number;
  nonce?: string;
  /** override the signature */
  signature?: string;
  /** the raw query as sent; built from `query` when absent */
  rawQuery?: string;
}

export function randomNonce(): string {
  return crypto.randomBytes(12).toString('hex');
}

/** Percent-encode per RFC 3986 (an independent re-statement for clients in tests). */
export function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export async function signedFetch(
  sb: Sandbox,
  method: 'GET' | 'POST',
  pathname: string,
  query: Array<[string, string]>,
  body: string | undefined,
  clockMs: number,
  opts: SignOptions = {},
): Promise<Response> {
  const timestamp = String(opts.timestamp ?? clockMs);
  const nonce = opts.nonce ?? randomNonce();
  const secret = opts.secret ?? 'sandbox-bigdata-secret';
  const raw = opts.rawQuery ?? query.map(([n, v]) => `${enc(n)}=${enc(v)}`).join('&');
  const signature =
    opts.signature ??
    hmacSignature(secret, {
      method,
      path: pathname,
      canonicalQuery: canonicalQuery(query),
      timestamp,
      nonce,
      body: Buffer.from(body ?? '', 'utf8'),
    });
  return fetch(`${sb.url}${pathname}${raw ? `?${raw}` : ''}`, {
    method,
    headers: {
      'X-App-Id': opts.appId ?? 'lifecert-hub',
      'X-Timestamp': timestamp,
      'X-Nonce': nonce,
      'X-Signature': signature,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body,
  });
}
