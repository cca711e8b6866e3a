// /dashboard: the login form and its session cookie, the sections' figures against the API's
// answers, region scope, masking, and the refusals of forged, expired, ended and revoked
// sessions. The browser's view of the same page is test/gateway/dashboard-browser.test.ts.
import assert from 'node:assert/strict';
import { caseIdOf, createRun, finishTask, openCases, saveFeedbackItems, startTask } from '../../mirror/index.ts';
import { feedbackIdOf } from '../../feedback/deliver-ids.ts';
import { approveBatch, cutBatches } from '../../feedback/batches.ts';
import type { FeedbackItem } from '../../schemas/types.ts';
import type { Db } from '../../mirror/index.ts';
import { issueToken, revokeUserToken } from '../../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import { healthColour, LATE_AFTER_MS, STALE_AFTER_MS } from '../../gateway/connector-health.ts';
import type { DatasetHealthView } from '../../gateway/connector-health.ts';
import { decodeSession, encodeSession, sessionKey } from '../../gateway/session.ts';
import { safeNext } from '../../gateway/dashboard/plugin.ts';
import { maskPersonId } from '../../lib/mask.ts';
import { gatewaySuite, SECRET, WORKING_TIME } from './helpers.ts';
import type { GatewayHarness } from './helpers.ts';
import { personOf, seedPull, seedRejection, seedResults } from './fixtures.ts';

const PERIOD = '2026-11';
const COUNTIES = ['440106', '440111', '440304'];
const SECRET_PERSON = personOf('440106', 1);

/** What a run, pulls and rejections left behind, at 2026-11-20 10:00 China time. */
export async function seedDashboard(db: Db): Promise<void> {
  await seedResults(db, PERIOD, COUNTIES, 8);
  await db.query(
    `INSERT INTO runs (run_id, period, as_of, steps, requested_by, created_at, started_at, finished_at, state, shards_total)
     VALUES ('run-test', $1, '2026-11-20', ARRAY['pull','match','publish'], 'user:u_test', '2026-11-20T01:00:00+08:00', '2026-11-20T01:00:01+08:00', '2026-11-20T01:30:00+08:00', 'SUCCEEDED', 3)`,
    [PERIOD],
  );
  // connector health: ministry green, civil amber (28 h and a failed pull), police-4401 red (56 h), police-4403 red (never)
  await seedPull(db, { channel: 'ministry', dataset: 'death', status: 'succeeded', startedAt: '2026-11-20T02:00:00+08:00', finishedAt: '2026-11-20T02:05:00+08:00', staged: 40 });
  const auth = await seedPull(db, { channel: 'ministry', dataset: 'auth', status: 'succeeded', startedAt: '2026-11-20T02:30:00+08:00', finishedAt: '2026-11-20T02:35:00+08:00', staged: 30, rejected: 1 });
  await seedPull(db, { channel: 'civil', dataset: 'cremation', status: 'succeeded', startedAt: '2026-11-19T05:50:00+08:00', finishedAt: '2026-11-19T06:00:00+08:00', staged: 5, rejected: 1 });
  const civilFailed = await seedPull(db, {
    channel: 'civil', dataset: 'cremation', status: 'failed', startedAt: '2026-11-20T09:00:00+08:00', finishedAt: '2026-11-20T09:01:00+08:00',
    error: `LIFECERT_CIVIL_CSV_MALFORMED: line 3 (${SECRET_PERSON}) has an unclosed quote`,
  });
  const police = await seedPull(db, { channel: 'police-4401', dataset: 'hukou', status: 'succeeded', startedAt: '2026-11-18T01:50:00+08:00', finishedAt: '2026-11-18T02:00:00+08:00', staged: 9, rejected: 1 });
  await seedRejection(db, auth, { channel: 'ministry', dataset: 'auth', recordId: 'A1', raw: { idNo: SECRET_PERSON, name: '张三1' }, field: 'authDate', reasonCode: 'DATE_INVALID', message: 'bad date', personId: SECRET_PERSON });
  await seedRejection(db, police, { channel: 'police-4401', dataset: 'hukou', recordId: 'P1', raw: { sfzh: 'x' }, field: 'sfzh', reasonCode: 'ID_INVALID', message: 'bad id', personId: null });
  await seedRejection(db, civilFailed, { channel: 'civil', dataset: 'cremation', recordId: 'HH_440304_20261119.csv:3', raw: { row: 3 }, field: 'deathDate', reasonCode: 'DATE_INVALID', message: 'bad date', personId: null });
  // a run in progress: one pull done, one running, one queued
  await createRun(db, { runId: 'run-live', period: '2026-12', asOf: '2026-11-20', steps: ['pull', 'match', 'publish'], connectors: null, requestedBy: 'user:u_test', createdAt: '2026-11-20T09:30:00+08:00' }, [
    { step: 'pull', task: 'ministry/death' },
    { step: 'pull', task: 'ministry/auth' },
    { step: 'pull', task: 'civil/cremation' },
  ]);
  await startTask(db, 'run-live', 'pull', 'ministry/death', '2026-11-20T09:31:00+08:00');
  await finishTask(db, 'run-live', 'pull', 'ministry/death', { state: 'SUCCEEDED' }, '2026-11-20T09:35:00+08:00');
  await startTask(db, 'run-live', 'pull', 'ministry/auth', '2026-11-20T09:36:00+08:00');
  await seedLoop(db);
}

/** The loop's rows: feedback items per channel (one FAILED), cases (some past their month), adoption items, import batches. */
async function seedLoop(db: Db): Promise<void> {
  let n = 0;
  const item = (channel: string, personId: string, state: FeedbackItem['state']): FeedbackItem => {
    const recordId = `FB-${++n}`;
    return {
      feedbackId: feedbackIdOf('REJECTED', channel, 'd', recordId, 'h', 'f'), kind: 'REJECTED', channel, dataset: 'd', recordId, personId,
      field: 'f', reportedValue: 'x', correctedValue: null, reasonCode: 'DATE_INVALID', verifiedDate: '2026-11-20', createdAt: '2026-11-20T08:00:00+08:00', state,
    };
  };
  await saveFeedbackItems(db, [
    item('bigdata', personOf('440106', 0), 'PENDING'), item('bigdata', personOf('440304', 0), 'PENDING'), item('bigdata', personOf('440111', 1), 'SENT'),
    item('police-4401', 'not-a-person', 'FAILED'), item('police-4401', personOf('440106', 2), 'CONFIRMED'), item('civil', personOf('440304', 3), 'FAILED'),
    item('ministry', 'not-a-person', 'SENT'),
  ]);
  // cases: 440106 two from October (overdue on 2026-11-20) and one of November; 440111 one of November; 440304 one overdue, one closed
  const c = (area: string, i: number, openedAt: string) => ({ caseId: caseIdOf(PERIOD, personOf(area, i)), period: PERIOD, personId: personOf(area, i), areaCode: area, reasons: ['SINGLE_SOURCE_DEATH'] as const, evidence: [], openedAt });
  await db.transaction((tx) => openCases(tx, [
    c('440106', 1, '2026-10-12T09:00:00+08:00'), c('440106', 5, '2026-10-31T23:00:00+08:00'), c('440106', 6, '2026-11-02T09:00:00+08:00'),
    c('440111', 1, '2026-11-19T09:00:00+08:00'), c('440304', 1, '2026-10-03T09:00:00+08:00'), c('440304', 5, '2026-10-04T09:00:00+08:00'),
  ].map((x) => ({ ...x, reasons: [...x.reasons] }))));
  await db.query(`UPDATE cases SET status = 'CLOSED', closed_at = '2026-11-10T09:00:00+08:00' WHERE person_id = $1`, [personOf('440304', 5)]);
  // adoption (the clock: 2026-11-20): 440106 one due tomorrow, one overdue; 440304 one due in 2 days; a province item overdue
  await db.query(
    `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, person_id, area_code, decided_at, state)
     VALUES ('OVERSEAS', 'O-1', '2026-11-11T09:00:00+08:00', '2026-11-11', '2026-11-21', false, 'NOT_ON_ROSTER', $1, '440106', now(), 'PENDING'),
            ('TRAVEL', 'T-1', '2026-10-10T09:00:00+08:00', '2026-10-10', '2026-11-09', true, NULL, $1, '440106', now(), 'PENDING'),
            ('MEDICAL', 'M-1', '2026-10-23T09:00:00+08:00', '2026-10-23', '2026-11-22', true, NULL, $2, '440304', now(), 'PENDING'),
            ('TRAVEL', 'T-44', '2026-10-01T09:00:00+08:00', '2026-10-01', '2026-10-31', true, NULL, NULL, '44', now(), 'PENDING')`,
    [personOf('440106', 1), personOf('440304', 1)],
  );
  // batches: 440106 cut in two (one approved at level 1), 440304 in one
  const now = Date.parse('2026-11-20T09:00:00+08:00');
  const first = await cutBatches(db, { period: PERIOD, areaCode: '440106', createdBy: 'u_creator', now, size: 1 });
  await cutBatches(db, { period: PERIOD, areaCode: '440304', createdBy: 'u_creator', now });
  await approveBatch(db, { batchId: first.batches[0].batchId, level: 1, userId: 'u_l1', now });
}

interface Session {
  cookie: string;
  setCookie: string;
}

/** Logs in through the form; the session cookie as a browser would send it back. */
export async function login(h: GatewayHarness, token: string, next?: string): Promise<{ status: number; location?: string; session?: Session; body: string }> {
  const form = new URLSearchParams({ token, ...(next ? { next } : {}) }).toString();
  const res = await h.gateway().app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
  const raw = res.headers['set-cookie'];
  const setCookie = Array.isArray(raw) ? raw[0] : raw;
  return {
    status: res.statusCode,
    location: res.headers.location as string | undefined,
    session: setCookie ? { setCookie, cookie: setCookie.split(';')[0] } : undefined,
    body: res.body,
  };
}

async function page(h: GatewayHarness, url: string, cookie?: string, accept = 'text/html') {
  return h.gateway().app.inject({ method: 'GET', url, headers: { accept, ...(cookie ? { cookie } : {}) } });
}

async function countResults(h: GatewayHarness, token: string, query: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await h.request('GET', `/api/v1/results?period=${PERIOD}&limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    assert.equal(res.status, 200);
    n += res.body.items?.length ?? 0;
    cursor = res.body.nextCursor ?? null;
  } while (cursor !== null);
  return n;
}

async function countAll(h: GatewayHarness, token: string, url: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res = await h.request('GET', `${url}${url.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`, { token });
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
    n += res.body.items?.length ?? 0;
    cursor = res.body.nextCursor ?? null;
  } while (cursor !== null);
  return n;
}

async function twinOf(h: GatewayHarness, token: string): Promise<Record<string, any>> {
  const { session } = await login(h, token);
  const res = await page(h, '/dashboard/data.json', session!.cookie, 'application/json');
  assert.equal(res.statusCode, 200);
  return (JSON.parse(res.body) as { sections: Record<string, any> }).sections;
}

/** Every figure of the loop's sections against the list the API gives the same region (cases: county staff of that region). */
async function assertLoopFigures(h: GatewayHarness, sections: Record<string, any>, operatorToken: string, staffToken: string): Promise<void> {
  for (const c of sections.feedback.channels as Record<string, number | string>[]) {
    for (const state of ['PENDING', 'SENT', 'CONFIRMED', 'FAILED']) {
      assert.equal(c[state], await countAll(h, operatorToken, `/api/v1/feedback?channel=${c.channel}&state=${state}`), `feedback ${c.channel} ${state}`);
    }
  }
  for (const state of ['PENDING', 'SENT', 'CONFIRMED', 'FAILED']) {
    assert.equal(sections.feedback.totals[state], await countAll(h, operatorToken, `/api/v1/feedback?state=${state}`), `feedback ${state}`);
  }
  for (const c of sections.cases.counties as { areaCode: string; open: number; overdue: number }[]) {
    assert.equal(c.open, await countAll(h, staffToken, `/api/v1/cases?areaCode=${c.areaCode}&status=OPEN`), `cases ${c.areaCode}`);
    assert.equal(c.overdue, await countAll(h, staffToken, `/api/v1/cases?areaCode=${c.areaCode}&overdue=true`), `overdue ${c.areaCode}`);
  }
  assert.equal(sections.cases.totals.open, await countAll(h, staffToken, '/api/v1/cases?status=OPEN'));
  assert.equal(sections.cases.totals.overdue, await countAll(h, staffToken, '/api/v1/cases?overdue=true'));
  assert.equal(sections.adoption.due, await countAll(h, operatorToken, '/api/v1/adoption?status=due'));
  assert.equal(sections.adoption.overdue, await countAll(h, operatorToken, '/api/v1/adoption?status=overdue'));
  for (const [state, n] of Object.entries(sections.batches.byState as Record<string, number>)) {
    assert.equal(n, await countAll(h, operatorToken, `/api/v1/batches?status=${state}`), `batches ${state}`);
  }
}

gatewaySuite('dashboard', (h) => {
  before(async () => {
    await seedDashboard(h.db());
  });

  it('sends a person without a session to the login form; a program gets the 401 answer', async () => {
    const person = await page(h, '/dashboard');
    assert.equal(person.statusCode, 303);
    assert.equal(person.headers.location, '/dashboard/login?next=%2Fdashboard');
    const program = await page(h, '/dashboard/data.json', undefined, 'application/json');
    assert.equal(program.statusCode, 401);
    assert.equal(JSON.parse(program.body).error.code, 'LIFECERT_AUTH_TOKEN_MISSING');
    const form = await page(h, '/dashboard/login?next=/dashboard%23runs');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<form method="post" action="\/dashboard\/login">/);
    assert.match(form.body, /name="next" value="\/dashboard#runs"/);
    assert.equal(safeNext('https://evil.example/'), '/dashboard');
    assert.equal(safeNext('//evil.example/dashboard'), '/dashboard');
    assert.equal(safeNext('/queues/queue/pull-ministry'), '/queues/queue/pull-ministry');
  });

  it('logs in with a token: an HttpOnly, SameSite=Strict, signed session cookie that expires; the login is in the audit log', async () => {
    const op = await h.caller(['operator'], '44');
    const res = await login(h, op.token, '/dashboard#runs');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/dashboard#runs');
    const set = res.session?.setCookie ?? '';
    assert.match(set, /^lifecert_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43};/);
    assert.match(set, /; HttpOnly/);
    assert.match(set, /; SameSite=Strict/);
    assert.match(set, /; Path=\//);
    const expires = Date.parse(/Expires=([^;]+)/.exec(set)?.[1] ?? '');
    assert.equal(expires, Math.floor((WORKING_TIME + 8 * 3600_000) / 1000) * 1000, 'a working day after the login');
    assert.ok(!set.includes(op.token), 'the cookie does not carry the token');
    const value = decodeURIComponent(res.session!.cookie.split('=')[1]);
    const claims = decodeSession(sessionKey(SECRET), value, h.clock.now());
    assert.equal(typeof claims, 'object');
    assert.equal(decodeSession(sessionKey('another secret'), value, h.clock.now()), 'invalid');
    const { rows } = await h.db().query<{ action: string; actor: string; out_of_hours: boolean }>(`SELECT action, actor, out_of_hours FROM audit_log WHERE action = 'session.login'`);
    assert.deepEqual(rows.map((r) => [r.action, r.actor, r.out_of_hours]), [['session.login', `user:${op.user.userId}`, false]]);
  });

  it('shows connector health, runs in progress, the last run’s decisions per county, rejections per department and queue state — the figures of the API', async () => {
    const op = await h.caller(['operator'], '44');
    const { session } = await login(h, op.token);
    const twin = await page(h, '/dashboard/data.json', session!.cookie, 'application/json');
    assert.equal(twin.statusCode, 200);
    const data = JSON.parse(twin.body) as { sections: Record<string, any> };
    assert.deepEqual(Object.keys(data.sections), ['connectors', 'runs', 'decisions', 'rejections', 'queues', 'feedback', 'cases', 'adoption', 'batches']);

    // connector health: colours from the API's own figures
    const api = await h.request('GET', '/api/v1/connectors', { token: op.token });
    const colours = Object.fromEntries((data.sections.connectors.connectors as { name: string; colour: string }[]).map((c) => [c.name, c.colour]));
    assert.deepEqual(colours, { civil: 'amber', ministry: 'green', 'police-4401': 'red', 'police-4403': 'red' });
    assert.deepEqual(data.sections.connectors.counts, { green: 1, amber: 1, red: 2 });
    for (const c of api.body.items as { name: string; datasets: DatasetHealthView[] }[]) {
      const shown = (data.sections.connectors.connectors as { name: string; datasets: { dataset: string; colour: string; staged: number; rejected: number }[] }[]).find((x) => x.name === c.name)!;
      for (const d of c.datasets) {
        const s = shown.datasets.find((x) => x.dataset === d.dataset)!;
        assert.equal(s.colour, healthColour(d, h.clock.now()).colour, `${c.name}/${d.dataset}`);
        assert.equal(s.staged, d.records.staged);
        assert.equal(s.rejected, d.records.rejected);
      }
    }

    // runs: the one in progress, with per-step progress as GET /runs/{id} computes it
    const runs = data.sections.runs as { inProgress: { runId: string; progress: Record<string, { succeeded: number; running: number; queued: number; total: number }> }[]; recent: { runId: string }[] };
    assert.deepEqual(runs.inProgress.map((r) => r.runId), ['run-live']);
    assert.deepEqual(runs.inProgress[0].progress.pull, { state: 'RUNNING', total: 3, queued: 1, running: 1, succeeded: 1, failed: 0 });
    assert.deepEqual(runs.recent.map((r) => r.runId), ['run-test']);

    // decisions per county: what GET /results counts for each county and decision
    const decisions = data.sections.decisions as { run: { runId: string; period: string }; counties: Record<string, number | string>[]; totals: Record<string, number> };
    assert.equal(decisions.run.runId, 'run-test');
    assert.deepEqual(decisions.counties.map((c) => c.areaCode), COUNTIES);
    for (const c of decisions.counties) {
      for (const d of ['eligible', 'ineligible', 'suspect', 'excluded']) {
        assert.equal(c[d], await countResults(h, op.token, `&areaCode=${c.areaCode}&decision=${d}`), `${c.areaCode} ${d}`);
      }
    }
    assert.equal(decisions.totals.total, await countResults(h, op.token, ''));

    // rejections per department: what GET /rejections lists per source
    const rejections = data.sections.rejections as { total: number; channels: { channel: string; total: number }[] };
    for (const c of rejections.channels) {
      const listed = await h.request('GET', `/api/v1/rejections?source=${c.channel}`, { token: op.token });
      assert.equal(c.total, listed.body.items?.length, c.channel);
    }
    assert.deepEqual(rejections.channels.map((c) => c.channel), ['civil', 'ministry', 'police-4401']);

    // queue state: what the queues say
    assert.deepEqual(data.sections.queues.queues, [{ queue: 'pull-ministry', waiting: 2, active: 1, delayed: 0, failed: 3, completed: 5, paused: false }]);

    // the loop's sections: what GET /feedback, /cases, /adoption and /batches list
    await assertLoopFigures(h, data.sections, op.token, (await h.caller(['county-staff'], '44')).token);
    assert.deepEqual(data.sections.feedback.channels.map((c: Record<string, unknown>) => [c.channel, c.PENDING, c.SENT, c.CONFIRMED, c.FAILED]), [
      ['bigdata', 2, 1, 0, 0], ['civil', 0, 0, 0, 1], ['ministry', 0, 1, 0, 0], ['police-4401', 0, 0, 1, 1],
    ]);
    assert.deepEqual(data.sections.feedback.alerts, ['civil', 'police-4401']);
    assert.deepEqual(data.sections.cases.counties, [{ areaCode: '440106', open: 3, overdue: 2 }, { areaCode: '440111', open: 1, overdue: 0 }, { areaCode: '440304', open: 1, overdue: 1 }]);
    assert.deepEqual(data.sections.cases.overdue.map((c: { personId: string }) => c.personId), [personOf('440106', 1), personOf('440106', 5), personOf('440304', 1)].map(maskPersonId));
    assert.deepEqual(data.sections.adoption, { due: 2, overdue: 2, open: 4, sent: 0 });
    assert.deepEqual(data.sections.batches.byState, { OPEN: 2, APPROVED_L1: 1, IMPORTING: 0, IMPORTED: 0, IMPORT_FAILED: 0, STALE: 0 });

    // and the page shows the same figures
    const html = (await page(h, '/dashboard', session!.cookie)).body;
    assert.match(html, /<p class="alert" role="alert" data-alert="feedback-failed">/);
    assert.match(html, /<tr data-channel="police-4401" class="alert-row">.*?<td class="n bad" data-state="FAILED">1<\/td>/s);
    assert.match(html, /<tr data-area="440106"><td><code>440106<\/code><\/td><td class="n" data-field="open">3<\/td><td class="n bad" data-field="overdue">2<\/td>/);
    assert.match(html, /<b data-count="due" class="bad">2<\/b>/);
    assert.match(html, /<td class="n" data-state="APPROVED_L1">1<\/td>/);
    assert.match(html, /<tr data-connector="police-4403" data-dataset="hukou" data-colour="red">/);
    assert.match(html, /<tr data-connector="civil" data-dataset="cremation" data-colour="amber">/);
    assert.match(html, /<b data-count="red">2<\/b>/);
    assert.match(html, /<tr data-step="pull" data-done="1" data-total="3">/);
    assert.match(html, /<tr data-area="440304"><td><code>440304<\/code><\/td><td class="n" data-decision="eligible">2<\/td>/);
    assert.match(html, /<b class="n" data-channel-total="ministry">1<\/b>/);
    assert.match(html, /<tr data-queue="pull-ministry">.*?data-state="failed">3</s);
  });

  it('the loop’s sections follow the viewer’s region and roles: a city operator, county staff, an approver', async () => {
    const cityOp = await h.caller(['operator'], '4401');
    const cityStaff = await h.caller(['county-staff'], '4401');
    const data = await twinOf(h, cityOp.token);
    await assertLoopFigures(h, data, cityOp.token, cityStaff.token);
    assert.deepEqual(data.feedback.channels.map((c: Record<string, unknown>) => [c.channel, c.PENDING, c.SENT, c.CONFIRMED, c.FAILED]), [['bigdata', 1, 1, 0, 0], ['police-4401', 0, 0, 1, 1]]);
    assert.deepEqual(data.cases.counties.map((c: { areaCode: string }) => c.areaCode), ['440106', '440111']);
    assert.deepEqual(data.adoption, { due: 1, overdue: 1, open: 2, sent: 0 });
    assert.equal(data.batches.total, 2);

    // county staff see their county's cases and nothing else
    const staff = await h.caller(['county-staff'], '440106');
    const staffData = await twinOf(h, staff.token);
    assert.deepEqual(Object.keys(staffData), ['cases']);
    assert.deepEqual(staffData.cases.counties, [{ areaCode: '440106', open: 3, overdue: 2 }]);
    const staffPage = (await page(h, '/dashboard', (await login(h, staff.token)).session!.cookie)).body;
    assert.ok(!staffPage.includes('440304') && !staffPage.includes(personOf('440106', 1)), 'another county, an unmasked identity number');
    assert.ok(staffPage.includes(maskPersonId(personOf('440106', 1))));

    // approvers see the batches of their region
    const approver = await h.caller(['approver-l1'], '4403');
    const approverData = await twinOf(h, approver.token);
    assert.deepEqual(Object.keys(approverData), ['batches']);
    assert.deepEqual(approverData.batches, { byState: { OPEN: 1, APPROVED_L1: 0, IMPORTING: 0, IMPORTED: 0, IMPORT_FAILED: 0, STALE: 0 }, total: 1 });
  });

  it('a city user sees its own region only: its counties, its police connector, no province-wide runs or queues', async () => {
    const cityOp = await h.caller(['operator'], '4401');
    const { session } = await login(h, cityOp.token);
    const data = JSON.parse((await page(h, '/dashboard/data.json', session!.cookie, 'application/json')).body) as { sections: Record<string, any> };
    assert.deepEqual(Object.keys(data.sections), ['connectors', 'decisions', 'rejections', 'feedback', 'cases', 'adoption', 'batches']);
    assert.deepEqual(data.sections.connectors.connectors.map((c: { name: string }) => c.name), ['police-4401']);
    assert.deepEqual(data.sections.decisions.counties.map((c: { areaCode: string }) => c.areaCode), ['440106', '440111']);
    assert.equal(data.sections.decisions.totals.total, await countResults(h, cityOp.token, ''));
    assert.deepEqual(data.sections.rejections.channels.map((c: { channel: string; total: number }) => [c.channel, c.total]), [['ministry', 1], ['police-4401', 1]]);
    const html = (await page(h, '/dashboard', session!.cookie)).body;
    assert.ok(!html.includes('440304') && !html.includes('police-4403') && !html.includes('run-live') && !html.includes('data-channel="civil"'), 'nothing of another region or the province');
  });

  it('is masked, self-contained and refreshes itself', async () => {
    const op = await h.caller(['operator', 'integrator'], '44');
    const { session } = await login(h, op.token);
    const res = await page(h, '/dashboard', session!.cookie);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /<meta http-equiv="refresh" content="30">/);
    assert.ok(!/(?:src|href)="(?:https?:)?\/\//.test(res.body), 'no outside address');
    assert.ok(!res.body.includes('<script'), 'no script');
    assert.ok(!res.body.includes(SECRET_PERSON), 'no full identity number');
    assert.ok(res.body.includes('440106********'), 'the failed pull’s error masked');
    assert.ok(!res.body.includes('张三1'), 'no name');
    assert.match(res.body, /数据源健康 Connector health/);
  });

  it('refuses forged, expired, ended and revoked sessions, and logins with bad tokens or roles without a section', async () => {
    const op = await h.caller(['operator'], '44');
    const { session } = await login(h, op.token);
    const cookie = session!.cookie;
    const json = async (c: string) => {
      const res = await page(h, '/dashboard/data.json', c, 'application/json');
      return { status: res.statusCode, code: res.statusCode === 200 ? null : (JSON.parse(res.body).error.code as string) };
    };
    assert.deepEqual(await json(cookie), { status: 200, code: null });
    // forged: another key, or a changed payload
    const forged = encodeSession(sessionKey('not the secret'), { sessionId: 's_x', expiresAt: WORKING_TIME + 3600_000 });
    assert.deepEqual(await json(`lifecert_session=${forged}`), { status: 401, code: 'LIFECERT_AUTH_SESSION_INVALID' });
    const [payload, sig] = decodeURIComponent(cookie.split('=')[1]).split('.');
    const stretched = Buffer.from(JSON.stringify([JSON.parse(Buffer.from(payload, 'base64url').toString())[0], WORKING_TIME + 99 * 3600_000])).toString('base64url');
    assert.deepEqual(await json(`lifecert_session=${stretched}.${sig}`), { status: 401, code: 'LIFECERT_AUTH_SESSION_INVALID' });
    // a person with a spent session is sent to log in again
    const saved = h.clock.ms;
    try {
      h.clock.ms = WORKING_TIME + 8 * 3600_000 + 1;
      assert.deepEqual(await json(cookie), { status: 401, code: 'LIFECERT_AUTH_SESSION_EXPIRED' });
      const person = await page(h, '/dashboard', cookie);
      assert.equal(person.statusCode, 303);
      assert.match(String(person.headers['set-cookie']), /lifecert_session=;/);
    } finally {
      h.clock.ms = saved;
    }
    // revoked token: the session ends with it
    const ctx = { db: h.db(), secret: SECRET, now: h.clock.now, calendar: loadWorkingCalendar() };
    const second = await issueToken(ctx, op.user.userId, 30, 'cli:test');
    const s2 = (await login(h, second.token)).session!.cookie;
    assert.deepEqual(await json(s2), { status: 200, code: null });
    await revokeUserToken(ctx, op.user.userId, second.tokenId, 'cli:test');
    assert.deepEqual(await json(s2), { status: 401, code: 'LIFECERT_AUTH_TOKEN_REVOKED' });
    // logout ends the session for good, and is audited
    const out = await h.gateway().app.inject({ method: 'POST', url: '/dashboard/logout', headers: { cookie } });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/dashboard/login');
    assert.deepEqual(await json(cookie), { status: 401, code: 'LIFECERT_AUTH_SESSION_ENDED' });
    const { rows } = await h.db().query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'session.logout'`);
    assert.deepEqual(rows.map((r) => r.actor), [`user:${op.user.userId}`]);

    // logins refused: not a token, an unknown one, a role that sees no section (a department's)
    const bad = await login(h, 'not-a-token');
    assert.equal(bad.status, 401);
    assert.equal(bad.session, undefined);
    assert.match(bad.body, /LIFECERT_AUTH_TOKEN_MALFORMED/);
    assert.equal((await login(h, `lct_${'A'.repeat(43)}`)).status, 401);
    const staff = await h.caller(['department'], '44');
    const refused = await login(h, staff.token);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /LIFECERT_AUTH_ROLE_FORBIDDEN/);
    // a bearer token works on the JSON twin too (programs), and a role without a section gets 403
    assert.equal((await h.request('GET', '/dashboard/data.json', { token: op.token })).status, 200);
    assert.equal((await h.request('GET', '/dashboard/data.json', { token: staff.token })).body.error?.code, 'LIFECERT_AUTH_ROLE_FORBIDDEN');
  });

  it('colours a dataset by the alert rules’ thresholds', () => {
    const now = WORKING_TIME;
    const d = (ageMs: number | null, errorRate: number | null, last: 'succeeded' | 'failed' = 'succeeded'): DatasetHealthView => ({
      dataset: 'x', lastSuccessAt: ageMs === null ? null : new Date(now - ageMs).toISOString(), stale: false, lagSeconds: null, errorRate, recentPulls: 4,
      records: { pulled: 0, staged: 0, rejected: 0, skipped: 0 },
      lastPull: { status: last, startedAt: '', finishedAt: null, pulled: 0, staged: 0, rejected: 0, skipped: 0, error: null },
    });
    assert.equal(healthColour(d(3600_000, 0), now).colour, 'green');
    assert.equal(healthColour(d(LATE_AFTER_MS + 1, 0), now).colour, 'amber');
    assert.equal(healthColour(d(3600_000, 0.25), now).colour, 'amber');
    assert.equal(healthColour(d(3600_000, 0.25, 'failed'), now).colour, 'amber');
    assert.equal(healthColour(d(STALE_AFTER_MS + 1, 0), now).colour, 'red');
    assert.equal(healthColour(d(3600_000, 0.75), now).colour, 'red');
    assert.equal(healthColour(d(null, null), now).colour, 'red');
  });
});
