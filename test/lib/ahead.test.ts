import assert from 'node:assert/strict';
import { oneAhead } from '../../lib/ahead.ts';

/** A source that logs when each item starts and is handed over, and whether it was closed. */
function source(n: number, failAt = -1): { items: AsyncGenerator<number>; log: string[] } {
  const log: string[] = [];
  async function* gen(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < n; i++) {
        log.push(`start ${i}`);
        await new Promise((r) => setTimeout(r, 5));
        if (i === failAt) throw new Error(`item ${i} failed`);
        yield i;
      }
    } finally {
      log.push('closed');
    }
  }
  return { items: gen(), log };
}

describe('oneAhead (lib/ahead.ts)', () => {
  it('hands every item on in order, the next one already started while the consumer works', async () => {
    const { items, log } = source(3);
    const seen: number[] = [];
    for await (const i of oneAhead(items)) {
      seen.push(i);
      log.push(`consume ${i}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(seen, [0, 1, 2]);
    // item 1 was started before the consumer had item 0 in hand, and so on
    assert.ok(log.indexOf('start 1') < log.indexOf('consume 0'), log.join(', '));
    assert.ok(log.indexOf('start 2') < log.indexOf('consume 1'), log.join(', '));
    assert.ok(log.includes('closed'), log.join(', '));
  });

  it('surfaces a failure producing ahead only when the next item is asked for', async () => {
    const { items } = source(3, 1);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const i of oneAhead(items)) {
          // the failure of item 1 happens while item 0 is consumed, and must not cut it short
          await new Promise((r) => setTimeout(r, 20));
          seen.push(i);
        }
      })(),
      /item 1 failed/,
    );
    assert.deepEqual(seen, [0]);
  });

  it('closes the source when the consumer stops early, dropping the item in flight', async () => {
    const { items, log } = source(5);
    const seen: number[] = [];
    for await (const i of oneAhead(items)) {
      seen.push(i);
      if (i === 1) break;
    }
    assert.deepEqual(seen, [0, 1]);
    assert.equal(log.at(-1), 'closed');
    assert.ok(!log.includes('start 3'), log.join(', '));
  });
});
