// Waiting in tests for something another process does (a worker, a server, a simulator).
import assert from 'node:assert/strict';

/**
 * Polls `probe` every `everyMs` until it gives a value other than undefined; throws naming `what` after `timeoutMs`.
 * `gone`, asked before each wait, names a process the wait depends on that has died (the wait fails at once with it).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
  everyMs = 200,
  gone: () => string | undefined = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    const dead = gone();
    if (dead !== undefined) assert.fail(`${dead} while waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `until` for probes that answer with a truthy value when done (false, null, 0 and '' mean "not yet"). */
export async function untilTruthy<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  return until(what, async () => (await probe()) || undefined, timeoutMs);
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
