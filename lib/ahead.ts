// One step ahead: the next item of an async source is already being produced while the consumer
// works on the current one (a page fetched while the last one commits, a shard read while the last
// one is decided and published).

/**
 * The items of `source`, each handed on while the next one is already being produced. The order
 * is the source's and nothing is skipped. A failure producing ahead surfaces only when the next
 * item is asked for, after the consumer has finished with the current one, as it would have
 * without the look-ahead. When the consumer stops early, the source is closed (after the item in
 * flight settles) and that item is dropped.
 */
export async function* oneAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  // awaited below; this keeps a failure of an item nobody waits for any more from being unhandled
  next.catch(() => undefined);
  let done = false;
  try {
    for (;;) {
      const r = await next;
      if (r.done) {
        done = true;
        return;
      }
      next = it.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    // the consumer stopped early: let the source close (it waits for the item in flight)
    if (!done) await it.return?.(undefined)?.catch(() => undefined);
  }
}
