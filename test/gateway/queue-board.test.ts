// /queues: the BullMQ board behind operators of region 44 — a bearer token or the dashboard's
// session; 401 / 403 otherwise (a person without a session is sent to log in); its page and
// assets served from the package, with no outside address; its API reads the real queues.
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { migrate, openDatabase } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { createGateway } from '../../gateway/server.ts';
import type { Gateway } from '../../gateway/server.ts';
import { createGatewayLogger } from '../../gateway/logging.ts';
import { createUser, issueToken } from '../../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import type { Role } from '../../schemas/access.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import { requireRedis } from '../support/servers.ts';
import { LogCapture, RecordingJobs, SECRET, TestClock } from './helpers.ts';

describe('the queue board (/queues)', function () {
  requireRedis();
  this.timeout(120_000);
  const prefix = uniquePrefix();
  const clock = new TestClock();
  let db: Db | undefined;
  let queues: Queue[] = [];
  let gw: Gateway | undefined;
  let seq = 0;

  const tokenOf = async (roles: Role[], region: string) => {
    const ctx = { db: db!, secret: SECRET, now: clock.now, calendar: loadWorkingCalendar() };
    seq += 1;
    const user = await createUser(ctx, { name: `board-${seq}`, roles, region }, 'cli:test');
    return (await issueToken(ctx, user.userId, 30, 'cli:test')).token;
  };
  const get = (url: string, headers: Record<string, string> = {}) => gw!.app.inject({ method: 'GET', url, headers });

  before(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    queues = ['runs', 'pull-ministry'].map((name) => new Queue(name, { connection: { url: REDIS_URL }, prefix }));
    await queues[1].add('pull', { runId: 'r1', channel: 'ministry', dataset: 'death' }, { jobId: 'r1.pull.ministry.death' });
    gw = await createGateway({
      db, secret: SECRET, now: clock.now, jobs: new RecordingJobs(), boardQueues: queues,
      logger: createGatewayLogger({ level: 'warn', destination: new LogCapture().stream, secrets: [SECRET] }),
    });
    await gw.app.ready();
  });

  after(async () => {
    await gw?.close();
    await Promise.all(queues.map((q) => q.close()));
    await db?.close();
    if (queues.length > 0) await dropPrefix(prefix);
  });

  it('refuses callers without a token (401; a person goes to the login form), without the operator role or outside region 44 (403)', async () => {
    const none = await get('/queues');
    assert.equal(none.statusCode, 401);
    assert.equal(JSON.parse(none.body).error.code, 'LIFECERT_AUTH_TOKEN_MISSING');
    const person = await get('/queues/queue/pull-ministry', { accept: 'text/html' });
    assert.equal(person.statusCode, 303);
    assert.equal(person.headers.location, '/dashboard/login?next=%2Fqueues%2Fqueue%2Fpull-ministry');
    assert.equal((await get('/queues/api/queues')).statusCode, 401);
    const staff = await tokenOf(['county-staff', 'integrator'], '44');
    const roleRefused = await get('/queues/api/queues', { authorization: `Bearer ${staff}` });
    assert.equal(roleRefused.statusCode, 403);
    assert.equal(JSON.parse(roleRefused.body).error.code, 'LIFECERT_AUTH_ROLE_FORBIDDEN');
    const cityOp = await tokenOf(['operator'], '4401');
    const regionRefused = await get('/queues', { authorization: `Bearer ${cityOp}` });
    assert.equal(regionRefused.statusCode, 403);
    assert.equal(JSON.parse(regionRefused.body).error.code, 'LIFECERT_AUTH_REGION_FORBIDDEN');
    const regionPage = await get('/queues', { authorization: `Bearer ${cityOp}`, accept: 'text/html' });
    assert.equal(regionPage.statusCode, 403);
    assert.match(regionPage.body, /LIFECERT_AUTH_REGION_FORBIDDEN/);
  });

  it('serves the board to an operator of region 44 from the package, with no outside address, and its API reads the queues', async () => {
    const op = await tokenOf(['operator'], '44');
    const auth = { authorization: `Bearer ${op}` };
    const pageRes = await get('/queues', auth);
    assert.equal(pageRes.statusCode, 200);
    assert.match(String(pageRes.headers['content-type']), /text\/html/);
    assert.match(String(pageRes.headers['content-security-policy']), /default-src 'self'/);
    assert.ok(!/(?:src|href)="(?:https?:)?\/\//.test(pageRes.body), 'no outside address');
    assert.match(pageRes.body, /<base href="\/queues\/"/);
    const assets = [...pageRes.body.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 3, 'scripts and styles');
    for (const asset of assets) assert.equal((await get(`/queues/${asset}`, auth)).statusCode, 200, asset);
    const api = await get('/queues/api/queues?activeQueue=pull-ministry&status=waiting', auth);
    assert.equal(api.statusCode, 200);
    const body = JSON.parse(api.body) as { queues: { name: string; counts: Record<string, number> }[] };
    assert.deepEqual(body.queues.map((q) => q.name).sort(), ['pull-ministry', 'runs']);
    assert.equal(body.queues.find((q) => q.name === 'pull-ministry')?.counts.waiting, 1);
  });

  it('takes the dashboard’s session cookie, and stays out of the OpenAPI document', async () => {
    const op = await tokenOf(['operator'], '44');
    const login = await gw!.app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: op, next: '/queues' }).toString() });
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/queues');
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    assert.equal((await get('/queues', { cookie })).statusCode, 200);
    assert.equal((await get('/queues/api/queues', { cookie })).statusCode, 200);
    const doc = JSON.parse((await get('/api/v1/openapi.json')).body) as { paths: Record<string, unknown> };
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/queues') || p.startsWith('/dashboard')));
  });
});
