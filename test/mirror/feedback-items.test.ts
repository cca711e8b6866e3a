// Feedback items in the mirror (workflow.md 不属实数据反馈) and their JSON Schema: stored once
// per feedbackId, read back in creation order exactly as stored, values as sent kept whatever
// they hold; bad items refused before anything is written.
import assert from 'node:assert/strict';
import { MirrorError } from '../../mirror/errors.ts';
import { readFeedbackItems, saveFeedbackItems } from '../../mirror/feedback-items.ts';
import type { ReadFeedbackOptions } from '../../mirror/feedback-items.ts';
import type { Db } from '../../mirror/db.ts';
import { validateFeedbackItem } from '../../schemas/index.ts';
import type { FeedbackItem } from '../../schemas/types.ts';
import { forEachDatabase } from './db-targets.ts';

function item(n: number, overrides: Partial<FeedbackItem> = {}): FeedbackItem {
  return {
    feedbackId: n.toString(16).padStart(32, '0'),
    kind: 'REJECTED',
    channel: n % 2 === 0 ? 'civil' : 'police-4401',
    dataset: n % 2 === 0 ? 'cremation' : 'hukou',
    recordId: n % 2 === 0 ? `HH_440106_20261103.csv:${n + 2}` : `P-${n}`,
    personId: '4.40106E+17',
    field: n % 2 === 0 ? '身份证号码' : 'sfzh',
    reportedValue: '4.40106E+17',
    correctedValue: null,
    reasonCode: 'ID_SCIENTIFIC_NOTATION',
    verifiedDate: '2026-11-28',
    createdAt: `2026-11-29T01:00:0${n % 10}+08:00`,
    state: 'PENDING',
    ...overrides,
  };
}

async function readAll(db: Db, options: ReadFeedbackOptions = {}): Promise<FeedbackItem[]> {
  const out: FeedbackItem[] = [];
  for await (const i of readFeedbackItems(db, options)) out.push(i);
  return out;
}

describe('feedback-item.schema.json', () => {
  it('accepts the items the hub makes and states each field of workflow.md', () => {
    assert.deepEqual(validateFeedbackItem(item(1)), []);
    assert.deepEqual(validateFeedbackItem(item(2, { kind: 'CORRECTED', reasonCode: 'FALSE_DEATH', correctedValue: '2026-11-01', state: 'CONFIRMED' })), []);
  });

  it('refuses a state, kind or date workflow.md does not know, a REJECTED item without a rejection code, and fields beyond it', () => {
    const refused = (overrides: Record<string, unknown>) => validateFeedbackItem({ ...item(1), ...overrides }).map((e) => e.path);
    assert.deepEqual(refused({ state: 'DONE' }), ['/state']);
    assert.deepEqual(refused({ kind: 'ADOPTED' }), ['/kind']);
    assert.ok(refused({ verifiedDate: '20261128' }).includes('/verifiedDate'), 'YYYYMMDD is for the wire, not the item');
    assert.ok(refused({ reasonCode: 'FALSE_DEATH' }).includes('/reasonCode'));
    assert.ok(refused({ channel: 'police-44' }).includes('/channel'));
    assert.ok(validateFeedbackItem({ ...item(1), attempts: 3 }).length > 0);
    const { state: _state, ...withoutState } = item(1);
    assert.ok(validateFeedbackItem(withoutState).length > 0);
  });
});

forEachDatabase('feedback items', ({ db }) => {
  beforeEach(async () => {
    await db().exec('TRUNCATE feedback_items RESTART IDENTITY');
  });

  it('reads back exactly what was stored, in the order stored, in keyset pages, one channel or all', async () => {
    const items = [5, 3, 8, 1, 6, 2, 7].map((n) => item(n));
    assert.equal(await saveFeedbackItems(db(), items), items.length);
    assert.deepEqual(await readAll(db(), { batchSize: 2 }), items);
    assert.deepEqual(await readAll(db(), { channel: 'civil', batchSize: 1 }), items.filter((i) => i.channel === 'civil'));
    assert.deepEqual(await readAll(db(), { channel: 'health' }), []);
    for (const i of await readAll(db())) assert.deepEqual(validateFeedbackItem(i), [], i.feedbackId);
  });

  it('stores an item once: the same feedbackId again keeps the first form, state and place', async () => {
    await saveFeedbackItems(db(), [item(1), item(2)]);
    const added = await saveFeedbackItems(db(), [item(3), item(1, { state: 'SENT', reportedValue: 'changed' }), item(3)]);
    assert.equal(added, 1);
    assert.deepEqual(await readAll(db()), [item(1), item(2), item(3)]);
  });

  it('keeps values as the source sent them, U+0000 and lone surrogates included', async () => {
    const hostile = item(4, { personId: '44010619\u00004103020017', reportedValue: 'a\ud800b\u0001', correctedValue: '\udfff' });
    await saveFeedbackItems(db(), [hostile]);
    assert.deepEqual(await readAll(db()), [hostile]);
  });

  it('refuses a batch holding an item it cannot store as given, naming it, and writes none of the batch', async () => {
    const refuses = (bad: FeedbackItem, pattern: RegExp) =>
      assert.rejects(saveFeedbackItems(db(), [item(1), bad]), (e: unknown) => e instanceof MirrorError && e.code === 'LIFECERT_MIRROR_INPUT_INVALID' && pattern.test(e.message));
    await refuses(item(2, { state: 'DONE' as FeedbackItem['state'] }), /state "DONE"/);
    await refuses(item(2, { verifiedDate: '20261128' }), /verifiedDate/);
    await refuses(item(2, { recordId: 'HH\u0000.csv:2' }), /recordId is not storable text/);
    await refuses(item(2, { feedbackId: '' }), /no feedbackId/);
    assert.deepEqual(await readAll(db()), []);
  });

  it('stores more items than one statement takes', async () => {
    const many = Array.from({ length: 4500 }, (_, n) => item(n + 10));
    assert.equal(await saveFeedbackItems(db(), many), many.length);
    const back = await readAll(db());
    assert.equal(back.length, many.length);
    assert.deepEqual(back.map((i) => i.feedbackId), many.map((i) => i.feedbackId));
  });
});
