// `lifecert run --period P` as an operator runs it: a configuration file whose credentials are
// references to environment variables, a PostgreSQL mirror that already holds the roster, the
// sources served by the sandbox. The results it publishes are the generator's, a second run of
// the same period pulls incrementally and leaves results and cases as they were, and `lifecert
// export` reads them back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateWorld, writeWorld, resultDifferences } from '../../sandbox/generate.ts';
import { spawnSandbox } from '../../sandbox/child.ts';
import type { SandboxProcess } from '../../sandbox/child.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { openDatabase } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { loadRoster } from '../../mirror/roster.ts';
import type { Result } from '../../schemas/types.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { requirePostgres } from '../support/servers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');
const exec = promisify(execFile);

describe('lifecert run against configured sources (PostgreSQL mirror, sandbox sources)', function () {
  requirePostgres();
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-run-'));
  const generated = generateWorld({ persons: 400, seed: 'run-e2e', faults: true });
  const { world, expected } = generated;
  let sandbox: SandboxProcess | undefined;
  let scratch: ScratchPostgres | undefined;
  let env: NodeJS.ProcessEnv;

  async function lifecert(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  async function mirrorState(): Promise<{ results: Result[]; cases: string[] }> {
    const out = await lifecert(['export', '--period', world.period]);
    assert.equal(out.code, 0, out.stderr);
    const results = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Result);
    const db = await openDatabase({ databaseUrl: scratch?.url });
    try {
      const { rows } = await db.query<{ case_id: string }>('SELECT case_id FROM cases ORDER BY case_id');
      return { results, cases: rows.map((r) => r.case_id) };
    } finally {
      await db.close();
    }
  }

  before(async () => {
    const worldFile = writeWorld(generated, { world: path.join(dir, 'world.json') }).world;
    const civilDir = path.join(dir, 'civil');
    fs.mkdirSync(civilDir, { recursive: true });
    sandbox = await spawnSandbox({ worldFile, civilDir });
    scratch = await createScratchPostgres();
    // the provincial system's roster is already in the mirror: run never loads it
    const db = await openDatabase({ databaseUrl: scratch.url });
    try {
      await migrate(db);
      await loadRoster(db, world.roster);
    } finally {
      await db.close();
    }
    const c = SANDBOX_CREDENTIALS;
    const url = sandbox.url;
    const config = {
      sources: {
        ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'T_MINISTRY_PASSWORD' } },
        bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'T_BIGDATA_SECRET' } },
        police: Object.keys(world.sources.police ?? {}).map((city) => ({ city, url: `${url}/police/${city}`, clientId: c.police.clientId, clientSecret: { env: 'T_POLICE_SECRET' } })),
        civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox') },
        health: { url: `${url}/health`, apiKey: { env: 'T_HEALTH_KEY' } },
      },
    };
    fs.writeFileSync(path.join(dir, 'lifecert.config.json'), JSON.stringify(config, null, 2));
    env = {
      PATH: process.env.PATH,
      DATABASE_URL: scratch.url,
      T_MINISTRY_PASSWORD: c.ministry.password,
      T_BIGDATA_SECRET: c.bigdata.appSecret,
      T_POLICE_SECRET: c.police.clientSecret,
      T_HEALTH_KEY: c.health.apiKey,
    };
  });

  after(async () => {
    await sandbox?.close();
    await scratch?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pulls every source, matches and publishes: every result is the generator’s', async () => {
    const run = await lifecert(['run', '--period', world.period, '--as-of', world.asOf]);
    assert.equal(run.code, 0, run.stderr);
    for (const [key, c] of Object.entries(expected.counts)) {
      assert.ok(run.stdout.includes(`${key.padEnd(32)} pulled ${c.pulled} staged ${c.staged} rejected ${c.rejected} skipped ${c.skipped}`), `counts of ${key}`);
    }
    assert.match(run.stdout, new RegExp(`matched and published ${world.roster.length} persons`));
    const { results, cases } = await mirrorState();
    assert.equal(results.length, world.roster.length);
    assert.deepEqual(results.flatMap((r) => resultDifferences(r, expected.results[r.personId])), []);
    assert.ok(cases.length > 0, 'the world has suspects');

    // stderr holds the log: the run, its steps, every pull and retry, as JSON lines without a secret
    type LogLine = { event?: string; step?: string; status?: string; channel?: string; dataset?: string; code?: string; runId?: string };
    const log = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    assert.deepEqual(log.filter((l) => l.event === 'run.start' || l.event === 'run.end').map((l) => l.status ?? 'started'), ['started', 'succeeded']);
    assert.deepEqual(log.filter((l) => l.event === 'run.step' && l.status === 'done').map((l) => l.step), ['migrate', 'pull', 'match']);
    assert.deepEqual(log.filter((l) => l.event === 'pull.end').map((l) => `${l.channel}/${l.dataset}`).sort(), Object.keys(expected.counts).sort());
    assert.equal(new Set(log.map((l) => l.runId)).size, 1, 'every line names the run');
    assert.ok(log.some((l) => l.event === 'pull.retry' && /^LIFECERT_[A-Z]+_/.test(l.code ?? '')), 'the sandbox faults cause retries, logged with their codes');
    const c = SANDBOX_CREDENTIALS;
    for (const secret of [c.ministry.password, c.bigdata.appSecret, c.police.clientSecret, c.health.apiKey]) assert.ok(!run.stderr.includes(secret), 'no secret in the log');
  });

  it('a second run of the period pulls only what is new and changes neither results nor cases', async () => {
    const before = await mirrorState();
    const run = await lifecert(['run', '--period', world.period, '--as-of', world.asOf, '--steps', 'pull,match,publish']);
    assert.equal(run.code, 0, run.stderr);
    const pulled = [...run.stdout.matchAll(/ pulled (\d+) /g)].reduce((s, m) => s + Number(m[1]), 0);
    const firstPull = Object.values(expected.counts).reduce((s, c) => s + c.pulled, 0);
    assert.ok(pulled < firstPull / 2, `the second pull is incremental (${pulled} of ${firstPull} records again)`);
    assert.deepEqual(await mirrorState(), before);
  });

  it('--steps feedback delivers the REJECTED items of the runs to their departments, each once, without Redis', async () => {
    const run = await lifecert(['run', '--period', world.period, '--as-of', world.asOf, '--steps', 'feedback']);
    assert.equal(run.code, 0, run.stderr);
    type LogLine = { event?: string; step?: string; status?: string };
    const log = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    assert.deepEqual(log.filter((l) => l.event === 'run.step' && l.status === 'done').map((l) => l.step), ['migrate', 'feedback']);
    const db = await openDatabase({ databaseUrl: scratch?.url });
    let items: { feedbackId: string; channel: string; recordId: string; state: string }[];
    try {
      items = (await db.query<{ feedback_id: string; channel: string; record_id: string; state: string }>('SELECT feedback_id, channel, record_id, state FROM feedback_items ORDER BY seq')).rows
        .map((r) => ({ feedbackId: r.feedback_id, channel: r.channel, recordId: r.record_id, state: r.state }));
    } finally {
      await db.close();
    }
    assert.ok(items.length > 0, 'the runs quarantined records');
    // an item naming no record cannot reach its department: FAILED at once; every other one SENT
    assert.deepEqual(items.filter((i) => i.state !== (i.recordId === '' ? 'FAILED' : 'SENT')).map((i) => `${i.channel} ${i.recordId} ${i.state}`), []);
    const channels = [...new Set(items.map((i) => i.channel))];
    for (const channel of channels) {
      const sent = items.filter((i) => i.channel === channel && i.state === 'SENT').map((i) => i.feedbackId);
      assert.ok(run.stdout.includes(`feedback to ${channel.padEnd(12)} sent ${sent.length} `), `${channel}: ${run.stdout}`);
      const requests = (await (await fetch(`${sandbox!.url}/_sandbox/received/${channel}`)).json()) as { items: Record<string, unknown>[] }[];
      const received = requests.flatMap((r) => r.items.map((i) => String(i.feedbackId ?? i['反馈编号'] ?? '')));
      assert.deepEqual(received.sort(), sent.sort(), `${channel} received each of its items once`);
    }
    // a second pass finds nothing pending and sends nothing again
    const again = await lifecert(['run', '--period', world.period, '--as-of', world.asOf, '--steps', 'feedback']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!again.stdout.includes('feedback to'), again.stdout);
  });

  it('refuses a bad period, an unknown step and a missing secret with a clear message', async () => {
    const badPeriod = await lifecert(['run', '--period', '2026-13']);
    assert.equal(badPeriod.code, 1);
    assert.match(badPeriod.stderr, /^lifecert: LIFECERT_CLI_ARGUMENT_INVALID: --period YYYY-MM is required$/m);
    const badStep = await lifecert(['run', '--period', world.period, '--steps', 'pull,dance']);
    assert.equal(badStep.code, 1);
    assert.match(badStep.stderr, /LIFECERT_CLI_ARGUMENT_INVALID: unknown step 'dance'/);
    const saved = env.T_HEALTH_KEY;
    delete env.T_HEALTH_KEY;
    try {
      const noSecret = await lifecert(['run', '--period', world.period, '--steps', 'match']);
      assert.equal(noSecret.code, 1);
      assert.match(noSecret.stderr, /^lifecert: LIFECERT_CONFIG_SECRET_MISSING: .*T_HEALTH_KEY/m);
      assert.match(noSecret.stderr, /"event":"run.end","status":"failed","code":"LIFECERT_CONFIG_SECRET_MISSING"/);
    } finally {
      env.T_HEALTH_KEY = saved;
    }
  });
});
