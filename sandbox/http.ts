// Small HTTP plumbing shared by the REST simulators: the request as the simulators see it
// (raw path and query as sent, raw body bytes for signatures) and error answers.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused (a provincial batch of 2,000 items is far smaller). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface SandboxRequest {
  method: string;
  /** the path exactly as sent (still percent-encoded), without the query */
  path: string;
  /** the raw query string as sent, without `?` ('' when none) */
  rawQuery: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** An HTTP error answer; `body` is JSON unless `contentType` says otherwise. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  readonly contentType: string;

  constructor(
    status: number,
    body: unknown,
    options: { headers?: Record<string, string>; contentType?: string; message?: string } = {},
  ) {
    super(options.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = options.headers ?? {};
    this.contentType = options.contentType ?? 'application/json; charset=utf-8';
  }
}

/** `{"code","message"}` error, the form the big-data center and provincial system use. */
export function codeError(status: number, code: string, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, { code, message }, { headers, message: `${code}: ${message}` });
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(codeError(413, 'PAYLOAD_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A JSON answer whose text is already rendered (a page of records read as JSON text). */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  const text = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
  res.writeHead(err.status, {
    'Content-Type': err.contentType,
    'Content-Length': String(Buffer.byteLength(text)),
    ...err.headers,
  });
  res.end(text);
}

/** Parse a JSON request body or answer 400. */
export function parseJsonBody(req: SandboxRequest): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') throw codeError(400, 'INVALID_PARAM', 'the request body is empty; JSON expected');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw codeError(400, 'INVALID_PARAM', `the request body is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Form-style query parsing (`+` is a space), which is how ordinary web servers read a query:
 * a client that sends `+08:00` unencoded gets a space, as it would in production.
 */
export function formQuery(rawQuery: string): URLSearchParams {
  return new URLSearchParams(rawQuery);
}

/** A whole number parameter within bounds, or the fallback when absent. */
export function intParam(
  value: string | null,
  name: string,
  min: number,
  max: number,
  fallback: number,
  error: (message: string) => HttpError,
): number {
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value)) throw error(`${name} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw error(`${name} must be within ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got ${n}`);
  return n;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSourceRow(value: unknown): value is Record<string, string> {
  return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string');
}
