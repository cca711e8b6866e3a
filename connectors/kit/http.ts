// A small axios wrapper. Bodies are taken as bytes and decoded here, never parsed by axios, so
// the connector parses them itself and archives exactly what the source sent.
import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { HttpStatusError, MalformedBodyError } from './errors/transport-errors.ts';

export interface HttpClientOptions {
  /** per-request timeout in ms (connect + full response); default 30 000 */
  timeoutMs?: number;
  /** sent as User-Agent; default `lifecert-connector` */
  userAgent?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** the full URL, query included, exactly as it goes on the wire */
  url: string;
  headers?: Record<string, string>;
  /** the raw request body (signed requests need the exact bytes) */
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** header names lower-case */
  headers: Record<string, string>;
  /** the body decoded as UTF-8, as received */
  body: string;
  /** the body's bytes as received (a SOAP answer may declare another encoding; the archive keeps these) */
  bytes: Uint8Array;
  /** `GET /path?query` */
  request: string;
}

export interface HttpClient {
  /** Resolves for 2xx; any other status throws HttpStatusError (classified by classify.ts). */
  send(req: HttpRequest): Promise<HttpResponse>;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const instance: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 30_000,
    responseType: 'arraybuffer',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    headers: { 'User-Agent': options.userAgent ?? 'lifecert-connector' },
  });
  return {
    async send(req: HttpRequest): Promise<HttpResponse> {
      const request = describeRequest(req.method, req.url);
      const res = await instance.request({
        method: req.method,
        url: req.url,
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.body !== undefined ? { data: req.body } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const bytes = bodyBytes(res.data);
      const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) {
        if (v !== undefined && v !== null) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      }
      const out: HttpResponse = { status: res.status, headers, body, bytes, request };
      if (res.status < 200 || res.status > 299) throw new HttpStatusError(res.status, headers, body, request);
      return out;
    },
  };
}

/**
 * Parse a 2xx body as JSON. An HTML page from a gateway, an empty or truncated body is a
 * MalformedBodyError (retried), never a crash.
 */
export function parseJsonBody(res: HttpResponse): unknown {
  const text = res.body.replace(/^\uFEFF/, '');
  if (/^\s*</.test(text)) throw new MalformedBodyError(res.request, 'an HTML/XML page where JSON was expected', res.body);
  if (text.trim() === '') throw new MalformedBodyError(res.request, 'an empty body where JSON was expected', res.body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (err) {
    throw new MalformedBodyError(res.request, `not valid JSON (${(err as Error).message})`, res.body);
  }
  return boundDepth(parsed, MAX_JSON_DEPTH);
}

/** Containers nested deeper than this in a JSON answer are replaced (a page is three levels deep, its records four). */
export const MAX_JSON_DEPTH = 32;
export const TOO_DEEP = `[nested deeper than ${MAX_JSON_DEPTH} levels: see the archived page]`;

/**
 * The value with every container deeper than `maxDepth` replaced by the string TOO_DEEP. JSON.parse
 * reads any depth, but whatever walks the value later (JSON.stringify for the mirror, hashing,
 * de-duplication) recurses and a hostile item ten thousand arrays deep would overflow the stack
 * and stop its page. Iterative, linear; returns the value itself when nothing is that deep.
 */
export function boundDepth(value: unknown, maxDepth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  // first look: how deep is it? (an explicit stack, no recursion)
  let deepest = 0;
  const look: Array<[unknown, number]> = [[value, 1]];
  while (look.length > 0) {
    const [v, d] = look.pop() as [unknown, number];
    if (d > deepest) deepest = d;
    if (d > maxDepth) break;
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') look.push([child, d + 1]);
  }
  if (deepest <= maxDepth) return value;
  const cut = (v: unknown, d: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (d > maxDepth) return TOO_DEEP;
    if (Array.isArray(v)) return v.map((x) => cut(x, d + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: cut(x, d + 1), enumerable: true, writable: true, configurable: true });
    return out;
  };
  // the recursion of `cut` stops at maxDepth, so it stays shallow
  return cut(value, 1);
}

/** `GET /path?query` for logs, errors and the archived page's request. */
export function describeRequest(method: string, url: string): string {
  try {
    const u = new URL(url);
    return `${method} ${u.pathname}${u.search}`;
  } catch {
    return `${method} ${url}`;
  }
}

/** Join a configured base URL (possibly with a path prefix such as `/bigdata`) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function bodyBytes(data: unknown): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(String(data), 'utf8');
}

/** Narrowing helpers for parsed JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
