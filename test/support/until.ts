// Waiting in tests for something another process does (a worker, a server, a simulator).
import assert from 'node:assert/strict';

/** Polls `probe` every `everyMs` until it gives a value other than undefined; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Reads until `ok` holds, at most `tries` reads 100 ms apart; fails with `what` and the last value read. */
export async function untilOk<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, tries = 600): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: still ${JSON.stringify(last)}`);
}
