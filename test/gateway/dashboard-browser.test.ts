// The dashboard in a browser: headless Chromium logs in to /dashboard after a run (real
// PostgreSQL, Redis, a worker and a generated world served by the sandbox), reads the states
// and counts the page shows and checks them against the API's answers (connectors, runs,
// results, rejections, /metrics for the queues), saves docs/dashboard.png, opens the queue
// board as an operator and logs out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { HubConfig } from '../../config/index.ts';
import { buildConnectors } from '../../config/index.ts';
import { createJobs, startWorker, workerPoolSize } from '../../jobs/index.ts';
import type { Jobs, RunStatus, WorkerHandle } from '../../jobs/index.ts';
import { createRun, startTask, finishTask } from '../../mirror/index.ts';
import { storeRejectedFeedback } from '../../feedback/deliver-rejected.ts';
import { createGateway } from '../../gateway/server.ts';
import type { Gateway } from '../../gateway/server.ts';
import { createGatewayLogger } from '../../gateway/logging.ts';
import { healthColour } from '../../gateway/connector-health.ts';
import type { ConnectorHealthView } from '../../gateway/connector-health.ts';
import { createUser, issueToken } from '../../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import { generateWorld } from '../../sandbox/generate.ts';
import { sandboxSources } from '../../sandbox/hub-sources.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import type { Role } from '../../schemas/access.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix, waitForRun } from '../jobs/helpers.ts';
import type { Mirror } from '../jobs/helpers.ts';
import { requirePostgres, requireRedis, serversRequired } from '../support/servers.ts';
import { LogCapture } from './helpers.ts';
import { seedPull } from './fixtures.ts';

/** The browser (LIFECERT_CHROMIUM, default the Debian package's); .ci/run installs it. */
const CHROMIUM = process.env.LIFECERT_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../docs/dashboard.png');
const SECRET = 'browser-test-secret-31c9';
/** A configured connector the sandbox does not serve and the run leaves out: never succeeded, red. */
const NEVER_PULLED = { channel: 'police-4499', datasets: ['hukou'] };

const int = (text: string | null) => Number((text ?? '').replace(/[,\s]/g, ''));

describe('the dashboard in headless Chromium (PostgreSQL, Redis, a worker, sandbox sources)', function () {
  this.timeout(300_000);
  requirePostgres();
  requireRedis();
  const prefix = uniquePrefix();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-chromium-'));
  const civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-browser-civil-'));
  let sandbox: Sandbox | undefined;
  let mirror: Mirror | undefined;
  let jobs: Jobs | undefined;
  let worker: WorkerHandle | undefined;
  let gw: Gateway | undefined;
  let browser: BrowserContext | undefined;
  let base = '';
  let run: RunStatus;
  const tokens: Record<string, string> = {};
  /** adoption items the run's send delivered */
  let sentItems = 0;

  const api = async (url: string, token = tokens.operator): Promise<any> => {
    const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `${url}: ${res.status}`);
    return res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
  };
  const countAll = async (url: string, token = tokens.operator): Promise<number> => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; nextCursor: string | null } = await api(`${url}${url.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`, token);
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    return n;
  };

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      // like a missing server: skipped with the reason on a fresh machine, a failure in CI
      const why = `${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (.ci/run does it), or set LIFECERT_CHROMIUM`;
      if (serversRequired()) throw new Error(why);
      process.stderr.write(`skipping the browser tests: ${why}\n`);
      this.skip();
    }
    const generated = generateWorld({ persons: 400, seed: 'dashboard-browser', faults: true });
    sandbox = await startSandbox({ world: generated.world, civilDir, port: 0 });
    mirror = await mirrorWithRoster(generated.world.roster, workerPoolSize({ pull: 2, shards: 2 }) + 8);
    const config: HubConfig = { sources: sandboxSources(sandbox.url, civilDir, Object.keys(generated.world.sources.police ?? {})), schedules: [], pullLimits: {} };
    jobs = createJobs({ db: mirror.db, redisUrl: REDIS_URL, config, prefix });
    worker = await startWorker({ db: mirror.db, redisUrl: REDIS_URL, config, prefix, concurrency: { pull: 2, shards: 2 } });
    const connectors = [...buildConnectors(config.sources).map((c) => ({ channel: c.channel, datasets: [...c.datasets] })), NEVER_PULLED];
    gw = await createGateway({
      db: mirror.db, secret: SECRET, jobs, connectors, boardQueues: jobs.queues,
      readiness: { redis: async () => { if (!(await jobs!.ping())) throw new Error('no Redis'); } },
      logger: createGatewayLogger({ level: 'warn', destination: new LogCapture().stream, secrets: [SECRET] }),
    });
    base = await gw.listen(0, '127.0.0.1');
    const ctx = { db: mirror.db, secret: SECRET, now: Date.now, calendar: loadWorkingCalendar() };
    const make = async (key: string, name: string, roles: Role[], region: string) => {
      const user = await createUser(ctx, { name, roles, region }, 'cli:test');
      tokens[key] = (await issueToken(ctx, user.userId, 30, 'cli:test')).token;
    };
    await make('operator', '陈志强', ['operator', 'integrator'], '44');
    await make('city', '李小梅', ['operator'], '4401');

    // the run, through the API
    const started = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ period: generated.world.period, asOf: generated.world.asOf }),
    });
    assert.equal(started.status, 202);
    run = await waitForRun(jobs, ((await started.json()) as { runId: string }).runId);
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    // after it: a failed pull of one dataset (amber), and a run in progress that a worker has begun
    const now = Date.now();
    await seedPull(mirror.db, {
      channel: 'health', dataset: run.datasets.find((d) => d.channel === 'health')?.dataset ?? 'medical', status: 'failed',
      startedAt: new Date(now - 60_000).toISOString(), finishedAt: new Date(now - 30_000).toISOString(), error: 'LIFECERT_HTTP_UNAVAILABLE: HTTP 503 from the source',
    });
    await createRun(mirror.db, { runId: 'run-in-progress', period: generated.world.period, asOf: generated.world.asOf, steps: ['pull', 'match', 'publish'], connectors: ['ministry'], requestedBy: 'schedule:nightly-pull', createdAt: new Date(now - 20_000).toISOString() },
      run.datasets.filter((d) => d.channel === 'ministry').map((d) => ({ step: 'pull' as const, task: `${d.channel}/${d.dataset}` })));
    const [first, second] = run.datasets.filter((d) => d.channel === 'ministry');
    await startTask(mirror.db, 'run-in-progress', 'pull', `${first.channel}/${first.dataset}`, new Date(now - 15_000).toISOString());
    await finishTask(mirror.db, 'run-in-progress', 'pull', `${first.channel}/${first.dataset}`, { state: 'SUCCEEDED' }, new Date(now - 10_000).toISOString());
    if (second) await startTask(mirror.db, 'run-in-progress', 'pull', `${second.channel}/${second.dataset}`, new Date(now - 5_000).toISOString());

    // the loop: the REJECTED items of the run's rejections (the first one FAILED), a few cases
    // from last month (overdue), a few adoption items near or past their deadline, batches cut
    // through the API for two counties
    await make('staff', '王建国', ['county-staff'], '44');
    assert.ok((await storeRejectedFeedback(mirror.db, () => generated.world.asOf)) > 0, 'the run quarantined records');
    await mirror.db.query(`UPDATE feedback_items SET state = 'FAILED', failed_at = now(), attempts = 1, last_error = 'LIFECERT_FEEDBACK_REFUSED: HTTP 400' WHERE seq = (SELECT min(seq) FROM feedback_items)`);
    await mirror.db.query(`UPDATE cases SET opened_at = opened_at - interval '40 days' WHERE case_id IN (SELECT case_id FROM cases ORDER BY case_id LIMIT 3)`);
    // the run pulled the ministry: its adoption send (queued as it closed) has sent every item; then
    // records arrive whose feedback is due tomorrow, and two past their deadline
    const send = await jobs.queues.find((q) => q.name === 'adoption')!.getJob(`adoption.${run.runId}`);
    assert.ok(send, 'the run queued its adoption send');
    for (let i = 0; i < 600 && !(await send.isCompleted()) && !(await send.isFailed()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(await send.isCompleted(), 'the adoption send completed');
    sentItems = Number((await mirror.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM adoption_items WHERE state = 'SENT'`)).rows[0].n);
    assert.ok(sentItems > 0);
    const today = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;
    const area = (await mirror.db.query<{ area_code: string }>(`SELECT area_code FROM t1_recipients ORDER BY area_code LIMIT 1`)).rows[0].area_code;
    await mirror.db.query(
      `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, area_code, decided_at)
       SELECT 'TRAVEL', 'T-late-' || g, now(), ${today} - 29, ${today} + 1, true, NULL, $1, now() FROM generate_series(1, 3) g
       UNION ALL
       SELECT 'OVERSEAS', 'O-late-' || g, now(), ${today} - 12, ${today} - 2, false, 'NOT_ON_ROSTER', '44', now() FROM generate_series(1, 2) g`,
      [area],
    );
    const counties = (await mirror.db.query<{ area_code: string }>(`SELECT DISTINCT area_code FROM results WHERE action IN ('RECORD', 'RESTORE') ORDER BY area_code LIMIT 2`)).rows;
    for (const { area_code: areaCode } of counties) {
      const cut = await fetch(`${base}/api/v1/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
        body: JSON.stringify({ period: generated.world.period, areaCode, size: 20 }),
      });
      assert.equal(cut.status, 201);
    }

    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1440, height: 1000 },
      locale: 'zh-CN',
    });
  });

  after(async () => {
    await browser?.close();
    await gw?.close();
    await worker?.close();
    await jobs?.close();
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await sandbox?.close();
    if (jobs) await dropPrefix(prefix);
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(civilDir, { recursive: true, force: true });
  });

  async function logIn(page: Page, token: string): Promise<void> {
    await page.goto(`${base}/dashboard`);
    assert.match(page.url(), /\/dashboard\/login\?next=%2Fdashboard$/, 'sent to the login form');
    await page.fill('#token', token);
    await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit]')]);
  }

  it('logs in, shows what the API answers — connector states, the run in progress, decisions per county, rejections per department, queue state, the feedback loop — and saves the screenshot', async () => {
    const page = await browser!.newPage();
    await logIn(page, tokens.operator);
    const cookies = await browser!.cookies(base);
    const session = cookies.find((c) => c.name === 'lifecert_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), '', 'scripts cannot read it');

    // connector health: each dataset's colour is what the API's figures give
    const connectors = (await api('/api/v1/connectors?limit=1000')).items as ConnectorHealthView[];
    const shownColours = await page.$$eval('tr[data-connector]', (rows) => rows.map((r) => `${r.getAttribute('data-connector')}/${r.getAttribute('data-dataset')}=${r.getAttribute('data-colour')}`));
    const now = Date.now();
    const expectedColours = connectors.flatMap((c) => c.datasets.map((d) => `${c.name}/${d.dataset}=${healthColour(d, now).colour}`));
    assert.deepEqual(shownColours.sort(), expectedColours.sort());
    assert.ok(shownColours.includes('police-4499/hukou=red'));
    assert.ok(shownColours.some((c) => c.startsWith('health/') && c.endsWith('=amber')));
    assert.ok(shownColours.filter((c) => c.endsWith('=green')).length >= 5);
    const counts = Object.fromEntries(await page.$$eval('b[data-count]', (bs) => bs.map((b) => [b.getAttribute('data-count'), b.textContent])));
    const worst = (c: ConnectorHealthView) => c.datasets.map((d) => healthColour(d, now).colour).reduce((w, x) => (x === 'red' || (x === 'amber' && w === 'green') ? x : w), 'green' as string);
    for (const colour of ['green', 'amber', 'red']) assert.equal(int(counts[colour]), connectors.filter((c) => worst(c) === colour).length, colour);

    // the run in progress: per-step progress as GET /runs/{id}
    const live = (await api('/api/v1/runs/run-in-progress')) as RunStatus;
    const pullRow = page.locator('.run[data-run="run-in-progress"] tr[data-step="pull"]');
    assert.equal(await pullRow.getAttribute('data-done'), String(live.progress.pull?.succeeded));
    assert.equal(await pullRow.getAttribute('data-total'), String(live.progress.pull?.total));
    assert.equal(await page.locator('.run[data-run="run-in-progress"]').getAttribute('data-state'), live.state);
    assert.equal(await page.locator(`.run[data-run="${run.runId}"]`).getAttribute('data-state'), 'SUCCEEDED');

    // the last run's decisions per county: GET /results counted per county and decision
    assert.equal(await page.locator('#decisions code[data-run]').textContent(), run.runId);
    const counties = await page.$$eval('#decisions tbody tr[data-area]', (rows) => rows.map((r) => r.getAttribute('data-area') as string));
    assert.ok(counties.length >= 5);
    for (const area of counties.slice(0, 4)) {
      for (const decision of ['eligible', 'ineligible', 'suspect', 'excluded']) {
        const shown = int(await page.locator(`#decisions tr[data-area="${area}"] td[data-decision="${decision}"]`).textContent());
        assert.equal(shown, await countAll(`/api/v1/results?period=${run.period}&areaCode=${area}&decision=${decision}`), `${area} ${decision}`);
      }
    }
    const total = int(await page.locator('#decisions tfoot td[data-decision="total"]').textContent());
    assert.equal(total, await countAll(`/api/v1/results?period=${run.period}`));
    assert.equal(total, run.summary?.persons);

    // rejections per department: GET /rejections?source= counted
    const channels = await page.$$eval('[data-channel-total]', (bs) => bs.map((b) => [b.getAttribute('data-channel-total') as string, b.textContent as string]));
    assert.ok(channels.length >= 3);
    for (const [channel, text] of channels) assert.equal(int(text), await countAll(`/api/v1/rejections?source=${channel}`), channel);
    assert.equal(int(await page.locator('b[data-count="rejections"]').textContent()), await countAll('/api/v1/rejections'));

    // queue state: /metrics's lifecert_queue_jobs
    const metrics = (await (await fetch(`${base}/metrics`)).text()).split('\n');
    const gauge = (queue: string, state: string) => Number(metrics.find((l) => l.startsWith(`lifecert_queue_jobs{queue="${queue}",state="${state}"}`))?.split(' ')[1]);
    const queues = await page.$$eval('tr[data-queue]', (rows) => rows.map((r) => r.getAttribute('data-queue') as string));
    assert.ok(queues.includes('runs') && queues.includes('shards') && queues.includes('pull-ministry'));
    for (const q of queues) {
      for (const state of ['active', 'delayed', 'failed', 'completed']) {
        assert.equal(int(await page.locator(`tr[data-queue="${q}"] td[data-state="${state}"]`).textContent()), gauge(q, state), `${q} ${state}`);
      }
    }

    // the loop: feedback per channel with the FAILED alert, cases per county, adoption due and overdue, batches per state
    const fbChannels = await page.$$eval('#feedback tbody tr[data-channel]', (rows) => rows.map((r) => r.getAttribute('data-channel') as string));
    assert.ok(fbChannels.length >= 2);
    const cell = async (selector: string) => int(await page.locator(selector).textContent());
    for (const channel of fbChannels) {
      // the worker's sweep may send PENDING items meanwhile: a channel's total and its FAILED items stay
      const shown = await Promise.all(['PENDING', 'SENT', 'CONFIRMED', 'FAILED'].map((st) => cell(`#feedback tr[data-channel="${channel}"] td[data-state="${st}"]`)));
      assert.equal(shown.reduce((a, b) => a + b, 0), await countAll(`/api/v1/feedback?channel=${channel}`), channel);
      assert.equal(shown[3], await countAll(`/api/v1/feedback?channel=${channel}&state=FAILED`), `${channel} FAILED`);
    }
    assert.equal(await page.locator('#feedback [role=alert][data-alert="feedback-failed"]').count(), 1, 'the FAILED item is an alert');
    const caseCounties = await page.$$eval('#cases tbody tr[data-area]', (rows) => rows.map((r) => r.getAttribute('data-area') as string));
    assert.ok(caseCounties.length > 0);
    for (const area of caseCounties.slice(0, 4)) {
      assert.equal(await cell(`#cases tr[data-area="${area}"] td[data-field="open"]`), await countAll(`/api/v1/cases?areaCode=${area}&status=OPEN`, tokens.staff), `${area} open`);
      assert.equal(await cell(`#cases tr[data-area="${area}"] td[data-field="overdue"]`), await countAll(`/api/v1/cases?areaCode=${area}&overdue=true`, tokens.staff), `${area} overdue`);
    }
    assert.equal(await cell('#cases b[data-count="overdue"]'), 3);
    assert.equal(await cell('#adoption b[data-count="due"]'), await countAll('/api/v1/adoption?status=due'));
    assert.equal(await cell('#adoption b[data-count="overdue"]'), await countAll('/api/v1/adoption?status=overdue'));
    assert.deepEqual([await cell('#adoption b[data-count="due"]'), await cell('#adoption b[data-count="overdue"]')], [3, 2]);
    assert.equal(await cell('#adoption b[data-count="sent"]'), sentItems);
    assert.equal(await cell('#batches td[data-state="OPEN"]'), await countAll('/api/v1/batches?status=OPEN'));
    assert.ok((await cell('#batches td[data-state="OPEN"]')) >= 2);

    // masked, and in Chinese
    const text = await page.locator('body').innerText();
    assert.match(text, /数据源健康/);
    assert.ok(!text.includes('陈志强') && text.includes('陈*'), 'the viewer’s name masked');
    assert.ok(!/\b44\d{15}[\dX]\b/.test(text), 'no full identity number');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.ok(fs.statSync(SCREENSHOT).size > 20_000);
    await page.close();
  });

  it('shows a city operator its own region only', async () => {
    const page = await browser!.newPage();
    await page.context().clearCookies();
    await logIn(page, tokens.city);
    const sections = await page.$$eval('section[data-section]', (s) => s.map((x) => x.getAttribute('data-section')));
    assert.deepEqual(sections, ['connectors', 'decisions', 'rejections', 'feedback', 'cases', 'adoption', 'batches']);
    const counties = await page.$$eval('#decisions tbody tr[data-area]', (rows) => rows.map((r) => r.getAttribute('data-area') as string));
    assert.ok(counties.length > 0 && counties.every((c) => c.startsWith('4401')));
    const total = int(await page.locator('#decisions tfoot td[data-decision="total"]').textContent());
    assert.equal(total, await countAll(`/api/v1/results?period=${run.period}`, tokens.city));
    assert.ok(total < (run.summary?.persons ?? 0), 'fewer than the province');
    await page.close();
  });

  it('opens the queue board for an operator, and logs out', async () => {
    const page = await browser!.newPage();
    await page.context().clearCookies();
    await logIn(page, tokens.operator);
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) outside.push(r.url());
    });
    await page.goto(`${base}/queues`);
    await page.getByText('pull-ministry').first().waitFor({ timeout: 30_000 });
    await page.getByText('shards').first().waitFor();
    assert.deepEqual(outside, [], 'the board loads nothing from outside');
    await page.goto(`${base}/dashboard`);
    await Promise.all([page.waitForURL(`${base}/dashboard/login`), page.click('header button[type=submit]')]);
    await page.goto(`${base}/queues`);
    assert.match(page.url(), /\/dashboard\/login\?next=%2Fqueues$/, 'logged out: back to the login form');
    await page.close();
  });
});
