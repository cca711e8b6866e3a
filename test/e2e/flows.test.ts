// The embedded Node-RED as an integration engineer uses it: `lifecert serve` on a PostgreSQL
// mirror, a user with the integrator role logs in through the admin API with an API token,
// deploys flows/standard-monthly.json against the sandbox's simulators (secrets typed into
// the config nodes' credentials, as the editor does) and runs it: the results and cases are
// those `lifecert run` publishes on the same world (its own embedded mirror). Then
// flows/new-city-source.json brings in a city's death registrations — served by this test
// as JSON over HTTP, a source no connector knows — through http request + lifecert normalize:
// they are normalized, staged, counted, and change the decisions they should. No flow export
// and no flow file holds a secret; every deploy is in the audit log.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateWorld, writeWorld } from '../../sandbox/generate.ts';
import { spawnSandbox } from '../../sandbox/child.ts';
import type { SandboxProcess } from '../../sandbox/child.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { listPulls, loadRoster, migrate, openDatabase, readResults } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import type { Result } from '../../schemas/types.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { until as untilAt } from '../support/until.ts';

/** as until, 180 s and every 250 ms unless told */
const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 180_000): Promise<T> => untilAt(what, probe, timeoutMs, 250);

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/lifecert.js');
const exec = promisify(execFile);
const SECRET = 'e2e-flows-secret-41f0';
const CITY_CHANNEL = 'city-4403';

interface Child {
  process: ChildProcess;
  stdout: string;
  stderr: string;
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

async function allResults(db: Db, period: string): Promise<Result[]> {
  const out: Result[] = [];
  for await (const r of readResults(db, period)) out.push(r);
  return out.sort((a, b) => (a.personId < b.personId ? -1 : 1));
}

describe('Node-RED in lifecert serve: the shipped flows (PostgreSQL, Redis, sandbox sources)', function () {
  this.timeout(600_000);
  requirePostgres();
  requireRedis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-flows-'));
  const generated = generateWorld({ persons: 200, seed: 'flows-e2e', faults: false, cities: ['4401', '4403'] });
  const { world } = generated;
  const prefix = uniquePrefix();
  const c = SANDBOX_CREDENTIALS;
  const secrets = [c.ministry.password, c.bigdata.appSecret, c.police.clientSecret, c.health.apiKey];
  let sandbox: SandboxProcess | undefined;
  let scratch: ScratchPostgres | undefined;
  let serve: Child | undefined;
  let city: http.Server | undefined;
  let cityRecords: Record<string, string>[] = [];
  let env: NodeJS.ProcessEnv;
  let base = '';
  let adminToken = '';
  let userId = '';
  let db: Db | undefined;

  const lifecert = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr };
  };
  const admin = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}/flows${url}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  /** A shipped flow with the simulators' secrets typed into its config nodes' credentials. */
  const withCredentials = (file: string): FlowNode[] => {
    const flow = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', file), 'utf8')) as FlowNode[];
    const creds: Record<string, Record<string, string>> = {
      'lifecert-ministry': { password: c.ministry.password },
      'lifecert-bigdata': { appSecret: c.bigdata.appSecret },
      'lifecert-police': { clientSecret: c.police.clientSecret },
      'lifecert-health': { apiKey: c.health.apiKey },
    };
    return flow.map((n) => (creds[n.type] ? { ...n, credentials: creds[n.type] } : n));
  };

  before(async () => {
    const worldFile = writeWorld(generated, { world: path.join(dir, 'world.json') }).world;
    const civilDir = path.join(dir, 'civil');
    fs.mkdirSync(civilDir, { recursive: true });
    sandbox = await spawnSandbox({ worldFile, civilDir });
    scratch = await createScratchPostgres();
    const url = sandbox.url;
    city = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(cityRecords));
    });
    await new Promise<void>((resolve) => city?.listen(0, '127.0.0.1', resolve));
    const cityUrl = `http://127.0.0.1:${(city.address() as AddressInfo).port}/deaths.json`;
    const config = {
      sources: {
        ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'T_MINISTRY_PASSWORD' } },
        bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'T_BIGDATA_SECRET' } },
        police: ['4401', '4403'].map((cityCode) => ({ city: cityCode, url: `${url}/police/${cityCode}`, clientId: c.police.clientId, clientSecret: { env: 'T_POLICE_SECRET' } })),
        civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox') },
        health: { url: `${url}/health`, apiKey: { env: 'T_HEALTH_KEY' } },
      },
    };
    fs.writeFileSync(path.join(dir, 'lifecert.config.json'), JSON.stringify(config, null, 2));
    env = {
      PATH: process.env.PATH,
      LIFECERT_SECRET: SECRET,
      LIFECERT_CONFIG: path.join(dir, 'lifecert.config.json'),
      REDIS_URL,
      LIFECERT_QUEUE_PREFIX: prefix,
      T_MINISTRY_PASSWORD: c.ministry.password,
      T_BIGDATA_SECRET: c.bigdata.appSecret,
      T_POLICE_SECRET: c.police.clientSecret,
      T_HEALTH_KEY: c.health.apiKey,
      // what the shipped flows read from the environment of serve
      LIFECERT_PERIOD: world.period,
      LIFECERT_AS_OF: world.asOf,
      LIFECERT_MINISTRY_URL: `${url}/ministry/ws/cert`,
      LIFECERT_MINISTRY_USERNAME: c.ministry.username,
      LIFECERT_BIGDATA_URL: `${url}/bigdata`,
      LIFECERT_BIGDATA_APP_ID: c.bigdata.appId,
      LIFECERT_POLICE_4401_URL: `${url}/police/4401`,
      LIFECERT_POLICE_4403_URL: `${url}/police/4403`,
      LIFECERT_POLICE_CLIENT_ID: c.police.clientId,
      LIFECERT_CIVIL_INBOX: path.join(civilDir, 'inbox'),
      LIFECERT_CIVIL_OUTBOX: path.join(civilDir, 'outbox'),
      LIFECERT_HEALTH_URL: `${url}/health`,
      LIFECERT_CITY_DEATHS_URL: cityUrl,
      LIFECERT_FLOWS_DIR: path.join(dir, 'node-red'),
    };
    // the roster is in both mirrors: the embedded one of `lifecert run`, the PostgreSQL one of serve
    for (const where of [{ dataDir: path.join(dir, 'run-data') }, { databaseUrl: scratch.url }]) {
      const m = await openDatabase(where);
      try {
        await migrate(m);
        await loadRoster(m, world.roster);
      } finally {
        await m.close();
      }
    }
  });

  after(async () => {
    if (serve && serve.process.exitCode === null) {
      const exited = new Promise((resolve) => serve?.process.once('exit', resolve));
      serve.process.kill('SIGTERM');
      await exited;
    }
    await db?.close();
    await new Promise((resolve) => (city ? city.close(resolve) : resolve(undefined)));
    await sandbox?.close();
    await scratch?.drop();
    if (env !== undefined) await dropPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serve embeds the editor at /flows: an integrator logs in through the admin API with an API token', async () => {
    const added = await lifecert(['user', 'add', '--name', 'integration engineer', '--role', 'integrator', '--region', '44'], { DATABASE_URL: scratch?.url });
    const token = added.stdout.trim();
    const operator = (await lifecert(['user', 'add', '--name', 'an operator', '--role', 'operator', '--region', '44'], { DATABASE_URL: scratch?.url })).stdout.trim();
    serve = { process: spawn(process.execPath, [BIN, 'serve'], { env: { ...env, DATABASE_URL: scratch?.url, PORT: '0' }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }), stdout: '', stderr: '' };
    serve.process.stdout?.on('data', (d: Buffer) => { if (serve) serve.stdout += d.toString('utf8'); });
    serve.process.stderr?.on('data', (d: Buffer) => { if (serve) serve.stderr += d.toString('utf8'); });
    base = await until('serve to listen', () => /listening on (http:\/\/[^ ]+) /.exec(serve?.stdout ?? '')?.[1], 60_000);
    db = await openDatabase({ databaseUrl: scratch?.url });
    userId = (await db.query<{ user_id: string }>('SELECT user_id FROM users WHERE name = $1', ['integration engineer'])).rows[0].user_id;

    const editor = await fetch(`${base}/flows/`);
    assert.equal(editor.status, 200);
    assert.match(await editor.text(), /lifecert flows/);
    const login = async (username: string, password: string) => fetch(`${base}/flows/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username, password }).toString(),
    });
    assert.equal((await login('integration engineer', 'not-a-token')).status, 403, 'a wrong password is refused');
    assert.equal((await login('an operator', operator)).status, 403, 'a user without the integrator role is refused');
    assert.equal((await login('an operator', token)).status, 403, "another user's token is refused");
    const ok = await login('integration engineer', token);
    assert.equal(ok.status, 200);
    adminToken = ((await ok.json()) as { access_token: string }).access_token;
    assert.ok(adminToken.length > 20);
    assert.equal((await fetch(`${base}/flows/flows`)).status, 401, 'the admin API needs a login');
    const nodes = await admin('GET', '/nodes', undefined, { accept: 'application/json' });
    const sets = JSON.parse(nodes.text) as { module: string; types: string[]; err?: string }[];
    const types = sets.filter((s) => s.module === 'lifecert').flatMap((s) => { assert.equal(s.err, undefined); return s.types; });
    assert.deepEqual(types.sort(), ['lifecert-bigdata', 'lifecert-civil', 'lifecert-feedback', 'lifecert-health', 'lifecert-match', 'lifecert-ministry', 'lifecert-mirror', 'lifecert-normalize', 'lifecert-police', 'lifecert-publish', 'lifecert-pull', 'lifecert-schedule', 'lifecert-stage'].sort());
  });

  it('standard-monthly deployed and run gives the results and cases of `lifecert run` on the same world', async () => {
    const run = await lifecert(['run', '--period', world.period, '--as-of', world.asOf], { LIFECERT_DATA_DIR: path.join(dir, 'run-data') });
    assert.match(run.stdout, new RegExp(`matched and published ${world.roster.length} persons`));

    const deployed = await admin('POST', '/flows', withCredentials('standard-monthly.json'), { 'Node-RED-Deployment-Type': 'full' });
    assert.equal(deployed.status, 204, deployed.text);
    // the deploy answers before the new flows have started: the inject node is there a moment later
    await until('the inject node to start', async () => ((await admin('POST', '/inject/lc-std-inject')).status === 200 ? true : undefined), 30_000);
    const mirror = db as Db;
    // done when every roster entry has its result and the shards' publish has left nothing running
    await until('the flow to publish every result', async () => {
      const n = (await mirror.query<{ n: string }>('SELECT count(*)::text AS n FROM results WHERE period = $1', [world.period])).rows[0].n;
      const running = (await mirror.query<{ n: string }>("SELECT count(*)::text AS n FROM pulls WHERE status <> 'succeeded'")).rows[0].n;
      return Number(n) === world.roster.length && running === '0' ? true : undefined;
    });
    // the last shard may be in its transaction still: wait until two readings agree
    let previous = '';
    await until('results to settle', async () => {
      const now = JSON.stringify(await allResults(mirror, world.period));
      const same = now === previous;
      previous = now;
      return same ? true : undefined;
    });

    const embedded = await openDatabase({ dataDir: path.join(dir, 'run-data') });
    try {
      assert.deepEqual(await allResults(mirror, world.period), await allResults(embedded, world.period));
      const cases = async (m: Db) => (await m.query<{ case_id: string }>('SELECT case_id FROM cases ORDER BY case_id')).rows.map((r) => r.case_id);
      assert.deepEqual(await cases(mirror), await cases(embedded));
      const counts = async (m: Db) => Object.fromEntries((await listPulls(m)).map((p) => [`${p.channel}/${p.dataset}`, [p.pulled, p.staged, p.rejected, p.skipped]]));
      assert.deepEqual(await counts(mirror), await counts(embedded), 'the same counts per dataset');
    } finally {
      await embedded.close();
    }
    const audit = (await mirror.query<{ actor: string; details: { event: string } }>("SELECT actor, details FROM audit_log WHERE action = 'flows.deploy'")).rows;
    assert.deepEqual(audit.map((a) => [a.actor, a.details.event]), [[`user:${userId}`, 'flows.set']], 'the deploy is in the audit log, by the integrator');
  });

  it('a flow export, the flow file and the credentials file hold no secret', async () => {
    const exported = await admin('GET', '/flows');
    assert.equal(exported.status, 200);
    assert.match(exported.text, /lifecert-ministry/);
    const files = ['flows.json', 'flows_cred.json'].map((f) => fs.readFileSync(path.join(dir, 'node-red', f), 'utf8'));
    assert.match(files[1], /"\$":\s*"/, 'the credentials are stored encrypted');
    for (const text of [exported.text, ...files, ...['standard-monthly.json', 'new-city-source.json'].map((f) => fs.readFileSync(path.join(ROOT, 'flows', f), 'utf8'))]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), 'no secret in clear');
    }
    const creds = await admin('GET', '/credentials/lifecert-ministry/lc-std-ministry');
    assert.deepEqual(JSON.parse(creds.text), { has_password: true }, 'the editor learns only that a password is set');
  });

  it('new-city-source brings in a city’s death registrations: normalized, staged, counted, and the decisions change', async () => {
    const mirror = db as Db;
    const before = new Map((await allResults(mirror, world.period)).map((r) => [r.personId, r]));
    const eligible = [...before.values()].filter((r) => r.decision === 'eligible').slice(0, 2);
    assert.equal(eligible.length, 2, 'the world has eligible persons');
    const deathDate = `${world.period}-03`;
    cityRecords = [
      ...eligible.map((r, i) => ({ regNo: `SZ-D-${i + 1}`, idNumber: r.personId, name: '', deathDate, registeredAt: `${world.period}-05 10:00:00` })),
      // a broken identity number: rejected ID_CHECKSUM, counted, quarantined
      { regNo: 'SZ-D-9', idNumber: `${eligible[0].personId.slice(0, 17)}${eligible[0].personId.endsWith('1') ? '2' : '1'}`, name: '', deathDate, registeredAt: `${world.period}-05 10:00:00` },
    ];
    const both = [...withCredentials('standard-monthly.json'), ...withCredentials('new-city-source.json')];
    const deployed = await admin('POST', '/flows', both, { 'Node-RED-Deployment-Type': 'full' });
    assert.equal(deployed.status, 204, deployed.text);
    await until('the inject node to start', async () => ((await admin('POST', '/inject/lc-city-inject')).status === 200 ? true : undefined), 30_000);
    const pull = await until('the city records to be staged', async () => (await listPulls(mirror)).find((p) => p.channel === CITY_CHANNEL && p.status === 'succeeded'));
    assert.deepEqual([pull.dataset, pull.pulled, pull.staged, pull.rejected, pull.skipped], ['deaths', 3, 2, 1, 0]);
    const rejected = (await mirror.query<{ reason_code: string }>('SELECT reason_code FROM source_records WHERE channel = $1 AND outcome = $2', [CITY_CHANNEL, 'rejected'])).rows;
    assert.deepEqual(rejected.map((r) => r.reason_code), ['ID_CHECKSUM']);
    const after = await until('the decisions to change', async () => {
      const now = new Map((await allResults(mirror, world.period)).map((r) => [r.personId, r]));
      return eligible.every((e) => now.get(e.personId)?.decision !== 'eligible') ? now : undefined;
    });
    for (const e of eligible) {
      const r = after.get(e.personId);
      assert.equal(r?.decision, 'suspect', 'one department reporting a death makes a suspicion');
      assert.ok(r?.reasons.includes('SINGLE_SOURCE_DEATH'));
      assert.deepEqual(r?.evidence.filter((x) => x.source === CITY_CHANNEL).map((x) => x.origin), ['civil']);
    }
    const unchanged = [...before.values()].filter((r) => !eligible.some((e) => e.personId === r.personId));
    assert.deepEqual(unchanged.map((r) => after.get(r.personId)?.decision), unchanged.map((r) => r.decision), 'nobody else changes');
    const audit = (await mirror.query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log WHERE action = 'flows.deploy'")).rows[0].n;
    assert.equal(audit, '2', 'both deploys audited');
  });
});
