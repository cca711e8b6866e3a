// Retry with exponential backoff and full jitter (AWS architecture blog, "Exponential Backoff
// And Jitter"): each wait is uniform in [0, min(cap, base·2^(n−1))], which spreads a crowd of
// clients hitting a recovering source. Retry-After from the source wins over our own backoff.
import { classifyTransportError } from './classify.ts';
import { ConnectorError } from './errors/connector-error.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Observes a retry: the failure that caused it, the attempt that failed (from 1), the wait before the next. */
export type RetryHook = (error: ConnectorError, attempt: number, delayMs: number) => void;

export interface RetryOptions {
  /** total attempts, the first included; default 5 */
  maxAttempts?: number;
  /** ceiling of the first backoff in ms; default 500 */
  baseDelayMs?: number;
  /** cap of any one backoff in ms; default 30 000 */
  maxDelayMs?: number;
  /** the longest Retry-After honoured; a longer one fails with LIFECERT_CONNECTOR_RETRY_AFTER_TOO_LONG; default 300 000 */
  maxRetryAfterMs?: number;
  /** aborts the waits and is checked before every attempt */
  signal?: AbortSignal;
  /** injectable for tests; default an abortable setTimeout */
  sleep?: Sleep;
  /** injectable for tests; default Math.random */
  random?: () => number;
  /** clock for HTTP-date Retry-After; default Date.now */
  now?: () => number;
  /** the request, named in errors */
  request?: string;
  /**
   * Called when a failure means "credentials expired" (HTTP 401): renew them, and the call is
   * repeated once; a second such failure in the same call is final. Without it a 401 is final.
   */
  reauthenticate?: () => Promise<void>;
  /** observe each retry (logging, metrics) */
  onRetry?: RetryHook;
}

export const RETRY_DEFAULTS = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
});

export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function abortedError(request?: string): ConnectorError {
  return new ConnectorError('LIFECERT_CONNECTOR_ABORTED', 'the pull was aborted', request ? { request } : {});
}

/** Throw LIFECERT_CONNECTOR_ABORTED when the signal is aborted: called between pages. */
export function throwIfAborted(signal: AbortSignal | undefined, request?: string): void {
  if (signal?.aborted) throw abortedError(request);
}

/** The full-jitter backoff before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Run `fn` until it succeeds, a failure is not retryable, or the attempts are exhausted.
 * Every failure is classified by classify.ts; what finally escapes is a ConnectorError whose
 * `attempts` says how many calls were made.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts);
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  let reauthenticated = false;

  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal, options.request);
    try {
      return await fn(attempt);
    } catch (raw) {
      const { action, error } = classifyTransportError(raw, {
        ...(options.request !== undefined ? { request: options.request } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      if (error.code === 'LIFECERT_CONNECTOR_ABORTED') throw error;
      if (options.signal?.aborted) throw abortedError(options.request);

      if (action === 'reauthenticate' && options.reauthenticate && !reauthenticated) {
        reauthenticated = true;
        await options.reauthenticate();
        // the renewed credentials get their own try without spending a backoff attempt
        attempt--;
        continue;
      }
      if (action !== 'retry') throw final(error, attempt);
      if (attempt >= maxAttempts) throw final(error, attempt, true);

      let delay: number;
      if (error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > maxRetryAfterMs) {
          throw new ConnectorError(
            'LIFECERT_CONNECTOR_RETRY_AFTER_TOO_LONG',
            `the source asked to wait ${Math.round(error.retryAfterMs / 1000)} s (Retry-After), more than the ${Math.round(maxRetryAfterMs / 1000)} s allowed: ${error.message}`,
            { cause: error, attempts: attempt, ...(error.request ? { request: error.request } : {}) },
          );
        }
        delay = error.retryAfterMs;
      } else {
        delay = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      }
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

function final(error: ConnectorError, attempts: number, exhausted = false): ConnectorError {
  if (!exhausted) {
    error.attempts = attempts;
    return error;
  }
  return new ConnectorError(error.code, `${error.message} (gave up after ${attempts} attempts)`, {
    cause: error,
    attempts,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.request !== undefined ? { request: error.request } : {}),
  });
}
