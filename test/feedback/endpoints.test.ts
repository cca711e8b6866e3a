// Cases, on-site certification, feedback resend and the department feeds over the API: the happy
// paths with their effects in the mirror, and every refusal (401 / 403 / 400 / 404 / 409).
import assert from 'node:assert/strict';
import { eventId, hubEventsOf, listAudit, loadRoster, saveFeedbackItems, stagePage, feedbackItemsById, eventsForPerson, publishShard, caseIdOf } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { normalize } from '../../connectors/normalize.ts';
import type { FeedbackItem, Result } from '../../schemas/types.ts';
import { gatewaySuite } from '../gateway/helpers.ts';
import { addItem, addOpenCase, addPerson, personIn } from './seed.ts';

/** A big-data death record of `personId`, staged as the current version. */
async function stageDeath(db: Db, personId: string, recordId: string, updated = '2026-11-10 09:00:00'): Promise<Record<string, string>> {
  const raw = { JLID: recordId, GMSFHM: personId, XM: '张三', XBDM: '1', CSRQ: '19400101', SJLY: '省卫生健康委', GXSJ: updated, SWRQ: '20261101', SWDD: '广州' };
  await db.transaction((tx) => stagePage(tx, {
    pullId: null, channel: 'bigdata', dataset: 'death', seq: 1, request: 'test', body: JSON.stringify(raw), receivedAt: '2026-11-20T10:00:00+08:00',
    records: [{ recordId, raw, updatedAt: `${updated.replace(' ', 'T')}+08:00`, normalized: normalize('bigdata', 'death', raw, { asOf: '2026-11-28' }) }],
    state: {},
  }));
  return raw;
}

gatewaySuite('cases, on-site certification, feedback and feeds over the API', (h) => {
  it('an outcome with falseEvents: hub event, the version stops counting, a CORRECTED item with the source\'s values; audited', async () => {
    const db = h.db();
    const personId = personIn('440106');
    await addPerson(db, '440106', personId);
    const recordId = `JL-${Date.now()}`;
    const raw = await stageDeath(db, personId, recordId);
    assert.equal((await eventsForPerson(db, personId)).length, 1);
    // open the case the way the match does (evidence enriched with the event)
    const caseId = caseIdOf('2026-11', personId);
    const result: Result = {
      period: '2026-11', personId, areaCode: '440106', decision: 'suspect', action: 'VERIFY', reasons: ['SINGLE_SOURCE_DEATH'], lossDate: null, certifiedMonth: null,
      certifiedUntil: null, riskLevel: 'HIGH', overpaidMonths: null, overpaidAmountFen: null, evidence: [{ source: 'bigdata', dataset: 'death', recordId, origin: 'health' }],
    };
    await publishShard(db, { period: '2026-11', areaCode: '440106', runId: 'r', results: [result], cases: [{ caseId, period: '2026-11', personId, areaCode: '440106', reasons: result.reasons, evidence: result.evidence, openedAt: '2026-11-20T09:00:00+08:00' }] });

    const staff = await h.caller(['county-staff'], '440106');
    const list = await h.request('GET', '/api/v1/cases?areaCode=440106&status=OPEN', { token: staff.token });
    const listed = list.body.items?.find((c) => c.caseId === caseId) as { evidence: { eventId: string; kind: string; date: string; fields: Record<string, string> }[] } | undefined;
    assert.ok(listed, 'the case is listed for its county');
    assert.deepEqual(listed.evidence[0], { source: 'bigdata', dataset: 'death', recordId, origin: 'health', eventId: eventId('bigdata', 'death', recordId), kind: 'DEATH', date: '2026-11-01', fields: raw });

    const res = await h.request('POST', `/api/v1/cases/${caseId}/outcome`, {
      token: staff.token,
      body: { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', evidence: ['photo-1', 'sha256:ab12'], falseEvents: [{ eventId: listed.evidence[0].eventId, field: 'SWRQ', correctedValue: '', reasonCode: 'DEATH_FALSE' }] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((res.body.case as { status: string }).status, 'CLOSED');
    const hub = await hubEventsOf(db, personId);
    assert.deepEqual(hub.map((e) => [e.dataset, e.recordId, e.kind, e.date, e.detail.signal]), [['cases', caseId, 'ALIVE', '2026-11-19', 'ONSITE']]);
    const counted = await eventsForPerson(db, personId);
    assert.deepEqual(counted.map((e) => `${e.source}/${e.dataset}`), ['hub/cases'], 'the false version no longer counts; the hub event does');
    const [item] = await feedbackItemsById(db, res.body.corrections as string[]);
    assert.deepEqual(
      { kind: item.kind, channel: item.channel, dataset: item.dataset, recordId: item.recordId, personId: item.personId, field: item.field, reportedValue: item.reportedValue, correctedValue: item.correctedValue, reasonCode: item.reasonCode, verifiedDate: item.verifiedDate, state: item.state },
      { kind: 'CORRECTED', channel: 'bigdata', dataset: 'death', recordId, personId, field: 'SWRQ', reportedValue: '20261101', correctedValue: '', reasonCode: 'DEATH_FALSE', verifiedDate: '2026-11-20', state: 'PENDING' },
    );
    const audit = await listAudit(db, { limit: 1000 });
    assert.ok(audit.some((a) => a.action === 'case.outcome' && a.target === `case:${caseId}`), 'audited');

    // a later version with other content counts again
    await stageDeath(db, personId, recordId, '2026-11-21 09:00:00');
    assert.deepEqual((await eventsForPerson(db, personId)).map((e) => `${e.source}/${e.dataset}`).sort(), ['bigdata/death', 'hub/cases']);

    // closed: 409, whatever is sent next
    const again = await h.request('POST', `/api/v1/cases/${caseId}/outcome`, { token: staff.token, body: { outcome: 'CONFIRMED_DEAD', deathDate: '2026-11-01', evidence: ['p'] } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error?.code, 'LIFECERT_CASE_CLOSED');
  });

  it('refusals of an outcome: 400 for a missing or malformed field, 404 unknown case, 403 another county', async () => {
    const staff = await h.caller(['county-staff'], '440106');
    const { caseId } = await addOpenCase(h.db(), '440106');
    const bad: [string, unknown, RegExp][] = [
      ['no evidence', { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19' }, /evidence/],
      ['empty evidence', { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', evidence: [] }, /evidence/],
      ['no verifiedDate', { outcome: 'CONFIRMED_ALIVE', evidence: ['p'] }, /verifiedDate is required/],
      ['a date that does not exist', { outcome: 'CONFIRMED_DEAD', deathDate: '2026-02-30', evidence: ['p'] }, /deathDate must be a date/],
      ['an unknown outcome', { outcome: 'CONFIRMED_GONE', evidence: ['p'] }, /outcome/],
      ['duplicate without province', { outcome: 'CONFIRMED_DUPLICATE', insuranceType: '110', startDate: '2020-01-01', evidence: ['p'] }, /province is required/],
      ['a wrong insurance type', { outcome: 'CONFIRMED_DUPLICATE', insuranceType: '999', province: '450000', startDate: '2020-01-01', evidence: ['p'] }, /insuranceType/],
      ['an end before the start', { outcome: 'CONFIRMED_IMPRISONED', startDate: '2026-01-01', endDate: '2025-01-01', evidence: ['p'] }, /endDate is before startDate/],
      ['a field the outcome does not take', { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', deathDate: '2026-11-01', evidence: ['p'] }, /deathDate does not apply/],
      ['a falseEvent naming no event of the case', { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', evidence: ['p'], falseEvents: [{ eventId: 'nope', field: 'SWRQ', reasonCode: 'OTHER' }] }, /not an event of this case/],
      ['a falseEvent with a bad reason code', { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', evidence: ['p'], falseEvents: [{ eventId: 'x', field: 'SWRQ', reasonCode: 'WRONG' }] }, /reasonCode/],
    ];
    for (const [what, body, message] of bad) {
      const res = await h.request('POST', `/api/v1/cases/${caseId}/outcome`, { token: staff.token, body });
      assert.equal(res.status, 400, what);
      assert.match(res.body.error?.message ?? '', message, what);
    }
    const [c] = (await h.request('GET', '/api/v1/cases?status=OPEN&areaCode=440106', { token: staff.token })).body.items?.filter((x) => x.caseId === caseId) ?? [];
    assert.equal(c?.status, 'OPEN', 'nothing was changed by the refused outcomes');
    const unknown = await h.request('POST', '/api/v1/cases/CASE-202611-000000000000/outcome', { token: staff.token, body: { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-19', evidence: ['p'] } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error?.code, 'LIFECERT_CASE_NOT_FOUND');
    const other = await h.caller(['county-staff'], '440105');
    const outside = await h.request('POST', `/api/v1/cases/${caseId}/outcome`, { token: other.token, body: { outcome: 'CONFIRMED_ALIVE', evidence: [] } });
    assert.equal(outside.status, 403, 'the region is checked before the body');
    assert.equal(outside.body.error?.code, 'LIFECERT_AUTH_REGION_FORBIDDEN');
  });

  it('the month-end overdue list (当月清零): open cases of a month that has ended, per county', async () => {
    const staff = await h.caller(['county-staff'], '440103');
    const { caseId } = await addOpenCase(h.db(), '440103');
    h.clock.set('2026-11-30T23:59:00+08:00');
    const before = await h.request('GET', '/api/v1/cases?overdue=true&areaCode=440103', { token: staff.token });
    assert.deepEqual(before.body.items, []);
    h.clock.set('2026-12-01T00:00:00+08:00');
    const after = await h.request('GET', '/api/v1/cases?overdue=true&areaCode=440103', { token: staff.token });
    assert.deepEqual(after.body.items?.map((c) => [c.caseId, c.overdue, c.ageDays]), [[caseId, true, 11]]);
    h.clock.set('2026-11-20T10:00:00+08:00');
    const filter = await h.request('GET', '/api/v1/cases?areaCode=440300', { token: staff.token });
    assert.equal(filter.status, 403);
  });

  it('on-site certification without a case: an ONSITE hub event; repeated, the same event; 404 unknown person; 400 without evidence', async () => {
    const staff = await h.caller(['county-staff'], '4401');
    const { personId } = await addPerson(h.db(), '440111');
    const body = { verifiedDate: '2026-11-18', evidence: ['photo-9'] };
    const first = await h.request('POST', `/api/v1/persons/${personId}/onsite`, { token: staff.token, body });
    assert.equal(first.status, 201);
    const second = await h.request('POST', `/api/v1/persons/${personId}/onsite`, { token: staff.token, body });
    assert.equal(second.status, 200);
    assert.equal(second.body.eventId, first.body.eventId);
    const hub = await hubEventsOf(h.db(), personId);
    assert.deepEqual(hub.map((e) => [e.dataset, e.kind, e.date, e.detail.signal, e.detail.strength]), [['onsite', 'ALIVE', '2026-11-18', 'ONSITE', 'strong']]);
    assert.equal((await h.request('POST', `/api/v1/persons/${personIn('440111')}/onsite`, { token: staff.token, body })).status, 404);
    assert.equal((await h.request('POST', `/api/v1/persons/${personId}/onsite`, { token: staff.token, body: { verifiedDate: '2026-11-18' } })).status, 400);
    assert.equal((await h.request('POST', `/api/v1/persons/${personId}/onsite`, { token: staff.token, body: { verifiedDate: '18/11/2026', evidence: ['p'] } })).status, 400);
    assert.equal((await h.request('POST', '/api/v1/persons/not-an-id/onsite', { token: staff.token, body })).status, 400);
  });

  it('resend: a FAILED item is PENDING again (audited); 409 for any other state; 404 unknown; the list masks identity numbers', async () => {
    const op = await h.caller(['operator'], '44');
    const { personId } = await addPerson(h.db(), '440106');
    const failed = await addItem(h.db(), 'bigdata', personId, 'FAILED');
    const pending = await addItem(h.db(), 'bigdata', personId, 'PENDING');
    const list = await h.request('GET', '/api/v1/feedback?state=FAILED', { token: op.token });
    const shown = list.body.items?.find((i) => i.feedbackId === failed.feedbackId);
    assert.ok(shown);
    assert.equal(shown.personId, `${personId.slice(0, 6)}********${personId.slice(14)}`);
    assert.equal(shown.areaCode, '440106');
    // FAILED items raise a metric (the alert rule of deploy/ fires on it)
    const failedMetric = () => h.request('GET', '/metrics').then((m) => Number(/^lifecert_feedback_failed\{channel="bigdata"\} (\d+)$/m.exec(m.text)?.[1] ?? 'NaN'));
    const before = await failedMetric();
    assert.ok(before >= 1, `lifecert_feedback_failed counts the FAILED item (${before})`);
    const ok = await h.request('POST', `/api/v1/feedback/${failed.feedbackId}/resend`, { token: op.token });
    assert.equal(ok.status, 202);
    assert.equal((await feedbackItemsById(h.db(), [failed.feedbackId]))[0].state, 'PENDING');
    assert.equal((await h.request('POST', `/api/v1/feedback/${pending.feedbackId}/resend`, { token: op.token })).status, 409);
    assert.equal((await h.request('POST', `/api/v1/feedback/${'0'.repeat(32)}/resend`, { token: op.token })).status, 404);
    const audit = await listAudit(h.db(), { limit: 1000 });
    assert.ok(audit.some((a) => a.action === 'feedback.resend' && a.target === `feedback:${failed.feedbackId}`));
    const city = await h.caller(['operator'], '4403');
    assert.equal((await h.request('POST', `/api/v1/feedback/${pending.feedbackId}/resend`, { token: city.token })).status, 403);
  });

  it('feeds: a department sees its own channel only, in creation order, with full values; pages; acks; an unknown cursor is a 400', async () => {
    const db = h.db();
    const channel = 'police-4401';
    const dept = await h.caller(['department'], '44', channel);
    const other = await h.caller(['department'], '44', 'civil');
    const personId = personIn('440106');
    const items: FeedbackItem[] = [];
    for (let i = 0; i < 5; i++) items.push(await addItem(db, channel, personId, 'PENDING', `FEED-${i}`));
    await addItem(db, 'police-4403', personId);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await h.request('GET', `/api/v1/feeds/${channel}/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: dept.token });
      assert.equal(res.status, 200);
      seen.push(...(res.body.items ?? []).map((i) => String(i.feedbackId)));
      if (page === 0) assert.equal(res.body.items?.[0].personId, personId, 'full values in the own feed');
      cursor = res.body.nextCursor as string;
      assert.equal(typeof cursor, 'string');
    }
    assert.deepEqual(seen, items.map((i) => i.feedbackId), 'its own items only, in creation order');
    // at the end: an empty page whose cursor returns what is created next
    const end = await h.request('GET', `/api/v1/feeds/${channel}/items?cursor=${cursor}`, { token: dept.token });
    assert.deepEqual(end.body.items, []);
    const later = await addItem(db, channel, personId, 'PENDING', 'FEED-later');
    const next = await h.request('GET', `/api/v1/feeds/${channel}/items?cursor=${end.body.nextCursor as string}`, { token: dept.token });
    assert.deepEqual(next.body.items?.map((i) => i.feedbackId), [later.feedbackId]);

    const ack = await h.request('POST', `/api/v1/feeds/${channel}/ack`, { token: dept.token, body: { upTo: cursor } });
    assert.equal(ack.status, 200);
    assert.equal(ack.body.ackedUpTo, cursor);
    assert.equal((await feedbackItemsById(db, [items[0].feedbackId]))[0].state, 'PENDING', 'acknowledging does not change the delivery state');
    const bad = await h.request('POST', `/api/v1/feeds/${channel}/ack`, { token: dept.token, body: { upTo: 'garbage' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'LIFECERT_FEED_CURSOR_UNKNOWN');
    const beyond = Buffer.from(JSON.stringify([`feed:${channel}`, 10 ** 9])).toString('base64url');
    assert.equal((await h.request('POST', `/api/v1/feeds/${channel}/ack`, { token: dept.token, body: { upTo: beyond } })).status, 400);
    const foreign = Buffer.from(JSON.stringify(['feed:civil', 0])).toString('base64url');
    assert.equal((await h.request('POST', `/api/v1/feeds/${channel}/ack`, { token: dept.token, body: { upTo: foreign } })).status, 400);

    const forbidden = await h.request('GET', `/api/v1/feeds/${channel}/items`, { token: other.token });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error?.code, 'LIFECERT_FEED_CHANNEL_FORBIDDEN');
    assert.equal((await h.request('POST', `/api/v1/feeds/${channel}/ack`, { token: other.token, body: { upTo: cursor } })).status, 403);
  });

  it('the insurance feed carries certification results as they are published, once per change', async () => {
    const db = h.db();
    const dept = await h.caller(['department'], '44', 'insurance');
    const start = await h.request('GET', '/api/v1/feeds/insurance/items?limit=1000', { token: dept.token });
    const personId = personIn('440106');
    await loadRoster(db, [], { replace: false });
    const result = (decision: Result['decision']): Result => ({
      period: '2026-11', personId, areaCode: '440199', decision, action: decision === 'eligible' ? 'NONE' : 'STOP', reasons: decision === 'eligible' ? ['CERT_VALID'] : ['DEATH'],
      lossDate: decision === 'eligible' ? null : '2026-11-01', certifiedMonth: null, certifiedUntil: null, riskLevel: null, overpaidMonths: null, overpaidAmountFen: null, evidence: [],
    });
    await publishShard(db, { period: '2026-11', areaCode: '440199', runId: 'a', results: [result('eligible')], cases: [] });
    await publishShard(db, { period: '2026-11', areaCode: '440199', runId: 'b', results: [result('eligible')], cases: [] });
    await publishShard(db, { period: '2026-11', areaCode: '440199', runId: 'c', results: [result('ineligible')], cases: [] });
    const res = await h.request('GET', `/api/v1/feeds/insurance/items?cursor=${start.body.nextCursor as string}`, { token: dept.token });
    assert.deepEqual(res.body.items?.map((i) => [i.personId, i.decision, i.lossDate]), [[personId, 'eligible', null], [personId, 'ineligible', '2026-11-01']]);
    await saveFeedbackItems(db, []);
  });
});
