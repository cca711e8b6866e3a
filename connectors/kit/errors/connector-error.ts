import { LifecertError } from '../../../lib/errors.ts';
import type { CodeOf } from '../../../lib/errors.ts';

/** The codes a connector reports: its own, the REST sources' HTTP statuses, the SOAP faults, the civil drop. */
export type ConnectorErrorCode = CodeOf<'CONNECTOR' | 'HTTP' | 'SOAP' | 'CIVIL'>;

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
 * Every failure a connector reports. `code` comes from the registry (lib/errors.ts); `kind`
 * and `retryable` follow from it so that callers never parse messages. `status` is what the
 * source answered, not `httpStatus` (what the gateway answers).
 */
export class ConnectorError extends LifecertError {
  override readonly name: string = 'ConnectorError';
  declare readonly code: ConnectorErrorCode;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly request?: string;
  attempts?: number;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
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
  return err instanceof ConnectorError && err.code === 'LIFECERT_CONNECTOR_ABORTED';
}
