// Suites that need a server (PostgreSQL now, Redis with the service) call requirePostgres() /
// requireRedis() first thing in their `describe`. When the server does not answer, the suite is
// skipped and, at the end of the run, ONE line per server says so and how to start it, so that
// `npm test` on a machine without servers runs everything else and passes. CI sets
// LIFECERT_REQUIRE_SERVERS=1 (.ci/run): then a missing server fails the suite instead, and a
// run that skipped one cannot pass.
import { execFile } from 'node:child_process';
import fs from 'node:fs';

export interface ServerAddress {
  name: 'PostgreSQL' | 'Redis';
  host: string;
  port: number;
  /** the variable that points the tests at another server */
  variable: string;
}

export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The PostgreSQL server the tests create their scratch databases on. */
export function postgresAddress(env: NodeJS.ProcessEnv = process.env): ServerAddress {
  const url = new URL(env.LIFECERT_TEST_PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL);
  return { name: 'PostgreSQL', host: url.hostname || '127.0.0.1', port: Number(url.port || 5432), variable: 'LIFECERT_TEST_PG_ADMIN_URL' };
}

/** The tests' Redis: LIFECERT_TEST_REDIS_URL, else the hub's own REDIS_URL, else the default. */
export function testRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIFECERT_TEST_REDIS_URL || env.REDIS_URL || DEFAULT_REDIS_URL;
}

export function redisAddress(env: NodeJS.ProcessEnv = process.env): ServerAddress {
  const url = new URL(testRedisUrl(env));
  const variable = env.LIFECERT_TEST_REDIS_URL ? 'LIFECERT_TEST_REDIS_URL' : 'REDIS_URL';
  return { name: 'Redis', host: url.hostname || '127.0.0.1', port: Number(url.port || 6379), variable };
}

// Run in a process of its own: in the test process nock (through @mswjs/interceptors) patches
// net.connect and answers a connection that no server accepted, so a probe here would find every
// port open once a nock suite has loaded.
const PROBE = `const [host, port, ms] = process.argv.slice(1);
const s = require('node:net').connect({ host, port: Number(port) });
s.setTimeout(Number(ms), () => process.exit(1));
s.once('connect', () => process.exit(0));
s.once('error', () => process.exit(1));`;

/** True when something accepts a TCP connection at host:port within `timeoutMs`. */
export function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', PROBE, host, String(port), String(timeoutMs)], { timeout: timeoutMs + 10_000 }, (err) => resolve(err === null));
  });
}

/** How to start the server on this machine (Debian's cluster tools when they are there). */
export function startHint(server: ServerAddress): string {
  if (server.name === 'PostgreSQL') {
    const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql').sort() : [];
    const start = versions.length > 0 ? `pg_ctlcluster ${versions[versions.length - 1]} main start` : 'pg_ctlcluster <version> main start (or your service manager)';
    return `start it with: ${start}, or point ${server.variable} at one`;
  }
  return `start it with: redis-server --daemonize yes --port ${server.port}, or point ${server.variable} at one`;
}

export function unreachableLine(server: ServerAddress, suites: number): string {
  return `${server.name} not reachable at ${server.host}:${server.port} — skipped ${suites} suite${suites === 1 ? '' : 's'}; ${startHint(server)}`;
}

/** LIFECERT_REQUIRE_SERVERS set to anything but '' or '0': a missing server is a failure. */
export function serversRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.LIFECERT_REQUIRE_SERVERS;
  return v !== undefined && v !== '' && v !== '0';
}

const probes = new Map<string, Promise<boolean>>();
const skipped = new Map<string, { server: ServerAddress; suites: Set<string> }>();

function probe(server: ServerAddress): Promise<boolean> {
  const key = `${server.host}:${server.port}`;
  let p = probes.get(key);
  if (!p) {
    p = reachable(server.host, server.port);
    probes.set(key, p);
  }
  return p;
}

function requireServer(server: () => ServerAddress): void {
  // registered first in the suite, so it runs before the suite's own hooks open anything
  before(async function () {
    const address = server();
    if (await probe(address)) return;
    if (serversRequired()) {
      throw new Error(`${address.name} not reachable at ${address.host}:${address.port} and LIFECERT_REQUIRE_SERVERS is set; ${startHint(address)}`);
    }
    const key = `${address.name} ${address.host}:${address.port}`;
    if (!skipped.has(key)) skipped.set(key, { server: address, suites: new Set() });
    skipped.get(key)?.suites.add(this.test?.parent?.fullTitle() ?? '?');
    this.skip();
  });
}

/** The current suite needs the tests' PostgreSQL server (LIFECERT_TEST_PG_ADMIN_URL). */
export function requirePostgres(): void {
  requireServer(() => postgresAddress());
}

/** The current suite needs Redis (LIFECERT_TEST_REDIS_URL, else REDIS_URL). */
export function requireRedis(): void {
  requireServer(() => redisAddress());
}

// A root hook: once every suite has run, one line per missing server. (Outside mocha — a
// benchmark borrowing a test helper — there is no `after`, and nothing to report.)
if (typeof after === 'function') {
  after(function () {
    const lines = [...skipped.values()].map(({ server, suites }) => `  ${unreachableLine(server, suites.size)}`);
    if (lines.length > 0) console.log(`\n${lines.join('\n')}`);
  });
}
