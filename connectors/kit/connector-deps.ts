// What a connector takes besides its configuration: the clock, randomness and sleep, so that
// tests can pin them. Production leaves them out.
import type { RetryOptions, Sleep } from './retry.ts';
import type { ConnectorError } from './errors/connector-error.ts';

export interface ConnectorDeps {
  /** waits between retries; default an abortable setTimeout */
  sleep?: Sleep;
  /** jitter source; default Math.random */
  random?: () => number;
  /** wall clock in ms (signatures, tokens, WS-Security Created); default Date.now */
  now?: () => number;
  /** observe retries (logs, metrics) */
  onRetry?: (error: ConnectorError, attempt: number, delayMs: number) => void;
}

/** The retry settings every connector schema carries under `retry`. */
export interface RetryConfig {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export function retryOptions(config: RetryConfig, deps: ConnectorDeps, signal?: AbortSignal, request?: string): RetryOptions {
  return {
    maxAttempts: config.maxAttempts,
    baseDelayMs: config.baseDelayMs,
    maxDelayMs: config.maxDelayMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
    ...(signal ? { signal } : {}),
    ...(request ? { request } : {}),
  };
}

/** A check() answer from any error, never a throw. */
export function checkFailure(err: unknown): { ok: false; error: string; code: string } {
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'UNEXPECTED';
  const error = err instanceof Error ? err.message : String(err);
  return { ok: false, error, code };
}
