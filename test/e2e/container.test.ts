// The container: the Dockerfile checked as text (stages, Node 24 slim, `npm ci` in the build,
// production dependencies in the final stage, a non-root user, a HEALTHCHECK on /healthz, every
// file and command it names exists), and compose.yaml run without Docker — there is no engine
// here: the services it names are started as processes with the commands and variables it
// gives, PostgreSQL and Redis being the local ones (the mapping below is the only change), and
// a run started through the API on the generated world served by the sandbox completes with
// the generator's counts, on two workers.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { commands } from '../../cli/commands.ts';
import { SANDBOX_CREDENTIAL_VARIABLES } from '../../sandbox/hub-sources.ts';
import type { RunStatus } from '../../schemas/runs.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';
import { countsOf, dropPrefix, REDIS_URL, sortKeys, uniquePrefix } from '../jobs/helpers.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { until } from '../support/until.ts';
import { composeServices, startOrder } from '../support/compose.ts';
import type { ComposeService } from '../support/compose.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const exec = promisify(execFile);

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
function dockerStages(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    assert.ok(m, `not an instruction: ${line}`);
    if (m[1] === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(m[2]);
      assert.ok(f, line);
      stages.push({ from: f[1], name: f[2] ?? String(stages.length), instructions: [] });
    } else {
      assert.ok(stages.length > 0, `${line} before FROM`);
      stages[stages.length - 1].instructions.push({ op: m[1], args: m[2] });
    }
  }
  return stages;
}

const all = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
const jsonArgs = (args: string): string[] => JSON.parse(args.replace(/^CMD\s+/, '')) as string[];

describe('the container: Dockerfile and compose.yaml, as files', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerStages(dockerfile);
  const final = stages[stages.length - 1];
  const services = composeServices(fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8'), { LIFECERT_SECRET: 'x' });
  const service = (name: string) => services.find((s) => s.name === name) as ComposeService;

  it('is multi-stage on Node 24 slim: `npm ci` in the build stage, production dependencies only in the final one', () => {
    assert.ok(stages.length >= 2);
    for (const s of stages) assert.match(s.from, /^node:24-slim$/, s.name);
    const build = stages.find((s) => all(s, 'RUN').some((r) => /^npm ci(?!.*--omit=dev)/.test(r)));
    assert.ok(build, 'a stage runs npm ci with every dependency');
    assert.ok(all(build, 'RUN').some((r) => r.includes('tsc -p tsconfig.json --noEmit')), 'the build stage type-checks');
    const copies = all(final, 'COPY');
    const modules = copies.find((c) => /\/app\/node_modules\s/.test(c));
    assert.ok(modules, 'the final stage copies node_modules');
    const from = /--from=(\S+)/.exec(modules)?.[1];
    const deps = stages.find((s) => s.name === from);
    assert.ok(deps && all(deps, 'RUN').some((r) => /npm ci .*--omit=dev/.test(r)), `node_modules come from a stage that installed production dependencies only (${from})`);
    assert.ok(!all(final, 'RUN').some((r) => /npm (ci|install)/.test(r)), 'nothing is installed in the final stage');
  });

  it('runs as a non-root user with a HEALTHCHECK on /healthz, and starts bin/lifecert.js', () => {
    const users = all(final, 'USER');
    assert.ok(users.length > 0, 'a USER in the final stage');
    assert.ok(!['root', '0', '0:0'].includes(users[users.length - 1]), `USER ${users[users.length - 1]}`);
    const health = all(final, 'HEALTHCHECK');
    assert.equal(health.length, 1);
    assert.match(health[0], /\/healthz/);
    const entry = jsonArgs(all(final, 'ENTRYPOINT')[0]);
    assert.deepEqual(entry.slice(0, 1), ['node']);
    assert.equal(entry[1], '/app/bin/lifecert.js');
    assert.ok(fs.existsSync(path.join(ROOT, 'bin/lifecert.js')));
    const cmd = jsonArgs(all(final, 'CMD')[0]);
    assert.ok(Object.hasOwn(commands, cmd[0]), `CMD ${cmd[0]} is a lifecert command`);
  });

  it('names only files that exist and copies every production folder into the final stage', () => {
    for (const s of stages) {
      for (const c of all(s, 'COPY')) {
        const parts = c.split(/\s+/).filter((p) => !p.startsWith('--'));
        const sources = parts.slice(0, -1);
        if (c.includes('--from=')) continue;
        for (const src of sources) assert.ok(fs.existsSync(path.join(ROOT, src)), `${s.name}: COPY ${src}`);
      }
      for (const r of all(s, 'RUN')) for (const m of r.matchAll(/npm run (\S+)/g)) assert.ok(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts[m[1]], `npm run ${m[1]}`);
    }
    const copied = new Set(all(final, 'COPY').flatMap((c) => c.split(/\s+/).filter((p) => p.startsWith('/app/')).map((p) => p.slice(5))));
    // every top-level folder with code that the command runs: all but the tests and benchmarks
    const folders = fs.readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !['node_modules', 'test', 'bench', 'docs', 'deploy', 'data', 'demo-out'].includes(d.name))
      .filter((d) => fs.readdirSync(path.join(ROOT, d.name), { recursive: true }).some((f) => /\.(ts|js|json|sql)$/.test(String(f))))
      .map((d) => d.name);
    assert.ok(folders.length >= 10);
    for (const f of folders) assert.ok(copied.has(f), `the final stage copies ${f}/`);
    assert.match(fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'), /^node_modules$/m);
  });

  it('compose.yaml: PostgreSQL, Redis, the sandbox on a generated world, serve and two workers, the variables wired', () => {
    const names = services.map((s) => s.name);
    for (const n of ['postgres', 'redis', 'setup', 'roster', 'sandbox', 'serve', 'worker']) assert.ok(names.includes(n), n);
    assert.equal(service('worker').replicas, 2);
    for (const s of services.filter((x) => x.build !== null)) {
      assert.ok(Object.hasOwn(commands, s.command[0]), `${s.name}: '${s.command[0]}' is a lifecert command`);
      if (s.name !== 'serve') assert.equal(s.healthcheckDisabled, true, `${s.name} serves no /healthz`);
    }
    const serve = service('serve');
    const worker = service('worker');
    for (const v of ['DATABASE_URL', 'REDIS_URL', 'LIFECERT_CONFIG', ...Object.keys(SANDBOX_CREDENTIAL_VARIABLES)]) {
      assert.ok(serve.environment[v], `serve: ${v}`);
      assert.equal(worker.environment[v], serve.environment[v], `worker and serve share ${v}`);
    }
    for (const [v, value] of Object.entries(SANDBOX_CREDENTIAL_VARIABLES)) assert.equal(serve.environment[v], value, v);
    assert.equal(serve.environment.LIFECERT_SECRET, 'x', 'the secret comes from the environment');
    assert.throws(() => composeServices(fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8'), {}), /LIFECERT_SECRET is required/);
    assert.equal(service('roster').environment.DATABASE_URL, serve.environment.DATABASE_URL);
    // the hub configuration written by setup points at the sandbox's address
    const setup = service('setup').command;
    const sandboxUrl = new URL(setup[setup.indexOf('--sandbox-url') + 1]);
    const sandbox = service('sandbox').command;
    assert.equal(sandboxUrl.hostname, 'sandbox');
    assert.equal(sandboxUrl.port, sandbox[sandbox.indexOf('--port') + 1]);
    assert.equal(setup[setup.indexOf('--hub-config') + 1], serve.environment.LIFECERT_CONFIG);
    assert.equal(setup[setup.indexOf('--out') + 1], sandbox[sandbox.indexOf('--world') + 1]);
    assert.deepEqual(startOrder(services).map((s) => s.name).indexOf('serve') > startOrder(services).map((s) => s.name).indexOf('roster'), true);
  });
});

interface Proc {
  name: string;
  /** a one-shot service: its exit is expected */
  oneShot?: boolean;
  child: ChildProcess;
  stdout: string;
  stderr: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The first long-running process of `procs` that has exited, as a message for `until`. */
function exited(procs: Proc[]): () => string | undefined {
  return () => {
    const dead = procs.find((p) => !p.oneShot && p.child.exitCode !== null);
    return dead ? `${dead.name} exited ${dead.child.exitCode}: ${dead.stderr.slice(-1500)}` : undefined;
  };
}

describe('compose.yaml without Docker: setup, roster, sandbox, serve and two workers as processes', function () {
  this.timeout(600_000);
  requirePostgres();
  requireRedis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-compose-'));
  const prefix = uniquePrefix();
  const procs: Proc[] = [];
  let scratch: ScratchPostgres | undefined;
  let services: ComposeService[] = [];
  let map: (value: string) => string = (v) => v;
  let envOf: (s: ComposeService) => NodeJS.ProcessEnv = () => ({});
  let base = '';

  const spawnService = (s: ComposeService, name: string): Proc => {
    const p: Proc = { name, child: spawn(process.execPath, [path.join(ROOT, 'bin/lifecert.js'), ...s.command.map(map)], { cwd: dataDir, env: envOf(s), stdio: ['ignore', 'pipe', 'pipe'] }), stdout: '', stderr: '' };
    p.child.stdout?.on('data', (d: Buffer) => (p.stdout += d.toString('utf8')));
    p.child.stderr?.on('data', (d: Buffer) => (p.stderr += d.toString('utf8')));
    procs.push(p);
    return p;
  };

  before(async () => {
    scratch = await createScratchPostgres();
    const sandboxPort = await freePort();
    const secret = 'compose-test-secret-5e0c';
    services = composeServices(fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8'), { LIFECERT_SECRET: secret });
    // the one change: compose's addresses and volume become this machine's
    const scratchUrl = scratch.url;
    map = (value) =>
      value
        .replace(/postgres:\/\/[^@\s]+@postgres:5432\/\w+/g, scratchUrl)
        .replace(/redis:\/\/redis:6379/g, REDIS_URL)
        .replace(/http:\/\/sandbox:8001/g, `http://127.0.0.1:${sandboxPort}`)
        .replace(/^\/data(?=\/|$)/, dataDir)
        .replace(/^0\.0\.0\.0$/, '127.0.0.1')
        .replace(/^8001$/, String(sandboxPort));
    envOf = (s) => ({
      PATH: process.env.PATH,
      ...Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, map(v)])),
      ...(s.name === 'serve' ? { PORT: '0', HOST: '127.0.0.1' } : {}),
      // one installation per prefix: other engineers' runs on this Redis never meet these
      LIFECERT_QUEUE_PREFIX: prefix,
    });
  });

  after(async () => {
    for (const p of procs.reverse()) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        const exited = new Promise((resolve) => p.child.once('exit', resolve));
        p.child.kill('SIGTERM');
        await exited;
      }
    }
    await scratch?.drop();
    if (scratch) await dropPrefix(prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the one-shot services in order, then starts the sandbox, serve and the workers; /healthz, /readyz and the image’s HEALTHCHECK answer', async () => {
    const ordered = startOrder(services).filter((s) => s.build !== null);
    const oneShot = new Set(services.flatMap((s) => Object.entries(s.dependsOn).filter(([, c]) => c === 'service_completed_successfully').map(([d]) => d)));
    for (const s of ordered) {
      if (oneShot.has(s.name)) {
        const p = spawnService(s, s.name);
        p.oneShot = true;
        const code = await new Promise<number | null>((resolve) => p.child.once('exit', resolve));
        assert.equal(code, 0, `${s.name}: ${p.stderr}`);
      } else {
        for (let i = 1; i <= s.replicas; i++) spawnService(s, s.replicas > 1 ? `${s.name}-${i}` : s.name);
      }
    }
    assert.deepEqual(procs.map((p) => p.name), ['setup', 'roster', 'sandbox', 'serve', 'worker-1', 'worker-2']);
    const serve = procs.find((p) => p.name === 'serve') as Proc;
    base = await until('serve to listen', () => /listening on (http:\/\/[^ ]+) /.exec(serve.stdout)?.[1], 60_000, 250, exited(procs));
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await until('readiness', async () => {
      const r = await fetch(`${base}/readyz`);
      return r.status === 200 ? ((await r.json()) as unknown) : undefined;
    }, 60_000, 250, exited(procs));
    assert.deepEqual(ready, { status: 'ready', checks: { database: 'ok', redis: 'ok', queues: 'ok' } });
    // the Dockerfile's HEALTHCHECK, as the engine would run it in the serve container
    const stages = dockerStages(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
    const check = jsonArgs(all(stages[stages.length - 1], 'HEALTHCHECK')[0].replace(/^.*?CMD\s+/, ''));
    const port = new URL(base).port;
    await exec(process.execPath, check.slice(1), { env: { PATH: process.env.PATH, PORT: port } });
    await assert.rejects(exec(process.execPath, check.slice(1), { env: { PATH: process.env.PATH, PORT: String(await freePort()) } }), 'and it fails when nothing answers');
  });

  it('a run started through the API completes on the two workers with the generated world’s counts', async () => {
    const serve = services.find((s) => s.name === 'serve') as ComposeService;
    const add = await exec(process.execPath, [path.join(ROOT, 'bin/lifecert.js'), 'user', 'add', '--name', 'ops', '--role', 'admin', '--role', 'operator', '--region', '44'], { cwd: dataDir, env: envOf(serve) });
    const token = add.stdout.trim();
    const world = JSON.parse(fs.readFileSync(path.join(dataDir, 'world.json'), 'utf8')) as { period: string; asOf: string; roster: unknown[] };
    const expected = JSON.parse(fs.readFileSync(path.join(dataDir, 'world.expected.json'), 'utf8')) as { counts: Record<string, unknown> };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = await fetch(`${base}/api/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ period: world.period, asOf: world.asOf }) });
    assert.equal(started.status, 202);
    const { runId } = (await started.json()) as { runId: string };
    const run = await until('the run', async () => {
      const r = (await (await fetch(`${base}/api/v1/runs/${runId}`, { headers })).json()) as RunStatus;
      return r.state === 'SUCCEEDED' || r.state === 'FAILED' ? r : undefined;
    }, 480_000, 250, exited(procs));
    assert.equal(run.state, 'SUCCEEDED', JSON.stringify(run.error));
    assert.deepEqual(sortKeys(countsOf(run)), sortKeys(expected.counts as Record<string, never>));
    assert.equal(run.summary?.persons, world.roster.length);
    // both workers took jobs of it
    for (const w of procs.filter((p) => p.name.startsWith('worker-'))) {
      assert.ok(w.stdout.split('\n').some((l) => l.includes('"type":"job-completed"') && l.includes(runId)), `${w.name} completed a job of the run`);
    }
    // and stop cleanly
    for (const p of procs.filter((x) => ['serve', 'worker-1', 'worker-2'].includes(x.name))) {
      const exited = new Promise<number | null>((resolve) => p.child.once('exit', resolve));
      p.child.kill('SIGTERM');
      assert.equal(await exited, 0, `${p.name}: ${p.stderr.slice(-1000)}`);
    }
  });
});
