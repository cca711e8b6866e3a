// Every endpoint's happy path and its refusals (api.md): 400, 403 (region), 404, 409, 422, 503
// — the 401s and role 403s of every endpoint are the access matrix's.
import assert from 'node:assert/strict';
import { maskName, maskPersonId } from '../../lib/mask.ts';
import { gatewaySuite } from './helpers.ts';
import type { Caller, JsonBody } from './helpers.ts';
import { personOf, seedPull, seedRejection, seedResults, seedStaged } from './fixtures.ts';

const hoursAgo = (now: number, h: number) => new Date(now - h * 3600 * 1000).toISOString();

gatewaySuite('gateway endpoints', (h) => {
  let op44: Caller;
  let op4401: Caller;
  let op4403: Caller;
  let admin44: Caller;
  let admin4401: Caller;
  let auditor: Caller;
  before(async () => {
    op44 = await h.caller(['operator'], '44');
    op4401 = await h.caller(['operator'], '4401');
    op4403 = await h.caller(['operator'], '4403');
    admin44 = await h.caller(['admin'], '44');
    admin4401 = await h.caller(['admin'], '4401');
    auditor = await h.caller(['auditor'], '4401');
  });

  async function pages(url: string, token: string, limit: number): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let cursor: string | null | undefined;
    for (let i = 0; i < 1000; i++) {
      const sep = url.includes('?') ? '&' : '?';
      const res = await h.request('GET', `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token });
      assert.equal(res.status, 200, res.text);
      const items = res.body.items ?? [];
      assert.ok(items.length <= limit);
      out.push(...items);
      cursor = res.body.nextCursor;
      if (cursor === null) return out;
      assert.equal(items.length, limit, 'a page before the last is full');
    }
    throw new Error('paging did not end');
  }

  describe('results', () => {
    before(async () => {
      await seedResults(h.db(), '2026-11', ['440103', '440106', '440303'], 25);
    });

    it("pages through the caller's region exactly once, in (area, person) order, with full identity numbers", async () => {
      const all = await pages('/api/v1/results?period=2026-11', op44.token, 10);
      assert.equal(all.length, 75);
      const keys = all.map((r) => `${String(r.areaCode)}/${String(r.personId)}`);
      assert.deepEqual(keys, [...keys].sort());
      assert.equal(new Set(keys).size, 75);
      assert.equal(all[0].personId, personOf('440103', 0));
      const city = await pages('/api/v1/results?period=2026-11', op4401.token, 7);
      assert.deepEqual([...new Set(city.map((r) => r.areaCode))], ['440103', '440106']);
      assert.equal(city.length, 50);
    });

    it('filters by county, decision and action', async () => {
      const county = await pages('/api/v1/results?period=2026-11&areaCode=440106', op4401.token, 100);
      assert.equal(county.length, 25);
      assert.ok(county.every((r) => r.areaCode === '440106'));
      const suspects = await pages('/api/v1/results?period=2026-11&decision=suspect', op44.token, 100);
      assert.ok(suspects.length > 0 && suspects.every((r) => r.decision === 'suspect'));
      const stops = await pages('/api/v1/results?period=2026-11&action=STOP&areaCode=4403', op44.token, 100);
      assert.ok(stops.length > 0 && stops.every((r) => r.action === 'STOP' && String(r.areaCode).startsWith('4403')));
      assert.deepEqual((await h.request('GET', '/api/v1/results?period=2026-10', { token: op44.token })).body, { items: [], nextCursor: null });
    });

    it('refuses an area filter outside the region (403) and bad input (400)', async () => {
      for (const area of ['440303', '4403', '44']) {
        const res = await h.request('GET', `/api/v1/results?period=2026-11&areaCode=${area}`, { token: op4401.token });
        assert.equal(res.status, 403, area);
        assert.equal(res.body.error?.code, 'LIFECERT_AUTH_REGION_FORBIDDEN');
      }
      const rejectionsCursor = (await h.request('GET', '/api/v1/rejections?limit=1', { token: op44.token })).body.nextCursor;
      for (const query of ['', 'period=2026-13', 'period=2026-11&limit=0', 'period=2026-11&limit=1001', 'period=2026-11&decision=maybe', 'period=2026-11&areaCode=450000', 'period=2026-11&colour=red', 'period=2026-11&cursor=not-a-cursor', `period=2026-11&cursor=${rejectionsCursor ?? 'x'}`]) {
        const res = await h.request('GET', `/api/v1/results?${query}`, { token: op44.token });
        assert.equal(res.status, 400, query);
        assert.match(res.body.error?.code ?? '', /^LIFECERT_API_(INPUT|CURSOR)_INVALID$/, query);
      }
    });
  });

  describe('rejections', () => {
    const onRoster = personOf('440106', 3);
    const stranger = '440106194105160216';
    before(async () => {
      const db = h.db();
      const pull = await seedPull(db, { channel: 'health', dataset: 'vaccination', status: 'succeeded', startedAt: '2026-11-20T01:00:00+08:00', finishedAt: '2026-11-20T01:05:00+08:00', rejected: 4 });
      await seedRejection(db, pull, { channel: 'ministry', dataset: 'death', recordId: 'M1', raw: { aac002: onRoster, aac003: '张三三', eventDate: '2026-13-01' }, field: 'eventDate', reasonCode: 'DATE_INVALID', message: `eventDate of ${onRoster} is not a date`, personId: onRoster });
      await seedRejection(db, pull, { channel: 'police-4403', dataset: 'hukou', recordId: 'P1', raw: { sfzh: '44030X', xm: '李四' }, field: 'sfzh', reasonCode: 'ID_FORMAT', message: 'sfzh is not an identity number', personId: null });
      await seedRejection(db, pull, { channel: 'civil', dataset: 'cremation', recordId: 'HH_440303_20261101.csv:3', raw: { file: 'HH_440303_20261101.csv', line: 3, row: { 逝者姓名: '王五', 身份证号码: '4.40303E+17' } }, field: '身份证号码', reasonCode: 'ID_SCIENTIFIC_NOTATION', message: 'scientific notation', personId: null });
      await seedRejection(db, pull, { channel: 'ministry', dataset: 'auth', recordId: 'M2', raw: { aac002: stranger, aac003: '赵六' }, field: 'aac002', reasonCode: 'ID_CHECKSUM', message: `${stranger} fails the check character`, personId: null });
    });

    it('a province-wide operator sees every rejection with full values', async () => {
      const all = await pages('/api/v1/rejections', op44.token, 2);
      assert.equal(all.length, 4);
      assert.deepEqual(all.map((r) => r.areaCode), ['440106', '4403', '440303', '44']);
      assert.equal((all[0].raw as Record<string, string>).aac002, onRoster);
      assert.equal(all[0].personId, onRoster);
      assert.match(String(all[3].message), new RegExp(stranger));
    });

    it('a city or county operator sees the rejections of its region, identity numbers and names masked', async () => {
      const city = await pages('/api/v1/rejections', op4401.token, 10);
      assert.equal(city.length, 1);
      const raw = city[0].raw as Record<string, string>;
      assert.equal(raw.aac002, maskPersonId(onRoster));
      assert.equal(raw.aac003, maskName('张三三'));
      assert.equal(city[0].personId, maskPersonId(onRoster));
      assert.ok(!String(city[0].message).includes(onRoster));
      const other = await pages('/api/v1/rejections', op4403.token, 10);
      assert.deepEqual(other.map((r) => r.source), ['police-4403', 'civil']);
      assert.equal(((other[1].raw as { row: Record<string, string> }).row)['逝者姓名'], '王*');
      assert.ok(!JSON.stringify(other).includes('李四'));
    });

    it('filters by source and dataset; bad filters are a 400', async () => {
      assert.deepEqual((await pages('/api/v1/rejections?source=ministry&dataset=auth', op44.token, 10)).map((r) => r.recordId), ['M2']);
      assert.equal((await h.request('GET', '/api/v1/rejections?source=fax', { token: op44.token })).status, 400);
    });
  });

  describe('connectors', () => {
    before(async () => {
      const db = h.db();
      const now = h.clock.now();
      await seedPull(db, { channel: 'ministry', dataset: 'death', status: 'succeeded', startedAt: hoursAgo(now, 48), finishedAt: hoursAgo(now, 47.5), staged: 10, rejected: 2, skipped: 1 });
      const failed = await seedPull(db, { channel: 'ministry', dataset: 'death', status: 'failed', startedAt: hoursAgo(now, 24), finishedAt: hoursAgo(now, 23.9), staged: 3, error: 'LIFECERT_SOAP_FAULT: record of 440106194105160216 refused' });
      await seedStaged(db, failed, 'ministry', 'death', personOf('440106', 1), hoursAgo(now, 3));
      await seedPull(db, { channel: 'police-4401', dataset: 'hukou', status: 'succeeded', startedAt: hoursAgo(now, 41), finishedAt: hoursAgo(now, 40), staged: 5 });
    });

    it('gives per dataset the last success, staleness, lag, error rate and records', async () => {
      const res = await h.request('GET', '/api/v1/connectors', { token: op44.token });
      assert.equal(res.status, 200);
      const items = res.body.items as { name: string; datasets: Record<string, unknown>[] }[];
      assert.deepEqual(items.map((c) => c.name), ['civil', 'ministry', 'police-4401', 'police-4403']);
      const death = items[1].datasets.find((d) => d.dataset === 'death') as Record<string, unknown>;
      assert.equal(death.errorRate, 0.5);
      assert.equal(death.recentPulls, 2);
      assert.deepEqual(death.records, { pulled: 16, staged: 13, rejected: 2, skipped: 1 });
      assert.equal(death.stale, true, 'the last success ended 47.5 hours ago');
      assert.equal(death.lagSeconds, 3 * 3600);
      const last = death.lastPull as Record<string, unknown>;
      assert.equal(last.status, 'failed');
      assert.equal(last.error, 'LIFECERT_SOAP_FAULT: record of 440106********0216 refused');
      const hukou = items[2].datasets[0];
      assert.equal(hukou.stale, true, '40 hours is over 36');
      assert.equal(hukou.errorRate, 0);
      const civil = items[0].datasets[0];
      assert.deepEqual([civil.lastSuccessAt, civil.lastPull, civil.lagSeconds, civil.errorRate], [null, null, null, null]);
      h.clock.ms -= 10 * 3600 * 1000;
      try {
        const earlier = (await h.request('GET', '/api/v1/connectors', { token: op44.token })).body.items as { datasets: Record<string, unknown>[] }[];
        assert.equal(earlier[2].datasets[0].stale, false, '30 hours after the success it is not stale yet');
      } finally {
        h.clock.ms += 10 * 3600 * 1000;
      }
    });

    it("lists the connectors of the caller's region only, page by page", async () => {
      const integrator = await h.caller(['integrator'], '4401');
      const mine = (await h.request('GET', '/api/v1/connectors', { token: integrator.token })).body.items as { name: string }[];
      assert.deepEqual(mine.map((c) => c.name), ['police-4401']);
      const paged = await pages('/api/v1/connectors', admin44.token, 1);
      assert.deepEqual(paged.map((c) => c.name), ['civil', 'ministry', 'police-4401', 'police-4403']);
    });

    it('pull now queues a pull of that connector, audited; unknown names are a 404', async () => {
      const res = await h.request('POST', '/api/v1/connectors/civil/pull', { token: op44.token });
      assert.equal(res.status, 202);
      const asked = h.jobs.started.at(-1);
      assert.deepEqual({ steps: asked?.steps, connectors: asked?.connectors, requestedBy: asked?.requestedBy, asOf: asked?.asOf }, { steps: ['pull'], connectors: ['civil'], requestedBy: `user:${op44.user.userId}`, asOf: '2026-11-20' });
      const { rows } = await h.db().query<{ action: string; target: string }>(`SELECT action, target FROM audit_log ORDER BY seq DESC LIMIT 1`);
      assert.deepEqual(rows[0], { action: 'connector.pull', target: `run:${String(res.body.runId)}` });
      const missing = await h.request('POST', '/api/v1/connectors/fax/pull', { token: op44.token });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error?.code, 'LIFECERT_API_CONNECTOR_NOT_FOUND');
    });
  });

  describe('runs', () => {
    it('starts a run (202), records who asked in the audit log and shows it', async () => {
      const res = await h.request('POST', '/api/v1/runs', { token: op44.token, body: { period: '2026-11', asOf: '2026-11-20', steps: ['pull', 'match'], connectors: ['ministry'] } });
      assert.equal(res.status, 202);
      const runId = String(res.body.runId);
      assert.deepEqual(h.jobs.started.at(-1), { period: '2026-11', asOf: '2026-11-20', steps: ['pull', 'match'], connectors: ['ministry'], requestedBy: `user:${op44.user.userId}` });
      const { rows } = await h.db().query<{ action: string; actor: string; details: Record<string, unknown> }>(`SELECT action, actor, details FROM audit_log ORDER BY seq DESC LIMIT 1`);
      assert.deepEqual(rows[0], { action: 'run.start', actor: `user:${op44.user.userId}`, details: { runId, period: '2026-11', asOf: '2026-11-20', steps: ['pull', 'match'], connectors: ['ministry'] } });
      const got = await h.request('GET', `/api/v1/runs/${runId}`, { token: op44.token });
      assert.equal(got.status, 200);
      assert.equal(got.body.runId, runId);
    });

    it('refuses bad bodies (400), an unknown step (400) and unknown runs (404); takes the feedback step', async () => {
      const bodies: [unknown, string][] = [
        [{}, 'LIFECERT_API_INPUT_INVALID'],
        [{ period: '2026-13' }, 'LIFECERT_API_INPUT_INVALID'],
        [{ period: '2026-11', steps: [] }, 'LIFECERT_API_INPUT_INVALID'],
        [{ period: '2026-11', extra: 1 }, 'LIFECERT_API_INPUT_INVALID'],
        [{ period: '2026-11', connectors: ['fax'] }, 'LIFECERT_JOBS_CONNECTOR_UNKNOWN'],
        [{ period: '2026-11', asOf: '2026-02-30' }, 'LIFECERT_JOBS_REQUEST_INVALID'],
      ];
      for (const [body, code] of bodies) {
        const res = await h.request('POST', '/api/v1/runs', { token: op44.token, body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error?.code, code, JSON.stringify(body));
      }
      const dance = await h.request('POST', '/api/v1/runs', { token: op44.token, body: { period: '2026-11', steps: ['pull', 'dance'] } });
      assert.equal(dance.status, 400);
      assert.equal(dance.body.error?.code, 'LIFECERT_API_INPUT_INVALID');
      // the feedback step is taken
      const feedback = await h.request('POST', '/api/v1/runs', { token: op44.token, body: { period: '2026-11', steps: ['pull', 'feedback'] } });
      assert.equal(feedback.status, 202);
      assert.deepEqual(h.jobs.started.at(-1)?.steps, ['pull', 'feedback']);
      const raw = await h.gateway().app.inject({ method: 'POST', url: '/api/v1/runs', headers: { authorization: `Bearer ${op44.token}`, 'content-type': 'application/json' }, payload: '{"period":' });
      assert.equal(raw.statusCode, 400);
      assert.equal((JSON.parse(raw.body) as JsonBody).error?.code, 'LIFECERT_API_INPUT_INVALID');
      const missing = await h.request('GET', '/api/v1/runs/run-999', { token: op44.token });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error?.code, 'LIFECERT_API_RUN_NOT_FOUND');
    });
  });

  describe('users and tokens', () => {
    it('creates a user (201) whose new token works, audited', async () => {
      const res = await h.request('POST', '/api/v1/users', { token: admin4401.token, body: { name: '陈大文', roles: ['operator', 'county-staff'], region: '440106' } });
      assert.equal(res.status, 201);
      assert.deepEqual({ ...res.body, userId: undefined }, { userId: undefined, name: '陈大文', roles: ['operator', 'county-staff'], region: '440106', channel: null });
      const issued = await h.request('POST', `/api/v1/users/${String(res.body.userId)}/tokens`, { token: admin4401.token, body: { expiresInDays: 7 } });
      assert.equal(issued.status, 201);
      assert.match(String(issued.body.token), /^lct_/);
      assert.equal(Date.parse(String(issued.body.expiresAt)), h.clock.now() + 7 * 24 * 3600 * 1000);
      const use = await h.request('GET', '/api/v1/results?period=2026-11', { token: String(issued.body.token) });
      assert.equal(use.status, 200);
      assert.ok((use.body.items ?? []).every((r) => r.areaCode === '440106'));
      const { rows } = await h.db().query<{ action: string; target: string }>(`SELECT action, target FROM audit_log ORDER BY seq DESC LIMIT 2`);
      assert.deepEqual(rows.map((r) => r.action), ['token.create', 'user.create']);
      const stored = await h.db().query<{ token_hash: string }>(`SELECT token_hash FROM api_tokens WHERE token_id = $1`, [issued.body.tokenId]);
      assert.notEqual(stored.rows[0].token_hash, issued.body.token, 'only a hash is stored');
      assert.ok(!stored.rows[0].token_hash.includes(String(issued.body.token).slice(4, 20)));
    });

    it('refuses a taken name (409), benefit-assessor with an approver role (422), bad bodies (400), another region (403)', async () => {
      await h.request('POST', '/api/v1/users', { token: admin44.token, body: { name: 'twice', roles: ['auditor'], region: '44' } });
      const again = await h.request('POST', '/api/v1/users', { token: admin44.token, body: { name: 'twice', roles: ['operator'], region: '4401' } });
      assert.equal(again.status, 409);
      assert.equal(again.body.error?.code, 'LIFECERT_API_USER_EXISTS');
      for (const approver of ['approver-l1', 'approver-l2']) {
        const res = await h.request('POST', '/api/v1/users', { token: admin44.token, body: { name: `assessor-${approver}`, roles: ['benefit-assessor', approver], region: '4401' } });
        assert.equal(res.status, 422);
        assert.equal(res.body.error?.code, 'LIFECERT_API_ROLES_INCOMPATIBLE');
      }
      const bad: unknown[] = [
        { name: 'a', roles: ['department'], region: '44' },
        { name: 'b', roles: ['operator'], region: '44', channel: 'civil' },
        { name: 'c', roles: ['wizard'], region: '44' },
        { name: 'd', roles: [], region: '44' },
        { name: 'e', roles: ['operator'], region: '45' },
        { name: '', roles: ['operator'], region: '44' },
        { roles: ['operator'], region: '44' },
        { name: 'f', roles: ['department'], region: '44', channel: 'fax' },
      ];
      for (const body of bad) {
        const res = await h.request('POST', '/api/v1/users', { token: admin44.token, body });
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      const dept = await h.request('POST', '/api/v1/users', { token: admin44.token, body: { name: 'civil-feed', roles: ['department'], region: '44', channel: 'civil' } });
      assert.equal(dept.status, 201);
      assert.equal(dept.body.channel, 'civil');
      const outside = await h.request('POST', '/api/v1/users', { token: admin4401.token, body: { name: 'far', roles: ['operator'], region: '4403' } });
      assert.equal(outside.status, 403);
    });

    it('issues and revokes tokens inside the region only; a revoked token gets 401 at once; 404 and 409', async () => {
      const target = await h.caller(['operator'], '440106');
      const far = await h.caller(['operator'], '4403');
      assert.equal((await h.request('POST', `/api/v1/users/${far.user.userId}/tokens`, { token: admin4401.token })).status, 403);
      assert.equal((await h.request('POST', '/api/v1/users/u_nobody/tokens', { token: admin4401.token })).status, 404);
      for (const days of [0, 366, 1.5]) {
        assert.equal((await h.request('POST', `/api/v1/users/${target.user.userId}/tokens`, { token: admin4401.token, body: { expiresInDays: days } })).status, 400, String(days));
      }
      const issued = await h.request('POST', `/api/v1/users/${target.user.userId}/tokens`, { token: admin4401.token });
      assert.equal(issued.status, 201);
      assert.equal(Date.parse(String(issued.body.expiresAt)), h.clock.now() + 90 * 24 * 3600 * 1000, 'default 90 days');
      const token = String(issued.body.token);
      assert.equal((await h.request('GET', '/api/v1/rejections', { token })).status, 200);
      assert.equal((await h.request('DELETE', `/api/v1/users/${far.user.userId}/tokens/${String(issued.body.tokenId)}`, { token: admin4401.token })).status, 403);
      assert.equal((await h.request('DELETE', `/api/v1/users/${target.user.userId}/tokens/${String(issued.body.tokenId)}`, { token: admin4401.token })).status, 204);
      const after = await h.request('GET', '/api/v1/rejections', { token });
      assert.equal(after.status, 401);
      assert.equal(after.body.error?.code, 'LIFECERT_AUTH_TOKEN_REVOKED');
      assert.equal((await h.request('GET', '/api/v1/rejections', { token: target.token })).status, 200, 'the other token of that user still works');
      const again = await h.request('DELETE', `/api/v1/users/${target.user.userId}/tokens/${String(issued.body.tokenId)}`, { token: admin4401.token });
      assert.equal(again.status, 409);
      assert.equal(again.body.error?.code, 'LIFECERT_API_TOKEN_REVOKED');
      const unknown = await h.request('DELETE', `/api/v1/users/${target.user.userId}/tokens/t_nothing`, { token: admin4401.token });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error?.code, 'LIFECERT_API_TOKEN_NOT_FOUND');
    });
  });

  describe('audit', () => {
    it('lists every change in order with the out-of-hours flag, names masked, paged and filtered by time', async () => {
      h.clock.set('2026-11-20T18:05:00+08:00');
      try {
        assert.equal((await h.request('POST', '/api/v1/users', { token: admin44.token, body: { name: '欧阳娜娜', roles: ['auditor'], region: '44' } })).status, 201);
      } finally {
        h.clock.set('2026-11-20T10:00:00+08:00');
      }
      const all = await pages('/api/v1/audit', auditor.token, 3);
      assert.ok(all.length >= 5);
      const seqs = all.map((e) => Number(e.seq));
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'every row, in order, once');
      const late = all.find((e) => (e.details as { name?: string }).name === '欧***');
      assert.ok(late, 'the name is masked in the audit list');
      assert.equal(late.outOfHours, true);
      assert.equal(late.at, '2026-11-20T18:05:00+08:00');
      assert.ok(!JSON.stringify(all).includes('欧阳娜娜'));
      assert.ok(all.filter((e) => e !== late).every((e) => e.outOfHours === false));
      const evening = await h.request('GET', `/api/v1/audit?from=${encodeURIComponent('2026-11-20T18:00:00+08:00')}&to=2026-11-21`, { token: auditor.token });
      assert.deepEqual((evening.body.items ?? []).map((e) => e.seq), [late.seq]);
      assert.equal((await h.request('GET', '/api/v1/audit?from=yesterday', { token: auditor.token })).status, 400);
    });
  });

  describe('errors', () => {
    it('an unknown route is a 404 in the error shape, the identity number in its path masked', async () => {
      const res = await h.request('POST', '/api/v1/persons/440106194105160216/history', { token: op44.token });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: { code: 'LIFECERT_API_ROUTE_UNKNOWN', message: 'no endpoint POST /api/v1/persons/440106********0216/history' } });
    });
  });
});

gatewaySuite(
  'gateway without queues',
  (h) => {
    it('runs and pulls answer 503 when the server has no queues', async () => {
      const op = await h.caller(['operator'], '44');
      for (const [method, url, body] of [['POST', '/api/v1/runs', { period: '2026-11' }], ['POST', '/api/v1/connectors/civil/pull', undefined], ['GET', '/api/v1/runs/run-1', undefined]] as const) {
        const res = await h.request(method, url, { token: op.token, body });
        assert.equal(res.status, 503, url);
        assert.equal(res.body.error?.code, 'LIFECERT_GATEWAY_QUEUES_UNAVAILABLE');
      }
    });

    it('readyz answers 503 naming the dependency that does not answer', async () => {
      const res = await h.request('GET', '/readyz');
      assert.equal(res.status, 503);
      assert.equal(res.body.error?.code, 'LIFECERT_GATEWAY_NOT_READY');
      assert.deepEqual(res.body.checks, { database: 'ok', redis: 'connection refused' });
    });
  },
  {
    kinds: ['pglite'],
    gateway: {
      jobs: null,
      readiness: {
        redis: async () => {
          throw new Error('connection refused');
        },
      },
    },
  },
);
