import { ERROR_CODES } from './error-codes.ts';
import type { ErrorCode, ErrorKind } from './error-codes.ts';

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** HTTP status when the error came from an HTTP response */
  status?: number;
  /** how long the source asked us to wait (Retry-After), in ms */
  retryAfterMs?: number;
  /** the request that failed, for the operator (`GET /hukou/changes?...`) */
  request?: string;
  /** how many attempts were made before this error became final */
  attempts?: number;
}

/**
 * Every failure a connector reports. `code` is stable (see error-codes.ts); `kind` and
 * `retryable` follow from it so that callers never parse messages.
 */
export class ConnectorError extends Error {
  override readonly name: string = 'ConnectorError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly request?: string;
  attempts?: number;

  constructor(code: ErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = ERROR_CODES[code].kind;
    this.retryable = ERROR_CODES[code].retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.request !== undefined) this.request = options.request;
    if (options.attempts !== undefined) this.attempts = options.attempts;
  }
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}

/** True when the error means "the caller aborted" rather than "the source failed". */
export function isAbortError(err: unknown): boolean {
  return err instanceof ConnectorError && err.code === 'ABORTED';
}
