// The server guard: suites that need PostgreSQL or Redis skip, with one line per server, when it
// does not answer — and fail instead under LIFECERT_REQUIRE_SERVERS (CI). Shown on a fixture
// run in a mocha of its own, with the variables pointing at a port nothing listens on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { postgresAddress, reachable, redisAddress, requirePostgres, requireRedis, serversRequired, startHint } from './servers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MOCHA = path.join(ROOT, 'node_modules/mocha/bin/mocha.js');
const FIXTURE = path.join(import.meta.dirname, 'fixtures/needs-servers.fixture.ts');

// Nothing listens on port 1 (tcpmux), an unprivileged process cannot take it, and it is outside
// the ephemeral range, so a connection there cannot meet itself: a port freed by the test might
// be taken by another process's server a moment later.
const CLOSED_PORT = 1;

function runFixture(env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const child = spawnSync(process.execPath, [MOCHA, '--no-config', '--exit', '--timeout', '30000', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;

describe('test servers: the guard', function () {
  this.timeout(120_000);

  it('knows when something listens on a port and when nothing does', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      assert.equal(await reachable('127.0.0.1', port), true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.equal(await reachable('127.0.0.1', CLOSED_PORT), false);
  });

  it('is not fooled by nock, which answers connections in this process that no server accepted', async () => {
    if (!nock.isActive()) nock.activate();
    assert.equal(await reachable('127.0.0.1', CLOSED_PORT), false);
  });

  it('reads the servers from their variables, with the defaults the README gives', () => {
    assert.deepEqual(postgresAddress({}), { name: 'PostgreSQL', host: '127.0.0.1', port: 5432, variable: 'LIFECERT_TEST_PG_ADMIN_URL' });
    assert.deepEqual(postgresAddress({ LIFECERT_TEST_PG_ADMIN_URL: 'postgres://u@db.internal:6543/postgres' }).port, 6543);
    assert.deepEqual(redisAddress({ REDIS_URL: 'redis://cache:7000' }), { name: 'Redis', host: 'cache', port: 7000, variable: 'REDIS_URL' });
    assert.equal(redisAddress({}).port, 6379);
    assert.deepEqual(redisAddress({ REDIS_URL: 'redis://cache:7000', LIFECERT_TEST_REDIS_URL: 'redis://test-cache:7001' }), { name: 'Redis', host: 'test-cache', port: 7001, variable: 'LIFECERT_TEST_REDIS_URL' });
    assert.match(startHint(postgresAddress({})), /pg_ctlcluster .* main start, or point LIFECERT_TEST_PG_ADMIN_URL at one/);
    assert.match(startHint(redisAddress({})), /redis-server --daemonize yes --port 6379/);
    assert.equal(serversRequired({}), false);
    assert.equal(serversRequired({ LIFECERT_REQUIRE_SERVERS: '0' }), false);
    assert.equal(serversRequired({ LIFECERT_REQUIRE_SERVERS: '1' }), true);
  });

  it('without the servers: their suites skip, one line per server says how to start it, the rest passes', async () => {
    const { status, output } = runFixture({
      LIFECERT_TEST_PG_ADMIN_URL: `postgres://postgres@127.0.0.1:${CLOSED_PORT}/postgres`,
      REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}`,
      LIFECERT_TEST_REDIS_URL: '',
      LIFECERT_REQUIRE_SERVERS: '',
    });
    assert.equal(status, 0, output);
    assert.match(output, /\b1 passing\b/);
    assert.match(output, /\b3 pending\b/);
    assert.doesNotMatch(output, /failing|ECONNREFUSED/);
    assert.equal(count(output, /PostgreSQL not reachable at 127\.0\.0\.1:1 — skipped 2 suites; start it with: /), 1, output);
    assert.equal(count(output, /Redis not reachable at 127\.0\.0\.1:1 — skipped 1 suite; start it with: redis-server/), 1, output);
    assert.equal(count(output, /not reachable/), 2, output);
  });

  it('under LIFECERT_REQUIRE_SERVERS a missing server fails its suites', async () => {
    const { status, output } = runFixture({
      LIFECERT_TEST_PG_ADMIN_URL: `postgres://postgres@127.0.0.1:${CLOSED_PORT}/postgres`,
      REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}`,
      LIFECERT_TEST_REDIS_URL: '',
      LIFECERT_REQUIRE_SERVERS: '1',
    });
    assert.notEqual(status, 0, output);
    assert.match(output, /\b1 passing\b/);
    assert.match(output, /\b3 failing\b/);
    assert.equal(count(output, /not reachable at 127\.0\.0\.1:1 and LIFECERT_REQUIRE_SERVERS is set/), 3, output);
  });

  it('every test file that opens a server connection calls the guard', () => {
    // what opens a connection to the tests' PostgreSQL or Redis, and the guard each one needs
    const needs: Array<[RegExp, RegExp]> = [
      [/createScratchPostgres\(|mirrorWithRoster\(|new pg\.(Client|Pool)\(/, /requirePostgres\(\)|forEachDatabase\(/],
      [/new Redis\(|dropPrefix\(/, /requireRedis\(\)/],
    ];
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []));
    const unguarded = files(path.join(ROOT, 'test'))
      .filter((f) => f !== import.meta.filename)
      .flatMap((f) => {
        const text = fs.readFileSync(f, 'utf8');
        return needs.filter(([opens, guard]) => opens.test(text) && !guard.test(text)).map(([, guard]) => `${path.relative(ROOT, f)} lacks ${guard.source}`);
      });
    assert.deepEqual(unguarded, []);
  });

  describe('with the servers', () => {
    requirePostgres();
    requireRedis();

    it('their suites run and pass', () => {
      const { status, output } = runFixture({});
      assert.equal(status, 0, output);
      assert.match(output, /\b4 passing\b/);
      assert.doesNotMatch(output, /pending|not reachable/);
    });
  });
});
