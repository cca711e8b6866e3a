// deliverChannel against channels that misbehave in each way workflow.md names: a refusal fails
// only the refused item, a partly accepted request is sent again whole, transient failures leave
// items PENDING until 72 hours after their first try, an unconfigured channel keeps them waiting.
// The clock is injected: no timing is measured.
import assert from 'node:assert/strict';
import { migrate, openDatabase, feedbackItemsById } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { deliverChannel, deliveryBackoffMs, DELIVERY_WINDOW_MS } from '../../feedback/deliver.ts';
import type { FeedbackChannel, ItemToSend } from '../../feedback/channels/index.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { addItem } from './seed.ts';

class FakeChannel implements FeedbackChannel {
  readonly channel = 'bigdata';
  readonly requests: string[][] = [];
  held = new Set<string>();
  private readonly answer: (items: readonly ItemToSend[], call: number) => number | Error;
  constructor(answer: (items: readonly ItemToSend[], call: number) => number | Error) {
    this.answer = answer;
  }
  async send(items: readonly ItemToSend[]): Promise<number> {
    this.requests.push(items.map((i) => i.recordId));
    const a = this.answer(items, this.requests.length);
    if (a instanceof Error) throw a;
    for (const i of items.slice(0, a)) this.held.add(i.feedbackId);
    return a;
  }
}

describe('feedback delivery (deliverChannel)', function () {
  this.timeout(60_000);
  let db: Db;
  let t = Date.parse('2026-11-20T10:00:00+08:00');
  const now = () => t;
  beforeEach(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
  });
  afterEach(() => db.close());

  const items = async (n: number, tag: string) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await addItem(db, 'bigdata', '440106194001010011', 'PENDING', `${tag}-${i}`));
    return out.map((i) => i.feedbackId);
  };
  const states = async (ids: string[]) => (await feedbackItemsById(db, ids)).map((i) => i.state);

  it('a refusal fails the refused item alone: the request is split until it is isolated', async () => {
    const ids = await items(5, 'REF');
    const ch = new FakeChannel((batch) => (batch.some((i) => i.recordId === 'REF-3') ? new ConnectorError('LIFECERT_HTTP_CLIENT_ERROR', '400 INVALID_PARAM') : batch.length));
    const r = await deliverChannel(db, 'bigdata', new Map([['bigdata', ch]]), { now });
    assert.deepEqual(await states(ids), ['SENT', 'SENT', 'SENT', 'FAILED', 'SENT']);
    assert.deepEqual([r.sent, r.failed, r.waiting], [4, 1, false]);
    const [failed] = await feedbackItemsById(db, [ids[3]]);
    assert.match(failed.lastError ?? '', /LIFECERT_HTTP_CLIENT_ERROR/);
  });

  it('a request accepted in part is sent again whole, and SENT once accepted whole', async () => {
    const ids = await items(3, 'PART');
    const ch = new FakeChannel((batch, call) => (call === 1 ? batch.length - 1 : batch.length));
    const first = await deliverChannel(db, 'bigdata', new Map([['bigdata', ch]]), { now });
    assert.equal(first.waiting, true);
    assert.equal(first.error?.code, 'LIFECERT_FEEDBACK_PARTLY_ACCEPTED');
    assert.deepEqual(await states(ids), ['PENDING', 'PENDING', 'PENDING']);
    await deliverChannel(db, 'bigdata', new Map([['bigdata', ch]]), { now });
    assert.deepEqual(ch.requests, [['PART-0', 'PART-1', 'PART-2'], ['PART-0', 'PART-1', 'PART-2']], 'the whole request again');
    assert.deepEqual(await states(ids), ['SENT', 'SENT', 'SENT']);
  });

  it('transient failures: PENDING while within 72 hours of the first try, FAILED after; nothing lost meanwhile', async () => {
    const ids = await items(2, 'DOWN');
    const down = new FakeChannel(() => new ConnectorError('LIFECERT_HTTP_UNAVAILABLE', '503'));
    const start = t;
    const r = await deliverChannel(db, 'bigdata', new Map([['bigdata', down]]), { now });
    assert.deepEqual([r.waiting, r.error?.code], [true, 'LIFECERT_HTTP_UNAVAILABLE']);
    t = start + DELIVERY_WINDOW_MS - 1;
    await deliverChannel(db, 'bigdata', new Map([['bigdata', down]]), { now });
    assert.deepEqual(await states(ids), ['PENDING', 'PENDING']);
    assert.deepEqual((await feedbackItemsById(db, ids)).map((i) => i.attempts), [2, 2]);
    t = start + DELIVERY_WINDOW_MS;
    const last = await deliverChannel(db, 'bigdata', new Map([['bigdata', down]]), { now });
    assert.deepEqual(await states(ids), ['FAILED', 'FAILED']);
    assert.equal(last.failed, 2);
    t = start;
  });

  it('a channel without a configured connector keeps its items PENDING', async () => {
    const ids = await items(1, 'NOCONN');
    const r = await deliverChannel(db, 'bigdata', new Map(), { now });
    assert.deepEqual([r.waiting, r.error?.code], [true, 'LIFECERT_FEEDBACK_CHANNEL_UNCONFIGURED']);
    assert.deepEqual(await states(ids), ['PENDING']);
  });

  it('an item without a record id is FAILED at once; the others go', async () => {
    const ids = [...(await items(1, 'NAMED')), (await addItem(db, 'bigdata', '440106194001010011', 'PENDING', '')).feedbackId];
    const ch = new FakeChannel((batch) => batch.length);
    await deliverChannel(db, 'bigdata', new Map([['bigdata', ch]]), { now });
    assert.deepEqual(await states(ids), ['SENT', 'FAILED']);
    assert.deepEqual(ch.requests, [['NAMED-0']]);
  });

  it('backoff between passes doubles and is capped', () => {
    assert.deepEqual([1, 2, 3, 4, 10, 30].map((n) => deliveryBackoffMs(n, 30_000, 3600_000)), [30_000, 60_000, 120_000, 240_000, 3600_000, 3600_000]);
  });
});
