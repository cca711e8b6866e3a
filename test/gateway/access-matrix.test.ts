// The access matrix of api.md, table-driven: every endpoint × every role × a resource inside
// or outside the caller's region → allowed, 403 (role) or 403 (region); then every protected
// endpoint with no, malformed, unknown, expired and revoked tokens → 401. The table is written
// here from api.md, not read from the routes, so a route that states the wrong roles fails.
import assert from 'node:assert/strict';
import { issueToken, createUser } from '../../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import { ROLES } from '../../schemas/access.ts';
import type { Role } from '../../schemas/access.ts';
import { approveBatch, cutBatches } from '../../feedback/batches.ts';
import { publishCounty, recordResult } from '../feedback/batch-fixtures.ts';
import { gatewaySuite, SECRET } from './helpers.ts';
import { addItem, addOpenCase, addPerson } from '../feedback/seed.ts';
import type { Caller, GatewayHarness } from './helpers.ts';

interface Req {
  method: string;
  url: string;
  body?: unknown;
}

interface MatrixRow {
  /** the operation as the OpenAPI document names it */
  op: string;
  /** api.md's role column */
  roles: readonly Role[] | 'public';
  /** how the region is decided: a resource of region 44, a filter or body or target, or none */
  scope: 'province' | 'resource' | 'none';
  /** the status of an allowed request */
  ok: number;
  /** a request touching an area inside (`440106`) or outside (`440300`) the caller's region 4401, made for a caller of `role` */
  build(h: GatewayHarness, area: string, role?: Role): Promise<Req>;
}

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}-${Date.now()}`;

async function targetUser(h: GatewayHarness, region: string): Promise<{ userId: string; tokenId: string }> {
  const ctx = { db: h.db(), secret: SECRET, now: h.clock.now, calendar: loadWorkingCalendar() };
  const user = await createUser(ctx, { name: unique('target'), roles: ['county-staff'], region }, 'cli:test');
  const { tokenId } = await issueToken(ctx, user.userId, 10, 'cli:test');
  return { userId: user.userId, tokenId };
}

let batchPeriod = 2040;

/** A batch of one RECORD result in `area`, cut by someone else, OPEN — or APPROVED_L1 for a level-2 approver. */
async function batchFor(h: GatewayHarness, area: string, role: Role | undefined): Promise<Req> {
  const period = `${batchPeriod++}-11`;
  await publishCounty(h.db(), period, area, [recordResult(period, area, 1)]);
  const { batches } = await cutBatches(h.db(), { period, areaCode: area, createdBy: 'u_creator', now: h.clock.now() });
  const level = role === 'approver-l2' ? 2 : 1;
  if (level === 2) await approveBatch(h.db(), { batchId: batches[0].batchId, level: 1, userId: 'u_first', now: h.clock.now() });
  return { method: 'POST', url: `/api/v1/batches/${batches[0].batchId}/approvals`, body: { level } };
}

const MATRIX: MatrixRow[] = [
  { op: 'POST /api/v1/runs', roles: ['operator'], scope: 'province', ok: 202, build: async () => ({ method: 'POST', url: '/api/v1/runs', body: { period: '2026-11' } }) },
  {
    op: 'GET /api/v1/runs/{runId}',
    roles: ['operator'],
    scope: 'province',
    ok: 200,
    build: async (h) => ({ method: 'GET', url: `/api/v1/runs/${(await h.jobs.startRun({ period: '2026-11', requestedBy: 'u_x' })).runId}` }),
  },
  { op: 'GET /api/v1/results', roles: ['operator'], scope: 'resource', ok: 200, build: async (_h, area) => ({ method: 'GET', url: `/api/v1/results?period=2026-11&areaCode=${area}` }) },
  { op: 'GET /api/v1/rejections', roles: ['operator'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/rejections' }) },
  { op: 'GET /api/v1/connectors', roles: ['operator', 'integrator', 'admin'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/connectors' }) },
  { op: 'POST /api/v1/connectors/{name}/pull', roles: ['operator', 'integrator'], scope: 'province', ok: 202, build: async () => ({ method: 'POST', url: '/api/v1/connectors/civil/pull' }) },
  { op: 'GET /api/v1/audit', roles: ['auditor'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/audit' }) },
  { op: 'POST /api/v1/users', roles: ['admin'], scope: 'resource', ok: 201, build: async (_h, area) => ({ method: 'POST', url: '/api/v1/users', body: { name: unique('new'), roles: ['operator'], region: area } }) },
  {
    op: 'POST /api/v1/users/{userId}/tokens',
    roles: ['admin'],
    scope: 'resource',
    ok: 201,
    build: async (h, area) => ({ method: 'POST', url: `/api/v1/users/${(await targetUser(h, area)).userId}/tokens`, body: { expiresInDays: 5 } }),
  },
  {
    op: 'DELETE /api/v1/users/{userId}/tokens/{tokenId}',
    roles: ['admin'],
    scope: 'resource',
    ok: 204,
    build: async (h, area) => {
      const t = await targetUser(h, area);
      return { method: 'DELETE', url: `/api/v1/users/${t.userId}/tokens/${t.tokenId}` };
    },
  },
  {
    op: 'POST /api/v1/batches',
    roles: ['operator'],
    scope: 'resource',
    ok: 201,
    build: async (h, area) => {
      const period = `${batchPeriod++}-11`;
      await publishCounty(h.db(), period, area, [recordResult(period, area, 1)]);
      return { method: 'POST', url: '/api/v1/batches', body: { period, areaCode: area } };
    },
  },
  { op: 'GET /api/v1/batches', roles: ['operator', 'approver-l1', 'approver-l2'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/batches?period=2026-11' }) },
  { op: 'POST /api/v1/batches/{batchId}/approvals', roles: ['approver-l1', 'approver-l2'], scope: 'resource', ok: 200, build: batchFor },
  { op: 'GET /api/v1/adoption', roles: ['operator'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/adoption?status=due' }) },
  { op: 'GET /api/v1/cases', roles: ['county-staff'], scope: 'resource', ok: 200, build: async (_h, area) => ({ method: 'GET', url: `/api/v1/cases?areaCode=${area}` }) },
  {
    op: 'POST /api/v1/cases/{caseId}/outcome',
    roles: ['county-staff'],
    scope: 'resource',
    ok: 200,
    build: async (h, area) => ({
      method: 'POST', url: `/api/v1/cases/${(await addOpenCase(h.db(), area)).caseId}/outcome`,
      body: { outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-18', evidence: ['photo-1'] },
    }),
  },
  {
    op: 'POST /api/v1/persons/{personId}/onsite',
    roles: ['county-staff'],
    scope: 'resource',
    ok: 201,
    build: async (h, area) => ({ method: 'POST', url: `/api/v1/persons/${(await addPerson(h.db(), area)).personId}/onsite`, body: { verifiedDate: '2026-11-18', evidence: ['photo-2'] } }),
  },
  { op: 'GET /api/v1/feedback', roles: ['operator'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/feedback?state=FAILED' }) },
  {
    op: 'POST /api/v1/feedback/{feedbackId}/resend',
    roles: ['operator'],
    scope: 'resource',
    ok: 202,
    build: async (h, area) => ({ method: 'POST', url: `/api/v1/feedback/${(await addItem(h.db(), 'bigdata', (await addPerson(h.db(), area)).personId, 'FAILED')).feedbackId}/resend` }),
  },
  // a department's own channel whatever the region (the callers' channel is civil): no region scope
  { op: 'GET /api/v1/feeds/{channel}/items', roles: ['department'], scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/feeds/civil/items' }) },
  {
    op: 'POST /api/v1/feeds/{channel}/ack',
    roles: ['department'],
    scope: 'none',
    ok: 200,
    build: async () => ({ method: 'POST', url: '/api/v1/feeds/civil/ack', body: { upTo: Buffer.from(JSON.stringify(['feed:civil', 0])).toString('base64url') } }),
  },
  { op: 'GET /healthz', roles: 'public', scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/healthz' }) },
  { op: 'GET /readyz', roles: 'public', scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/readyz' }) },
  { op: 'GET /metrics', roles: 'public', scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/metrics' }) },
  { op: 'GET /api/v1/openapi.json', roles: 'public', scope: 'none', ok: 200, build: async () => ({ method: 'GET', url: '/api/v1/openapi.json' }) },
];

const INSIDE = '440106';
const OUTSIDE = '440300';

gatewaySuite('access matrix', (h) => {
  // one caller per role in region 44 and in city 4401
  const callers = new Map<string, Caller>();
  const callerOf = (role: Role, region: string): Caller => {
    const c = callers.get(`${role}@${region}`);
    if (!c) throw new Error(`no caller ${role}@${region}`);
    return c;
  };
  before(async () => {
    for (const role of ROLES) for (const region of ['44', '4401']) callers.set(`${role}@${region}`, await h.caller([role], region));
  });

  it('covers every operation of the OpenAPI document, with the roles api.md gives', async () => {
    const doc = (await h.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { 'x-lifecert-roles'?: string[] }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ op: `${m.toUpperCase()} ${path}`, roles: op['x-lifecert-roles'] })));
    assert.deepEqual(documented.map((d) => d.op).sort(), MATRIX.map((r) => r.op).sort());
    for (const d of documented) {
      const row = MATRIX.find((r) => r.op === d.op);
      assert.deepEqual(d.roles === undefined ? 'public' : [...d.roles].sort(), row?.roles === 'public' ? 'public' : [...(row?.roles ?? [])].sort(), d.op);
    }
  });

  for (const row of MATRIX) {
    if (row.roles === 'public') {
      it(`${row.op}: anyone, with or without a token`, async () => {
        const req = await row.build(h, INSIDE);
        assert.equal((await h.request(req.method, req.url)).status, row.ok);
        assert.equal((await h.request(req.method, req.url, { token: callerOf('county-staff', '4401').token })).status, row.ok);
      });
      continue;
    }
    const allowed = row.roles;
    it(`${row.op}: every role × inside / outside the region`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const role of ROLES) {
        for (const where of ['inside', 'outside'] as const) {
          // a province-wide resource is inside region 44 only; other resources are inside or outside city 4401
          const region = row.scope === 'province' ? (where === 'inside' ? '44' : '4401') : '4401';
          const req = await row.build(h, where === 'inside' ? INSIDE : OUTSIDE, role);
          const res = await h.request(req.method, req.url, { token: callerOf(role, region).token, body: req.body });
          outcomes.push(`${role} ${where}: ${res.status} ${res.body.error?.code ?? ''}`.trim());
          const want = !allowed.includes(role)
            ? '403 LIFECERT_AUTH_ROLE_FORBIDDEN'
            : where === 'outside' && row.scope !== 'none'
              ? '403 LIFECERT_AUTH_REGION_FORBIDDEN'
              : String(row.ok);
          expected.push(`${role} ${where}: ${want}`);
        }
      }
      assert.deepEqual(outcomes, expected);
    });

    it(`${row.op}: no, malformed, unknown, expired and revoked tokens get 401`, async () => {
      const req = await row.build(h, INSIDE);
      const caller = await h.caller([...allowed], '44');
      const ctx = { db: h.db(), secret: SECRET, now: h.clock.now, calendar: loadWorkingCalendar() };
      const expiring = await issueToken(ctx, caller.user.userId, 1, 'cli:test');
      const revoked = await issueToken(ctx, caller.user.userId, 30, 'cli:test');
      const admin = callerOf('admin', '44');
      assert.equal((await h.request('DELETE', `/api/v1/users/${caller.user.userId}/tokens/${revoked.tokenId}`, { token: admin.token })).status, 204);
      const cases: [string, Record<string, string>, string][] = [
        ['no header', {}, 'LIFECERT_AUTH_TOKEN_MISSING'],
        ['not Bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'LIFECERT_AUTH_TOKEN_MALFORMED'],
        ['Bearer without a token', { authorization: 'Bearer ' }, 'LIFECERT_AUTH_TOKEN_MALFORMED'],
        ['a token of the wrong form', { authorization: 'Bearer abc.def' }, 'LIFECERT_AUTH_TOKEN_MALFORMED'],
        ['a token one character short', { authorization: `Bearer ${caller.token.slice(0, -1)}` }, 'LIFECERT_AUTH_TOKEN_MALFORMED'],
        ['an unknown token', { authorization: `Bearer lct_${'A'.repeat(43)}` }, 'LIFECERT_AUTH_TOKEN_UNKNOWN'],
        ['a revoked token', { authorization: `Bearer ${revoked.token}` }, 'LIFECERT_AUTH_TOKEN_REVOKED'],
      ];
      for (const [what, headers, code] of cases) {
        const res = await h.request(req.method, req.url, { headers, body: req.body });
        assert.equal(res.status, 401, what);
        assert.equal(res.body.error?.code, code, what);
      }
      // the same caller's good token passes; one day later the 1-day token has expired
      assert.notEqual((await h.request(req.method, req.url, { token: expiring.token, body: req.body })).status, 401);
      const before = h.clock.ms;
      h.clock.ms = Date.parse(expiring.expiresAt);
      try {
        const res = await h.request(req.method, req.url, { token: expiring.token, body: req.body });
        assert.equal(res.status, 401);
        assert.equal(res.body.error?.code, 'LIFECERT_AUTH_TOKEN_EXPIRED');
      } finally {
        h.clock.ms = before;
      }
    });
  }

  it('a role the endpoint does not list gets 403 even for an id that does not exist; the right role gets 404', async () => {
    const staff = callerOf('county-staff', '44');
    assert.equal((await h.request('GET', '/api/v1/runs/no-such-run', { token: staff.token })).body.error?.code, 'LIFECERT_AUTH_ROLE_FORBIDDEN');
    assert.equal((await h.request('GET', '/api/v1/runs/no-such-run', { token: callerOf('operator', '44').token })).status, 404);
    const op = callerOf('operator', '44');
    assert.equal((await h.request('DELETE', '/api/v1/users/u_nobody/tokens/t_none', { token: op.token })).body.error?.code, 'LIFECERT_AUTH_ROLE_FORBIDDEN');
    const admin = callerOf('admin', '44');
    assert.equal((await h.request('DELETE', '/api/v1/users/u_nobody/tokens/t_none', { token: admin.token })).body.error?.code, 'LIFECERT_API_USER_NOT_FOUND');
  });

  it('the region is checked before the body: an outside region with a bad body is still a 403', async () => {
    const admin = callerOf('admin', '4401');
    const res = await h.request('POST', '/api/v1/users', { token: admin.token, body: { name: '', roles: [], region: OUTSIDE, extra: true } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error?.code, 'LIFECERT_AUTH_REGION_FORBIDDEN');
    const inside = await h.request('POST', '/api/v1/users', { token: admin.token, body: { name: '', roles: [], region: INSIDE, extra: true } });
    assert.equal(inside.status, 400);
  });
});
