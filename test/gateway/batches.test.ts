// The batch and adoption endpoints over HTTP: the refusals workflow.md orders (403 role or
// region, 403 creator or already approved, 409 state), 2,001 refused whoever asks, a repeated
// cut answered with the existing batches, the level-2 approval queuing the import, masked
// person ids, and the adoption list's own refusals.
import assert from 'node:assert/strict';
import { maskPersonId } from '../../lib/mask.ts';
import { personIn, publishCounty, recordResult } from '../feedback/batch-fixtures.ts';
import { gatewaySuite } from './helpers.ts';

const COUNTY = '440106';

gatewaySuite('batch and adoption endpoints', (h) => {
  it('cut, approve twice, import queued — and every refusal with its status, in workflow.md\'s order', async () => {
    const period = '2026-11';
    await publishCounty(h.db(), period, COUNTY, Array.from({ length: 2001 }, (_, i) => recordResult(period, COUNTY, i)));
    const operator = await h.caller(['operator', 'approver-l1'], '4401');
    const l1 = await h.caller(['approver-l1'], '4401');
    const l2 = await h.caller(['approver-l2'], '440106');
    const both = await h.caller(['approver-l1', 'approver-l2'], '44');
    const assessor = await h.caller(['benefit-assessor'], '44');
    const elsewhere = await h.caller(['approver-l1', 'approver-l2'], '4403');

    const tooBig = await h.request('POST', '/api/v1/batches', { token: operator.token, body: { period, areaCode: COUNTY, size: 2001 } });
    assert.deepEqual([tooBig.status, tooBig.body.error?.code], [422, 'LIFECERT_BATCH_TOO_LARGE']);
    const cut = await h.request('POST', '/api/v1/batches', { token: operator.token, body: { period, areaCode: COUNTY } });
    assert.equal(cut.status, 201);
    const batches = cut.body.batches as { batchId: string; itemCount: number; firstPersonId: string; state: string }[];
    assert.deepEqual(batches.map((b) => b.itemCount), [2000, 1]);
    assert.equal(batches[0].firstPersonId, maskPersonId(personIn(COUNTY, 0)), 'batch lists mask identity numbers');
    assert.ok(!cut.text.includes(personIn(COUNTY, 0)));
    const repeat = await h.request('POST', '/api/v1/batches', { token: operator.token, body: { period, areaCode: COUNTY } });
    assert.deepEqual([repeat.status, repeat.body.created, (repeat.body.batches as { batchId: string }[]).map((b) => b.batchId)], [200, 0, batches.map((b) => b.batchId)]);

    const url = `/api/v1/batches/${batches[0].batchId}/approvals`;
    const approve = async (token: string, level: number) => {
      const res = await h.request('POST', url, { token, body: { level } });
      return `${res.status} ${res.body.error?.code ?? (res.body.batch as { state: string }).state}`;
    };
    assert.equal(await approve(assessor.token, 1), '403 LIFECERT_AUTH_ROLE_FORBIDDEN', 'a benefit assessor');
    assert.equal(await approve(l2.token, 1), '403 LIFECERT_AUTH_ROLE_FORBIDDEN', 'level 1 needs approver-l1');
    assert.equal(await approve(elsewhere.token, 1), '403 LIFECERT_AUTH_REGION_FORBIDDEN', 'another region');
    assert.equal(await approve(operator.token, 1), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'the creator');
    assert.equal(await approve(l2.token, 2), '409 LIFECERT_BATCH_STATE_CONFLICT', 'level 2 of an OPEN batch');
    assert.equal(await approve(both.token, 1), '200 APPROVED_L1');
    assert.equal(await approve(l1.token, 1), '409 LIFECERT_BATCH_STATE_CONFLICT', 'level 1 twice');
    assert.equal(await approve(both.token, 2), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN', 'the same user at both levels');
    assert.equal(await approve(elsewhere.token, 2), '403 LIFECERT_AUTH_REGION_FORBIDDEN', 'the region outranks the state');
    assert.deepEqual(h.jobs.imports, [], 'nothing imported before the second approval');
    assert.equal(await approve(l2.token, 2), '200 IMPORTING');
    assert.deepEqual(h.jobs.imports, [batches[0].batchId], 'the second approval queued the import');
    assert.equal(await approve(l2.token, 2), '403 LIFECERT_BATCH_APPROVER_FORBIDDEN');
    const missing = await h.request('POST', '/api/v1/batches/IMP-000000-440106-001/approvals', { token: l1.token, body: { level: 1 } });
    assert.deepEqual([missing.status, missing.body.error?.code], [404, 'LIFECERT_BATCH_NOT_FOUND']);
    const badLevel = await h.request('POST', url, { token: l1.token, body: { level: 3 } });
    assert.equal(badLevel.status, 400);

    const list = await h.request('GET', `/api/v1/batches?period=${period}`, { token: l1.token });
    assert.deepEqual((list.body.items ?? []).map((b) => [b.seq, b.state]), [[1, 'IMPORTING'], [2, 'OPEN']]);
    const importing = await h.request('GET', '/api/v1/batches?status=IMPORTING', { token: l2.token });
    assert.deepEqual((importing.body.items ?? []).map((b) => b.batchId), [batches[0].batchId]);
    assert.deepEqual((await h.request('GET', '/api/v1/batches', { token: elsewhere.token })).body.items, [], 'another city sees none');

    const audit = await h.db().query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'batch.%' ORDER BY seq`);
    assert.deepEqual(audit.rows.map((r) => r.action), ['batch.cut', 'batch.approve', 'batch.approve'], 'the cut and the two approvals; refusals and repeats write nothing');
  });

  it('the adoption list: status required and checked, items of the caller\'s region, masked', async () => {
    const op = await h.caller(['operator'], '4401');
    assert.equal((await h.request('GET', '/api/v1/adoption', { token: op.token })).status, 400);
    assert.equal((await h.request('GET', '/api/v1/adoption?status=late', { token: op.token })).status, 400);
    const person = personIn(COUNTY, 7);
    await h.db().query(
      `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, person_id, area_code, decided_at)
       VALUES ('OVERSEAS', 'O-7', '2026-11-11T09:00:00+08:00', '2026-11-11', '2026-11-21', false, 'NOT_ON_ROSTER', $1, $2, now()),
              ('TRAVEL', 'T-44', '2026-10-01T09:00:00+08:00', '2026-10-01', '2026-10-31', true, NULL, NULL, '44', now())`,
      [person, COUNTY],
    );
    // the clock stands at 2026-11-20 10:00 China time
    const due = await h.request('GET', '/api/v1/adoption?status=due', { token: op.token });
    assert.deepEqual(due.body.items, [{
      dataType: 'OVERSEAS', recordId: 'O-7', personId: maskPersonId(person), areaCode: COUNTY, adopted: 0, reasonCode: 'NOT_ON_ROSTER', reasonMsg: null,
      receivedOn: '2026-11-11', dueOn: '2026-11-21', daysLeft: 1, state: 'PENDING', batchId: null,
    }]);
    assert.deepEqual((await h.request('GET', '/api/v1/adoption?status=overdue', { token: op.token })).body.items, [], 'the item of no roster person lies in 44');
    const province = await h.caller(['operator'], '44');
    const overdue = await h.request('GET', '/api/v1/adoption?status=overdue', { token: province.token });
    assert.deepEqual((overdue.body.items ?? []).map((i) => [i.recordId, i.daysLeft]), [['T-44', -20]]);
    const metrics = await h.request('GET', '/metrics');
    assert.match(metrics.text, /lifecert_adoption_items\{status="due"\} 1/);
    assert.match(metrics.text, /lifecert_adoption_items\{status="overdue"\} 1/);
  });
}, { kinds: ['pglite'] });
