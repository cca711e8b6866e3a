// Adoption feedback to the ministry (workflow.md article 14), end to end through the ministry
// simulator on both stores: items derived by ingest for OVERSEAS, AUTH channel 06, TRAVEL and
// MEDICAL records (none for another AUTH channel), with the reason workflow.md gives; listed as
// due (within 2 days) and overdue on the right China dates; sent once with SubmitFeedback, the
// batch id reused when the first attempt failed.
import assert from 'node:assert/strict';
import { createMinistryConnector } from '../../connectors/ministry/connector.ts';
import { adoptionBacklog, listAdoption, sendAdoptionFeedback } from '../../feedback/adoption.ts';
import type { AdoptionChannel } from '../../feedback/adoption.ts';
import { loadRoster, readAdoptionBatches, readAdoptionItems } from '../../mirror/index.ts';
import type { AdoptionItem } from '../../mirror/index.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { forEachDatabase } from '../mirror/db-targets.ts';
import { emptyWorld, personIn, rosterOf, startTestSandbox } from './batch-fixtures.ts';
import type { TestSandbox } from './batch-fixtures.ts';

const COUNTY = '440106';
const FAST = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };
/** 07:00 China time on 20 November is still 19 November in UTC: the deadlines count from the China date */
const RECEIVED = Date.parse('2026-11-20T07:00:00+08:00');

function rec(dataType: string, recordId: string, person: string, extra: Record<string, string> = {}): Record<string, string> {
  return { recordId, aac002: person, aac003: '王一', aac004: '1', dataType, eventDate: '20261110', aae036: '2026-11-15 09:00:00', ...extra };
}

const onRoster = (i: number) => personIn(COUNTY, i);
const stranger = personIn('440300', 1);
const lateComer = personIn(COUNTY, 50);

const MINISTRY = {
  AUTH: [
    rec('AUTH', 'A1', onRoster(1), { channel: '06', result: '1' }),
    rec('AUTH', 'A2', onRoster(2), { channel: '01', result: '1' }), // not remote assisted: no adoption item
    rec('AUTH', 'A3', onRoster(3), { channel: '06', result: '0' }),
    rec('AUTH', 'A4', '4401061950ABC', { channel: ' 06 ', result: '1' }),
    rec('AUTH', 'A5', stranger, { channel: '06', result: '1' }),
    rec('AUTH', 'A6', lateComer, { channel: '06', result: '1' }),
  ],
  OVERSEAS: [rec('OVERSEAS', 'O1', onRoster(4), { result: '1', detailText: '加拿大' })],
  TRAVEL: [rec('TRAVEL', 'T1', onRoster(5), { detailText: '广州南-北京西' })],
  MEDICAL: [rec('MEDICAL', 'M1', onRoster(6), { detailText: '门诊' })],
  DEATH: [rec('DEATH', 'D1', onRoster(7))],
};

forEachDatabase('adoption feedback', ({ db }) => {
  let sb: TestSandbox;
  let connector: ReturnType<typeof createMinistryConnector>;
  let clock = RECEIVED;
  const now = () => clock;

  before(async () => {
    sb = await startTestSandbox(emptyWorld(MINISTRY));
    connector = createMinistryConnector({
      url: `${sb.sandbox.url}/ministry/ws/cert`, ...SANDBOX_CREDENTIALS.ministry, ...FAST, dataTypes: ['AUTH', 'OVERSEAS', 'TRAVEL', 'MEDICAL', 'DEATH'],
    });
    await loadRoster(db(), [1, 2, 3, 4, 5, 6, 7].map((i) => rosterOf(COUNTY, i)));
    for (const dataset of connector.datasets) await ingestDataset({ db: db(), connector, dataset, asOf: '2026-11-28', runId: 'run-adoption', now });
  });
  after(async () => {
    await sb?.close();
  });

  const byId = (items: AdoptionItem[]) => Object.fromEntries(items.map((i) => [`${i.dataType}/${i.recordId}`, i]));

  it('derives one item per record of the four kinds, with the reason workflow.md gives and deadlines from the China date of receipt', async () => {
    const items = byId(await readAdoptionItems(db()));
    assert.deepEqual(Object.keys(items).sort(), ['AUTH/A1', 'AUTH/A3', 'AUTH/A4', 'AUTH/A5', 'AUTH/A6', 'MEDICAL/M1', 'OVERSEAS/O1', 'TRAVEL/T1']);
    const decision = (k: string) => [items[k].adopted ? 1 : 0, items[k].reasonCode, items[k].reasonMsg];
    assert.deepEqual(decision('AUTH/A1'), [1, null, null]);
    assert.deepEqual(decision('AUTH/A3'), [0, 'RESULT_FAIL', null]);
    assert.equal(decision('AUTH/A4')[1], 'REJECTED');
    assert.match(String(decision('AUTH/A4')[2]), /^ID_/, 'reasonMsg is the rejection code');
    assert.deepEqual(decision('AUTH/A5'), [0, 'NOT_ON_ROSTER', null]);
    assert.deepEqual(decision('AUTH/A6'), [0, 'NOT_ON_ROSTER', null], 'not on the roster yet');
    assert.deepEqual(decision('OVERSEAS/O1'), [1, null, null]);
    assert.deepEqual(decision('TRAVEL/T1'), [1, null, null]);
    assert.deepEqual(decision('MEDICAL/M1'), [1, null, null]);
    assert.equal(items['OVERSEAS/O1'].receivedOn, '2026-11-20');
    assert.equal(items['OVERSEAS/O1'].dueOn, '2026-11-30');
    assert.equal(items['TRAVEL/T1'].dueOn, '2026-12-20');
    assert.equal(items['AUTH/A1'].areaCode, COUNTY);
    assert.equal(items['AUTH/A5'].areaCode, '44', 'no roster entry: the channel\'s area');
    assert.ok(Object.values(items).every((i) => i.state === 'PENDING'));
  });

  it('a second pull of the same records adds nothing and keeps the first receipt', async () => {
    clock = Date.parse('2026-11-25T10:00:00+08:00');
    await ingestDataset({ db: db(), connector, dataset: 'OVERSEAS', asOf: '2026-11-28', runId: 'run-adoption-2', now });
    const items = await readAdoptionItems(db(), { dataType: 'OVERSEAS' });
    assert.equal(items.length, 1);
    assert.equal(items[0].receivedOn, '2026-11-20');
  });

  it('a new version of a record is decided from the version now current, and keeps the first receipt', async () => {
    const o1 = MINISTRY.OVERSEAS[0];
    // a later version naming someone off the roster: decided again from it
    sb.sandbox.putRecord('ministry', 'OVERSEAS', 'O1', { ...o1, aac002: stranger, aae036: '2026-11-16 09:00:00' });
    clock = Date.parse('2026-11-26T10:00:00+08:00');
    await ingestDataset({ db: db(), connector, dataset: 'OVERSEAS', asOf: '2026-11-28', runId: 'run-adoption-3', now });
    let [item] = await readAdoptionItems(db(), { dataType: 'OVERSEAS' });
    assert.deepEqual([item.adopted, item.reasonCode, item.areaCode, item.receivedOn], [false, 'NOT_ON_ROSTER', '44', '2026-11-20']);
    // and back: the newest version names the recipient again (the item as the later tests expect it)
    sb.sandbox.putRecord('ministry', 'OVERSEAS', 'O1', { ...o1, aae036: '2026-11-17 09:00:00' });
    clock = Date.parse('2026-11-27T10:00:00+08:00');
    await ingestDataset({ db: db(), connector, dataset: 'OVERSEAS', asOf: '2026-11-28', runId: 'run-adoption-4', now });
    [item] = await readAdoptionItems(db(), { dataType: 'OVERSEAS' });
    assert.deepEqual([item.adopted, item.reasonCode, item.areaCode, item.receivedOn, item.dueOn], [true, null, COUNTY, '2026-11-20', '2026-11-30']);
  });

  it('lists items due within 2 days and overdue on the right China days, inside the caller\'s region', async () => {
    const list = async (status: 'due' | 'overdue', at: string, region = '44') =>
      (await listAdoption(db(), { status, region, now: Date.parse(at), limit: 100 })).map((i) => `${i.dataType}/${i.recordId}`);
    // OVERSEAS due 2026-11-30: due from 11-28 (China date), overdue from 12-01
    assert.deepEqual(await list('due', '2026-11-27T23:59:00+08:00'), []);
    assert.deepEqual(await list('due', '2026-11-28T00:01:00+08:00'), ['OVERSEAS/O1'], 'the 28th in China is still the 27th in UTC');
    assert.deepEqual(await list('due', '2026-11-30T23:59:00+08:00'), ['OVERSEAS/O1'], 'the last day is still in time');
    assert.deepEqual(await list('overdue', '2026-11-30T23:59:00+08:00'), []);
    assert.deepEqual(await list('overdue', '2026-12-01T00:00:00+08:00'), ['OVERSEAS/O1']);
    assert.deepEqual(await list('due', '2026-12-01T00:00:00+08:00'), []);
    // the others due 2026-12-20
    assert.deepEqual((await list('due', '2026-12-18T09:00:00+08:00')).length, 7);
    assert.deepEqual(await list('due', '2026-12-18T09:00:00+08:00', '440300'), [], 'another county sees none of them');
    assert.deepEqual(await list('due', '2026-12-18T09:00:00+08:00', '4401'), ['AUTH/A1', 'AUTH/A3', 'MEDICAL/M1', 'TRAVEL/T1'].sort(), 'the 44 items lie outside a city');
    assert.equal((await list('overdue', '2026-12-21T00:00:00+08:00')).length, 8);
    assert.deepEqual(await adoptionBacklog(db(), Date.parse('2026-12-01T08:00:00+08:00')), { due: 0, overdue: 1, open: 8, sent: 0 });
  });

  it('sends every item once with SubmitFeedback; the batch id of a failed attempt is reused; a later send sends nothing', async () => {
    // the late-comer joins the roster after the pull: decided again before the send
    await loadRoster(db(), [rosterOf(COUNTY, 50)]);
    clock = Date.parse('2026-11-29T09:00:00+08:00');
    sb.sandbox.setFaults({ ministry: { down: true } });
    await assert.rejects(sendAdoptionFeedback({ db: db(), channel: connector, now, maxItems: 5 }), /SYSTEM_BUSY|busy|down/i);
    const cut = await readAdoptionBatches(db());
    assert.deepEqual(cut.map((b) => [b.itemCount, b.state, b.feedbackDate]), [[5, 'SENDING', '20261129'], [3, 'SENDING', '20261129']]);
    assert.equal(sb.sandbox.received('ministry').length, 0);

    sb.sandbox.setFaults({ ministry: { down: false } });
    clock = Date.parse('2026-11-30T09:00:00+08:00');
    const report = await sendAdoptionFeedback({ db: db(), channel: connector, now, maxItems: 5 });
    assert.equal(report.cut, 0, 'nothing new to cut');
    assert.deepEqual(report.sent.map((s) => [s.batchId, s.items, s.retried]), cut.map((b) => [b.batchId, b.itemCount, true]));
    const received = sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback');
    assert.deepEqual(received.map((r) => r.batchId), cut.map((b) => b.batchId), 'the batch ids of the failed attempt');
    const wire = received.flatMap((r) => r.items as Record<string, string>[]);
    assert.equal(wire.length, 8);
    assert.equal(new Set(wire.map((i) => `${i.dataType}/${i.recordId}`)).size, 8, 'each item once');
    const a6 = wire.find((i) => i.recordId === 'A6');
    assert.deepEqual(a6, { recordId: 'A6', dataType: 'AUTH', adopted: '1', feedbackDate: '20261129' }, 'decided again when cut: now on the roster; the batch keeps its date');
    const a4 = wire.find((i) => i.recordId === 'A4');
    assert.equal(a4?.adopted, '0');
    assert.equal(a4?.reasonCode, 'REJECTED');

    const again = await sendAdoptionFeedback({ db: db(), channel: connector, now, maxItems: 5 });
    assert.deepEqual(again, { redecided: 0, cut: 0, sent: [] });
    assert.equal(sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback').length, 2);
    assert.ok((await readAdoptionItems(db())).every((i) => i.state === 'SENT'));
    assert.deepEqual(await listAdoption(db(), { status: 'overdue', region: '44', now: Date.parse('2027-01-01T00:00:00+08:00'), limit: 10 }), [], 'sent items are neither due nor overdue');
  });

  it('a partial acceptance sends the batch again whole, same id', async () => {
    await db().query(`INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, area_code, decided_at)
                      VALUES ('TRAVEL', 'T-extra-1', now(), '2026-11-30', '2026-12-30', true, '44', now()),
                             ('TRAVEL', 'T-extra-2', now(), '2026-11-30', '2026-12-30', true, '44', now())`);
    const calls: { batchId: string; n: number }[] = [];
    const stingy: AdoptionChannel = {
      async submitFeedback(batchId, items) {
        calls.push({ batchId, n: items.length });
        return { acceptedCount: calls.length === 1 ? items.length - 1 : items.length };
      },
    };
    await assert.rejects(sendAdoptionFeedback({ db: db(), channel: stingy, now }), (err: { code?: string }) => err.code === 'LIFECERT_ADOPTION_PARTIAL');
    await sendAdoptionFeedback({ db: db(), channel: stingy, now });
    assert.deepEqual(calls.map((c) => c.n), [2, 2]);
    assert.equal(calls[0].batchId, calls[1].batchId);
  });
});
