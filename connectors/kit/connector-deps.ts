// What a connector takes besides its configuration: the clock, randomness and sleep, so that
// tests can pin them. Production leaves them out.
import { describeError } from '../../lib/errors.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import type { RetryHook, RetryOptions, Sleep } from './retry.ts';

export interface ConnectorDeps {
  /** waits between retries; default an abortable setTimeout */
  sleep?: Sleep;
  /** jitter source; default Math.random */
  random?: () => number;
  /** wall clock in ms (signatures, tokens, WS-Security Created); default Date.now */
  now?: () => number;
  /** observe every retry of this connector (metrics); a pull's own observer comes with its PullOptions */
  onRetry?: RetryHook;
}

/** What a client call takes from the pull it serves: the abort signal and the pull's retry observer. */
export interface CallOptions {
  signal?: AbortSignal;
  onRetry?: RetryHook;
}

/** The call options of a pull, only those that are set. */
export function callOptions(options: CallOptions): CallOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  };
}

/** The retry settings every connector schema carries under `retry`. */
export interface RetryConfig {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export function retryOptions(config: RetryConfig, deps: ConnectorDeps, call: CallOptions = {}, request?: string): RetryOptions {
  const { signal } = call;
  const hooks = [deps.onRetry, call.onRetry].filter((h): h is RetryHook => h !== undefined);
  const onRetry: RetryHook | undefined = hooks.length === 0 ? undefined : hooks.length === 1 ? hooks[0] : (error, attempt, delayMs) => {
    for (const h of hooks) h(error, attempt, delayMs);
  };
  return {
    maxAttempts: config.maxAttempts,
    baseDelayMs: config.baseDelayMs,
    maxDelayMs: config.maxDelayMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(onRetry ? { onRetry } : {}),
    ...(signal ? { signal } : {}),
    ...(request ? { request } : {}),
  };
}

/** A check() answer from any error, never a throw. */
export function checkFailure(err: unknown): { ok: false; error: string; code: ErrorCode } {
  const { code, message } = describeError(err, 'LIFECERT_CONNECTOR_UNEXPECTED');
  return { ok: false, error: message, code };
}
