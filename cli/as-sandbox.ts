// The sandbox keeps its own errors (it imports only schemas/ and lib/). Where the command
// line calls it, a failure without a registry code gets the sandbox's, so that every failure
// prints as `code: message`.
import { createError, errorCodeOf } from '../lib/errors.ts';

export async function asSandbox<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (errorCodeOf(err)) throw err;
    throw createError('LIFECERT_SANDBOX_FAILED', err instanceof Error ? err.message : String(err), { cause: err });
  }
}
