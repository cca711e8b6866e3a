// `lifecert serve` and `lifecert worker` as an installation runs them: separate processes on
// one PostgreSQL mirror and one Redis, a configuration file with secrets by reference, the
// sources served by the sandbox. A run started through the API completes; GET /runs/{id}
// shows the generator's per-dataset counts; the results, connector health and metrics agree;
// the audit log is whole; the gateway's log holds no identity number, name, token or secret.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { generateWorld, writeWorld, resultDifferences } from '../../sandbox/generate.ts';
import { spawnSandbox } from '../../sandbox/child.ts';
import type { SandboxProcess } from '../../sandbox/child.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { loadRoster, migrate, openDatabase } from '../../mirror/index.ts';
import type { RunStatus } from '../../schemas/runs.ts';
import type { Result } from '../../schemas/types.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { countsOf, dropPrefix, REDIS_URL, sortKeys, uniquePrefix } from '../jobs/helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { until } from '../support/until.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');
const exec = promisify(execFile);
const SECRET = 'e2e-secret-7b1d0c55';
const runStatusSchema = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/run-status.schema.json'), 'utf8')) as object;

interface Child {
  process: ChildProcess;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const child: Child = { process: spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] }), stdout: '', stderr: '' };
  child.process.stdout?.on('data', (d: Buffer) => (child.stdout += d.toString('utf8')));
  child.process.stderr?.on('data', (d: Buffer) => (child.stderr += d.toString('utf8')));
  return child;
}

async function stop(child: Child | undefined): Promise<number | null> {
  if (!child || child.process.exitCode !== null) return child?.process.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.process.once('exit', (code) => resolve(code)));
  child.process.kill('SIGTERM');
  return exited;
}

describe('lifecert serve + lifecert worker (PostgreSQL, Redis, sandbox sources)', function () {
  this.timeout(300_000);
  requirePostgres();
  requireRedis();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-serve-'));
  const generated = generateWorld({ persons: 300, seed: 'serve-e2e', faults: true });
  const { world, expected } = generated;
  const prefix = uniquePrefix();
  let sandbox: SandboxProcess | undefined;
  let scratch: ScratchPostgres | undefined;
  let env: NodeJS.ProcessEnv;
  let serve: Child | undefined;
  let worker: Child | undefined;
  let base = '';
  let token = '';

  const lifecert = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const api = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const finished = (runId: string) =>
    until(`run ${runId}`, async () => {
      const r = await api('GET', `/api/v1/runs/${runId}`);
      assert.equal(r.status, 200);
      const run = r.json as RunStatus;
      return run.state === 'SUCCEEDED' || run.state === 'FAILED' ? run : undefined;
    }, 240_000);

  before(async () => {
    const worldFile = writeWorld(generated, { world: path.join(dir, 'world.json') }).world;
    const civilDir = path.join(dir, 'civil');
    fs.mkdirSync(civilDir, { recursive: true });
    sandbox = await spawnSandbox({ worldFile, civilDir });
    scratch = await createScratchPostgres();
    const db = await openDatabase({ databaseUrl: scratch.url });
    try {
      await migrate(db);
      await loadRoster(db, world.roster);
    } finally {
      await db.close();
    }
    const c = SANDBOX_CREDENTIALS;
    const url = sandbox.url;
    fs.writeFileSync(
      path.join(dir, 'lifecert.config.json'),
      JSON.stringify({
        sources: {
          ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'T_MINISTRY_PASSWORD' } },
          bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'T_BIGDATA_SECRET' } },
          police: Object.keys(world.sources.police ?? {}).map((city) => ({ city, url: `${url}/police/${city}`, clientId: c.police.clientId, clientSecret: { env: 'T_POLICE_SECRET' } })),
          civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox') },
          health: { url: `${url}/health`, apiKey: { env: 'T_HEALTH_KEY' } },
        },
      }),
    );
    env = {
      PATH: process.env.PATH,
      DATABASE_URL: scratch.url,
      REDIS_URL,
      LIFECERT_QUEUE_PREFIX: prefix,
      LIFECERT_SECRET: SECRET,
      PORT: '0',
      T_MINISTRY_PASSWORD: c.ministry.password,
      T_BIGDATA_SECRET: c.bigdata.appSecret,
      T_POLICE_SECRET: c.police.clientSecret,
      T_HEALTH_KEY: c.health.apiKey,
    };
  });

  after(async () => {
    await stop(worker);
    await stop(serve);
    await sandbox?.close();
    await scratch?.drop();
    // a suite skipped for a missing server opened nothing
    if (env !== undefined) await dropPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start without LIFECERT_SECRET', async () => {
    const out = await lifecert(['serve'], { LIFECERT_SECRET: '' });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /LIFECERT_GATEWAY_SECRET_MISSING: LIFECERT_SECRET is not set/);
  });

  it('serves with a first administrator made by `lifecert user add`, ready when database, Redis and queues answer', async () => {
    const add = await lifecert(['user', 'add', '--name', 'first operator', '--role', 'operator', '--role', 'integrator', '--region', '44']);
    assert.equal(add.code, 0, add.stderr);
    token = add.stdout.trim();
    assert.match(token, /^lct_[A-Za-z0-9_-]{43}$/);
    serve = start(['serve'], env, dir);
    worker = start(['worker', '--no-schedules', '--stalled-interval-ms', '5000'], env, dir);
    base = await until('serve to listen', () => /listening on (http:\/\/[^ ]+) /.exec(serve?.stdout ?? '')?.[1]);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', redis: 'ok', queues: 'ok' } });
  });

  it('a run started through the API completes with the generator’s counts and results', async () => {
    const started = await api('POST', '/api/v1/runs', { period: world.period, asOf: world.asOf });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const run = await finished(started.json.runId);
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    const ajv = new Ajv.default({ strict: false });
    addFormats.default(ajv);
    assert.ok(ajv.validate(runStatusSchema, run), `the answer is a RunStatus: ${JSON.stringify(ajv.errors)}`);
    assert.deepEqual(sortKeys(countsOf(run)), sortKeys(expected.counts));
    assert.equal(run.summary?.persons, world.roster.length);
    const results: Result[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/api/v1/results?period=${world.period}&limit=97${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      results.push(...(page.json.items as Result[]));
      cursor = page.json.nextCursor as string | null;
    } while (cursor !== null);
    assert.equal(results.length, world.roster.length);
    assert.deepEqual(results.flatMap((r) => resultDifferences(r, expected.results[r.personId])), []);
  });

  it('connector health, metrics and a pull-now run agree with what the run did', async () => {
    const health = await api('GET', '/api/v1/connectors?limit=100');
    assert.equal(health.status, 200);
    for (const [key, counts] of Object.entries(expected.counts)) {
      const [channel, dataset] = key.split('/');
      const d = (health.json.items as { name: string; datasets: { dataset: string; stale: boolean; lastPull: Record<string, unknown> }[] }[])
        .find((c) => c.name === channel)
        ?.datasets.find((x) => x.dataset === dataset);
      assert.ok(d, key);
      assert.equal(d.stale, false, key);
      assert.equal(d.lastPull.status, 'succeeded', key);
      assert.equal(d.lastPull.pulled, counts.pulled, key);
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const [firstKey, firstCounts] = Object.entries(expected.counts)[0];
    const [channel, dataset] = firstKey.split('/');
    assert.ok(metrics.includes(`lifecert_connector_records_total{channel="${channel}",dataset="${dataset}",outcome="staged"} ${firstCounts.staged}`), metrics.slice(0, 2000));
    assert.match(metrics, /lifecert_run_duration_seconds_count\{state="SUCCEEDED"\} 1/);
    assert.match(metrics, /lifecert_queue_jobs\{queue="[^"]+",state="completed"\} \d+/);

    const pull = await api('POST', '/api/v1/connectors/civil/pull');
    assert.equal(pull.status, 202);
    const again = await finished(pull.json.runId);
    assert.equal(again.state, 'SUCCEEDED');
    assert.deepEqual(again.steps, ['pull']);
    assert.deepEqual(again.datasets.map((d) => d.channel), ['civil']);
    assert.equal(again.requestedBy.startsWith('user:'), true);
  });

  it('the audit log is whole and holds the run and the pull; the gateway log holds no personal data, token or secret', async () => {
    const verify = await lifecert(['audit', 'verify']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const db = await openDatabase({ databaseUrl: scratch?.url });
    try {
      const { rows } = await db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY seq');
      assert.deepEqual(rows.map((r) => r.action), ['user.create', 'token.create', 'run.start', 'connector.pull']);
    } finally {
      await db.close();
    }
    assert.equal(await stop(serve), 0, serve?.stderr.slice(-2000));
    const log = serve?.stderr ?? '';
    assert.ok(log.includes('"msg":"request completed"'));
    for (const r of world.roster) {
      assert.ok(!log.includes(r.personId), 'an identity number of the world in the log');
      assert.ok(!log.includes(r.name), 'a name of the world in the log');
    }
    assert.ok(!log.includes(token) && !log.includes(SECRET), 'a token or the secret in the log');
  });
});
