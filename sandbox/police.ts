// Simulator of the city police household registration services (地市公安户籍, sources.md §3):
// OAuth2 client credentials with tokens that really expire, offset paging over (gxsj, id)
// on data that changes between pages, and feedback idempotent on feedbackId.
import crypto from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FaultBoard } from './faults.ts';
import { chinaDayStart } from './dates.ts';
import {
  codeError,
  formQuery,
  HttpError,
  intParam,
  isPlainObject,
  parseJsonBody,
  sendJson,
  sendJsonText,
  type SandboxRequest,
} from './http.ts';
import { IdempotentStore, type ReceivedLog } from './received-log.ts';
import type { RecordStore } from './record-store.ts';
import type { ServedWorld } from './served-world.ts';
import { POLICE_DATASET, SANDBOX_CREDENTIALS, type SourceRow } from './world.ts';

export const POLICE_PREFIX = '/police/';
const DEFAULT_LIMIT = 100;

interface IssuedToken {
  city: string;
  expiresAt: number;
}

interface City {
  code: string;
  records: RecordStore;
  feedback: IdempotentStore<Record<string, unknown>>;
}

export class PoliceSimulator {
  readonly cities = new Map<string, City>();
  private readonly faults: FaultBoard;
  private readonly log: ReceivedLog;
  private readonly now: () => number;
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(world: ServedWorld, faults: FaultBoard, log: ReceivedLog, now: () => number) {
    this.faults = faults;
    this.log = log;
    this.now = now;
    for (const code of policeCities(world)) {
      this.cities.set(code, {
        code,
        records: world.records('police', code, 'id', 'gxsj'),
        feedback: new IdempotentStore(),
      });
    }
  }

  handle(req: SandboxRequest, res: ServerResponse): void {
    const m = /^\/police\/([^/]+)(\/.*)$/.exec(req.path);
    const city = m ? this.cities.get(m[1]) : undefined;
    if (!m || !city) throw codeError(404, 'NOT_FOUND', `no police service at ${req.path} (cities: ${[...this.cities.keys()].join(', ')})`);
    const route = `${req.method} ${m[2]}`;
    if (route !== 'POST /oauth/token' && route !== 'GET /hukou/changes' && route !== 'POST /hukou/feedback') {
      throw codeError(404, 'NOT_FOUND', `no such resource ${req.method} ${req.path}`);
    }
    if (this.faults.policeCity(city.code)?.down) throw codeError(503, 'SERVICE_UNAVAILABLE', `the ${city.code} police service is unavailable`);
    if (route === 'POST /oauth/token') return this.issueToken(city, req, res);
    this.checkBearer(city, req);
    if (route === 'GET /hukou/changes') this.changes(city, req, res);
    else this.acceptFeedback(city, req, res);
  }

  /** Replace or add a household record as the city police would. */
  putRecord(city: string, dataset: string, row: SourceRow): 'replaced' | 'added' {
    const c = this.cities.get(city);
    if (!c) throw codeError(404, 'NOT_FOUND', `no police city '${city}'`);
    if (dataset !== POLICE_DATASET) throw codeError(404, 'NOT_FOUND', `police has one dataset, '${POLICE_DATASET}'`);
    return c.records.upsert(row);
  }

  private issueToken(city: City, req: SandboxRequest, res: ServerResponse): void {
    const form = formQuery(req.body.toString('utf8'));
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    // RFC 6749 §2.3.1 also lets a client authenticate with HTTP Basic
    const basic = /^Basic\s+(.+)$/i.exec(headerOf(req, 'authorization') ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    if (form.get('grant_type') !== 'client_credentials') {
      throw new HttpError(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    }
    const creds = SANDBOX_CREDENTIALS.police;
    if (clientId !== creds.clientId || clientSecret !== creds.clientSecret) {
      throw new HttpError(401, { error: 'invalid_client', error_description: 'unknown client or wrong secret' });
    }
    const ttl = this.faults.policeCity(city.code)?.tokenTtlSeconds ?? 600;
    const token = crypto.randomBytes(24).toString('base64url');
    this.tokens.set(token, { city: city.code, expiresAt: this.now() + ttl * 1000 });
    this.sweepTokens();
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttl }, { 'Cache-Control': 'no-store' });
  }

  private checkBearer(city: City, req: SandboxRequest): void {
    const m = /^Bearer\s+(\S+)$/i.exec(headerOf(req, 'authorization') ?? '');
    const issued = m ? this.tokens.get(m[1]) : undefined;
    const challenge = (code: string, message: string) =>
      new HttpError(401, { code, message }, { headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message}"` } });
    if (!m) throw challenge('TOKEN_MISSING', 'a Bearer token is required');
    if (!issued || issued.city !== city.code) throw challenge('TOKEN_INVALID', 'unknown access token');
    if (issued.expiresAt <= this.now()) throw challenge('TOKEN_EXPIRED', 'the access token has expired');
  }

  private changes(city: City, req: SandboxRequest, res: ServerResponse): void {
    const q = formQuery(req.rawQuery);
    const since = q.get('since');
    if (since === null) throw invalid('since (YYYY-MM-DD) is required');
    const sinceMs = chinaDayStart(since);
    if (Number.isNaN(sinceMs)) throw invalid(`since must be YYYY-MM-DD, got '${since}'`);
    const offset = intParam(q.get('offset'), 'offset', 0, Number.MAX_SAFE_INTEGER, 0, invalid);
    const limit = intParam(q.get('limit'), 'limit', 1, 500, DEFAULT_LIMIT, invalid);
    const first = city.records.firstAtOrAfter(sinceMs);
    const total = city.records.length - first;
    const from = Math.min(first + offset, city.records.length);
    const items = city.records.jsonSlice(from, Math.min(from + limit, city.records.length));
    // JSON.stringify({ total, items }), the records as the store renders them
    sendJsonText(res, 200, `{"total":${total},"items":${items}}`);
    // late-arriving data: rows slip in behind what was just served, shifting later offsets
    for (const row of this.faults.takeLateItems(city.code)) city.records.insert(row);
  }

  private acceptFeedback(city: City, req: SandboxRequest, res: ServerResponse): void {
    const body = parseJsonBody(req);
    if (!Array.isArray(body) || body.length === 0) throw invalid('the body must be a JSON array of feedback items');
    const accepted = body.map((item: unknown, i: number) => {
      const where = `[${i}]`;
      if (!isPlainObject(item)) throw invalid(`${where} must be an object`);
      for (const f of ['feedbackId', 'id', 'field', 'reasonCode', 'verifiedDate']) {
        if (typeof item[f] !== 'string' || item[f] === '') throw invalid(`${where}.${f} is required`);
      }
      for (const f of ['sfzh', 'reportedValue', 'correctedValue']) {
        if (item[f] !== undefined && item[f] !== null && typeof item[f] !== 'string') throw invalid(`${where}.${f} must be a string`);
      }
      return { key: item.feedbackId as string, item };
    });
    const count = city.feedback.accept(accepted);
    this.log.record(`police-${city.code}`, 'feedback', body);
    sendJson(res, 200, { accepted: count });
  }

  private sweepTokens(): void {
    if (this.tokens.size < 10_000) return;
    const now = this.now();
    for (const [token, issued] of this.tokens) if (issued.expiresAt <= now) this.tokens.delete(token);
  }
}

/** Every city the world names, with data or with late items only. */
export function policeCities(world: ServedWorld): string[] {
  const codes = new Set([...world.policeCities, ...Object.keys(world.faults?.police?.lateItems ?? {})]);
  return [...codes].sort();
}

function invalid(message: string): HttpError {
  return codeError(400, 'INVALID_PARAM', message);
}

function headerOf(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
