// ONE table that says what every transport failure means: retry, fail, or re-authenticate.
// Connectors never decide this themselves; they throw what the wire gave them and
// classifyTransportError maps it here, so the policy is visible and testable in one place.
import { ConnectorError } from './errors/connector-error.ts';
import type { ConnectorErrorCode } from './errors/connector-error.ts';
import { HttpStatusError, MalformedBodyError, SoapFaultError } from './errors/transport-errors.ts';

export type TransportAction = 'retry' | 'fail' | 'reauthenticate';

export interface TransportRule {
  /** how the rule reads in documentation and logs */
  when: string;
  test: (err: unknown) => boolean;
  action: TransportAction;
  code: ConnectorErrorCode;
}

export interface Classified {
  action: TransportAction;
  error: ConnectorError;
}

const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET']);

const status = (err: unknown): number | undefined => (err instanceof HttpStatusError ? err.status : undefined);
const fault = (err: unknown): string | undefined => (err instanceof SoapFaultError ? err.faultstring.trim() : undefined);

export const TRANSPORT_RULES: readonly TransportRule[] = [
  { when: 'caller aborted (AbortSignal)', test: isAbortLike, action: 'fail', code: 'LIFECERT_CONNECTOR_ABORTED' },
  { when: 'HTTP 429', test: (e) => status(e) === 429, action: 'retry', code: 'LIFECERT_HTTP_RATE_LIMITED' },
  { when: 'HTTP 500, 502, 503, 504', test: (e) => [500, 502, 503, 504].includes(status(e) ?? 0), action: 'retry', code: 'LIFECERT_HTTP_UNAVAILABLE' },
  { when: 'HTTP 401', test: (e) => status(e) === 401, action: 'reauthenticate', code: 'LIFECERT_HTTP_UNAUTHORIZED' },
  { when: 'HTTP 403', test: (e) => status(e) === 403, action: 'fail', code: 'LIFECERT_HTTP_FORBIDDEN' },
  { when: 'HTTP 404', test: (e) => status(e) === 404, action: 'fail', code: 'LIFECERT_HTTP_NOT_FOUND' },
  { when: 'other HTTP 4xx', test: (e) => { const s = status(e) ?? 0; return s >= 400 && s < 500; }, action: 'fail', code: 'LIFECERT_HTTP_CLIENT_ERROR' },
  { when: 'other HTTP status', test: (e) => status(e) !== undefined, action: 'fail', code: 'LIFECERT_HTTP_STATUS_UNEXPECTED' },
  { when: 'SOAP fault SYSTEM_BUSY', test: (e) => fault(e) === 'SYSTEM_BUSY', action: 'retry', code: 'LIFECERT_SOAP_SYSTEM_BUSY' },
  { when: 'SOAP fault AUTH_FAILED', test: (e) => fault(e) === 'AUTH_FAILED', action: 'fail', code: 'LIFECERT_SOAP_AUTH_FAILED' },
  { when: 'SOAP fault INVALID_PARAM', test: (e) => fault(e) === 'INVALID_PARAM', action: 'fail', code: 'LIFECERT_SOAP_INVALID_PARAM' },
  { when: 'other SOAP fault', test: (e) => fault(e) !== undefined, action: 'fail', code: 'LIFECERT_SOAP_FAULT' },
  { when: 'non-JSON / HTML / truncated JSON or XML body on a 2xx', test: (e) => e instanceof MalformedBodyError, action: 'retry', code: 'LIFECERT_CONNECTOR_BODY_MALFORMED' },
  { when: 'request timeout', test: isTimeout, action: 'retry', code: 'LIFECERT_CONNECTOR_TIMEOUT' },
  { when: 'socket error (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, socket hang up ...)', test: isSocketError, action: 'retry', code: 'LIFECERT_CONNECTOR_NETWORK' },
];

/**
 * Map any error thrown while talking to a source into a ConnectorError plus what to do about
 * it. A ConnectorError passes through unchanged (action from its `retryable` flag).
 */
export function classifyTransportError(err: unknown, context: { request?: string; now?: () => number } = {}): Classified {
  const request = context.request;
  const now = context.now ?? Date.now;
  if (err instanceof ConnectorError) {
    return { action: err.retryable ? 'retry' : 'fail', error: err };
  }
  for (const rule of TRANSPORT_RULES) {
    if (!rule.test(err)) continue;
    const req = request ?? requestOf(err);
    const httpStatus = status(err) ?? (err instanceof SoapFaultError ? err.status : undefined);
    const error = new ConnectorError(rule.code, messageOf(err), {
      cause: err,
      ...(httpStatus !== undefined ? { status: httpStatus } : {}),
      ...(req !== undefined ? { request: req } : {}),
      ...(retryAfterOf(err, now()) !== undefined ? { retryAfterMs: retryAfterOf(err, now()) } : {}),
    });
    return { action: rule.action, error };
  }
  return {
    action: 'fail',
    error: new ConnectorError('LIFECERT_CONNECTOR_UNEXPECTED', messageOf(err), { cause: err, ...(request ? { request } : {}) }),
  };
}

/**
 * Retry-After as ms to wait: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function retryAfterOf(err: unknown, nowMs: number): number | undefined {
  if (!(err instanceof HttpStatusError)) return undefined;
  return parseRetryAfter(err.headers['retry-after'], nowMs);
}

function requestOf(err: unknown): string | undefined {
  if (err instanceof HttpStatusError || err instanceof MalformedBodyError || err instanceof SoapFaultError) return err.request;
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function codesOf(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function isAbortLike(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const name = (err as { name?: unknown }).name;
  return name === 'AbortError' || name === 'CanceledError' || codesOf(err).includes('ERR_CANCELED') || codesOf(err).includes('ABORT_ERR');
}

function isTimeout(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const codes = codesOf(err);
  return codes.includes('ECONNABORTED') && /timeout/i.test(err.message) || codes.includes('ETIMEDOUT') && /timeout of/i.test(err.message);
}

function isSocketError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (codesOf(err).some((c) => SOCKET_CODES.has(c))) return true;
  return /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|network error/i.test(err.message);
}
