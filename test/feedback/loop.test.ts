// The loop closed end to end on PostgreSQL, Redis and the simulators (issue 10): a suspect case
// closed CONFIRMED_ALIVE with falseEvents → the CORRECTED item reaches the right simulator with
// the right fields → the department sends a new version → the next pull CONFIRMs it, and the
// person's next result reflects the hub event. Then a channel down for a while: items wait and
// each arrives once when it is up again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConnectors } from '../../config/index.ts';
import type { HubConfig } from '../../config/index.ts';
import { createGateway } from '../../gateway/server.ts';
import type { Gateway } from '../../gateway/server.ts';
import { createGatewayLogger } from '../../gateway/logging.ts';
import { createUser, issueToken } from '../../gateway/user-admin.ts';
import { createJobs, startWorker } from '../../jobs/index.ts';
import type { Jobs, WorkerHandle } from '../../jobs/index.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import { feedbackBacklog, feedbackItemsById, listFeedbackPage, readCases, readFeedbackItems, readRejections, readResults } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import { matchPeriod } from '../../pipeline/match.ts';
import { generateWorld } from '../../sandbox/generate.ts';
import { sandboxSources } from '../../sandbox/hub-sources.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import type { Connector } from '../../connectors/kit/connector.ts';
import type { Case, FeedbackItem } from '../../schemas/types.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { untilTruthy } from '../support/until.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import type { Mirror } from '../jobs/helpers.ts';
import { addItem, addPerson } from './seed.ts';

const SECRET = 'loop-secret-4f2a';

describe('feedback loop: case outcome → correction delivered → new version → CONFIRMED → next result', function () {
  this.timeout(300_000);
  requirePostgres();
  requireRedis();

  const generated = generateWorld({ persons: 400, seed: 'loop-1', faults: false });
  const world = generated.world;
  let dir: string;
  let sandbox: Sandbox;
  let mirror: Mirror;
  let db: Db;
  let connectors: Connector[];
  let prefix: string;
  let jobs: Jobs;
  let worker: WorkerHandle;
  let gateway: Gateway;
  let staffToken: (area: string) => Promise<string>;

  const pullAll = async (runId: string) => {
    for (const c of connectors) for (const d of c.datasets) await ingestDataset({ db, connector: c, dataset: d, asOf: world.asOf, runId });
  };
  const match = (runId: string) => matchPeriod({ db, period: world.period, asOf: world.asOf, runId, openedAt: `${world.asOf}T09:00:00+08:00` });
  const request = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await gateway.app.inject({ method: method as 'POST', url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-loop-'));
    sandbox = await startSandbox({ world, civilDir: path.join(dir, 'civil') });
    mirror = await mirrorWithRoster(world.roster, 30);
    db = mirror.db;
    const sources = sandboxSources(sandbox.url, path.join(dir, 'civil'), Object.keys(world.sources.police ?? {}));
    connectors = buildConnectors(sources) as Connector[];
    const config: HubConfig = { sources, schedules: [], pullLimits: {} };
    prefix = uniquePrefix();
    jobs = createJobs({ db, redisUrl: REDIS_URL, config, prefix });
    worker = await startWorker({ db, redisUrl: REDIS_URL, config, prefix, schedules: false, feedbackSweepMs: 500, feedbackBackoff: { baseMs: 300, capMs: 1000 } });
    gateway = await createGateway({
      db, secret: SECRET, jobs, deliveries: { request: (chs) => jobs.requestDelivery(chs) },
      logger: createGatewayLogger({ level: 'silent', secrets: [SECRET] }),
    });
    await gateway.app.ready();
    const ctx = { db, secret: SECRET, now: Date.now, calendar: loadWorkingCalendar() };
    staffToken = async (area) => {
      const user = await createUser(ctx, { name: `staff-${area}-${Math.random()}`, roles: ['county-staff'], region: area, channel: null }, 'cli:test');
      return (await issueToken(ctx, user.userId, 5, 'cli:test')).token;
    };
    await pullAll('loop-run-1');
    await match('loop-run-1');
  });

  after(async () => {
    await gateway?.close();
    await worker?.close();
    await jobs?.close();
    await dropPrefix(prefix);
    await db?.close();
    await mirror?.scratch.drop();
    await sandbox?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a falseEvent becomes the right correction at the right simulator, CONFIRMED by the next version, and the next result reflects the hub event', async () => {
    // a single-source death reported by the big-data center: the case staff find alive
    const cases: Case[] = [];
    for await (const c of readCases(db, world.period)) cases.push(c);
    const target = cases.find((c) => c.reasons.includes('SINGLE_SOURCE_DEATH') && c.evidence.some((e) => e.source === 'bigdata' && e.kind === 'DEATH'));
    assert.ok(target, `a SINGLE_SOURCE_DEATH case from bigdata among ${cases.length} cases`);
    const ev = target.evidence.find((e) => e.source === 'bigdata' && e.kind === 'DEATH');
    assert.ok(ev?.eventId && ev.fields, 'case evidence carries the event id and the fields the source sent');
    const field = ev.dataset === 'hukou' ? 'HKZT' : 'SWRQ';
    assert.ok(field in ev.fields, `${field} is a field the record holds`);

    const token = await staffToken(target.areaCode);
    const closing = {
      outcome: 'CONFIRMED_ALIVE', verifiedDate: '2026-11-25', evidence: ['photo-7f3a'],
      falseEvents: [{ eventId: ev.eventId, field, reasonCode: 'DEATH_FALSE', ...(field === 'HKZT' ? { correctedValue: '1' } : {}) }],
    };
    const res = await request('POST', `/api/v1/cases/${target.caseId}/outcome`, token, closing);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [feedbackId] = res.body.corrections as string[];
    assert.ok(feedbackId);
    // a second outcome is refused
    assert.equal((await request('POST', `/api/v1/cases/${target.caseId}/outcome`, token, closing)).status, 409);

    // the worker delivers it to the big-data center, whole, with the center's own field names
    const sent = await untilTruthy('the correction is SENT', async () => {
      const [i] = await feedbackItemsById(db, [feedbackId]);
      return i?.state === 'SENT' ? i : null;
    });
    const received = sandbox.received('bigdata').flatMap((r) => r.items as Record<string, string>[]).filter((i) => i.feedbackId === feedbackId);
    assert.equal(received.length, 1, 'received exactly once');
    assert.deepEqual(received[0], {
      feedbackId, dataset: ev.dataset, JLID: ev.recordId, GMSFHM: (ev.fields as Record<string, string>).GMSFHM, field,
      reportedValue: (ev.fields as Record<string, string>)[field], correctedValue: field === 'HKZT' ? '1' : '', reasonCode: 'DEATH_FALSE', verifiedDate: sent.verifiedDate,
    });
    for (const ch of ['ministry', 'health', 'civil']) {
      assert.ok(!sandbox.received(ch).some((r) => (r.items as { feedbackId?: string }[]).some((i) => i.feedbackId === feedbackId)), `nothing went to ${ch}`);
    }

    // the department fixes the record: a new version with a newer update time
    const fixed: Record<string, string> = { ...(ev.fields as Record<string, string>), GXSJ: `${world.asOf} 12:00:00` };
    if (field === 'HKZT') {
      fixed.HKZT = '1';
      fixed.ZXYYDM = '';
      fixed.ZXRQ = '';
    }
    const put = await fetch(`${sandbox.url}/_sandbox/records/bigdata/${ev.dataset}/${encodeURIComponent(ev.recordId)}`, { method: 'PUT', body: JSON.stringify(fixed), headers: { 'content-type': 'application/json' } });
    assert.ok(put.ok, await put.text());

    // the next pull brings it: CONFIRMED
    await pullAll('loop-run-2');
    const [confirmed] = await feedbackItemsById(db, [feedbackId]);
    assert.equal(confirmed.state, 'CONFIRMED');

    // and the next result counts the hub event: no longer a suspect death, confirmed alive by staff
    await match('loop-run-2');
    const results = [];
    for await (const r of readResults(db, world.period)) if (r.personId === target.personId) results.push(r);
    assert.equal(results.length, 1);
    const [r] = results;
    assert.ok(!r.reasons.includes('SINGLE_SOURCE_DEATH'), JSON.stringify(r));
    assert.equal(r.certifiedMonth, '2026-11', 'the on-site confirmation of 2026-11-25 is the latest sign of life');
    assert.ok(r.evidence.some((e) => e.source === 'hub' && e.dataset === 'cases' && e.recordId === target.caseId), JSON.stringify(r.evidence));
  });

  it('a channel down for a while: items wait PENDING, then each arrives once', async () => {
    const person = await addPerson(db, '440106');
    const items: FeedbackItem[] = [];
    for (let i = 0; i < 5; i++) items.push(await addItem(db, 'health', person.personId, 'PENDING', `OUTAGE-${Date.now()}-${i}`, 'vaccinations'));
    const ids = items.map((i) => i.feedbackId);
    const got = () => sandbox.received('health').flatMap((r) => r.items as { feedbackId: string }[]).filter((i) => ids.includes(i.feedbackId));
    sandbox.setFaults({ health: { down: true } });
    try {
      await jobs.requestDelivery(['health']);
      // the channel is tried again and again while down; a pass stops at its first batch, so watch the oldest PENDING item of the channel
      await untilTruthy('passes tried while down', async () => {
        const [oldest] = await listFeedbackPage(db, { channel: 'health', state: 'PENDING', limit: 1 });
        return oldest !== undefined && oldest.attempts >= 2 && oldest.lastError !== null;
      });
      assert.ok((await feedbackItemsById(db, ids)).every((i) => i.state === 'PENDING'), 'they wait, PENDING');
      assert.equal(got().length, 0);
    } finally {
      sandbox.setFaults({ health: { down: false } });
    }
    await untilTruthy('every item SENT', async () => (await feedbackItemsById(db, ids)).every((i) => i.state === 'SENT'));
    assert.deepEqual(got().map((i) => i.feedbackId).sort(), [...ids].sort(), 'each arrived exactly once');
  });

  it('the workers\' sweep makes the REJECTED item of every quarantined record and delivers it to its channel once', async () => {
    let rejections = 0;
    for await (const _r of readRejections(db)) rejections += 1;
    assert.ok(rejections > 0, 'the world has dirt');
    const done = await untilTruthy('every REJECTED item delivered', async () => {
      const items: FeedbackItem[] = [];
      for await (const i of readFeedbackItems(db)) if (i.kind === 'REJECTED' && !i.recordId.startsWith('OUTAGE-')) items.push(i);
      return items.length === rejections && items.every((i) => i.state !== 'PENDING') ? items : null;
    }, 120_000);
    const wrong = done.filter((i) => i.state !== (i.recordId === '' ? 'FAILED' : 'SENT') && i.state !== 'CONFIRMED');
    assert.deepEqual(wrong.map((i) => `${i.channel} ${i.recordId} ${i.state}`), []);
    for (const channel of new Set(done.filter((i) => i.state === 'SENT').map((i) => i.channel))) {
      const got = sandbox.received(channel).flatMap((r) => (r.items as Record<string, string>[]).map((i) => i.feedbackId ?? i['反馈编号']));
      const mine = done.filter((i) => i.channel === channel && i.state === 'SENT').map((i) => i.feedbackId);
      for (const id of mine) assert.equal(got.filter((g) => g === id).length, 1, `${channel} received ${id} once`);
    }
    assert.ok((await feedbackBacklog(db)).every((b) => b.PENDING === 0));
  });
});
