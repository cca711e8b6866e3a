// `npm run bench:api [-- --persons N] [--clients C] [--seconds S] [--quick]`
// The gateway under load: `lifecert serve` in its own process over a fresh PostgreSQL mirror of
// N persons (roster, one period of results, a month of pulls — loaded directly with COPY), and C
// clients in this process, each paging through results (100 a page, up to 10 pages, as an
// operator of the province or of one city) or reading connector health, for S seconds. Prints
// requests/s, p50 / p90 / p99 / max per endpoint and the errors (exit status 1 if any).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { buildConnectors, resolveHubConfig } from '../config/index.ts';
import { checkCharacter } from '../connectors/kit/normalize/identity.ts';
import { createUser, issueToken } from '../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../lib/working-calendar.ts';
import { loadRoster, migrate, openDatabase } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { RosterEntry } from '../schemas/types.ts';
import { environment, runBench } from './common.ts';
import type { Teardown } from './common.ts';
import { createScratchDatabase, findPostgres, redactUrl } from './postgres.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/lifecert.js');
const SECRET = 'bench-api-secret';
const PERIOD = '2026-11';
const CITIES = ['4401', '4402', '4403', '4404', '4405', '4406', '4407', '4408', '4409', '4412', '4413', '4414', '4415', '4416', '4417', '4418', '4419', '4420', '4451', '4452', '4453'];
const COUNTIES = CITIES.flatMap((city) => Array.from({ length: 6 }, (_, j) => `${city}${String(2 * j + 2).padStart(2, '0')}`));
const DECISIONS = ['eligible', 'eligible', 'eligible', 'eligible', 'eligible', 'eligible', 'ineligible', 'suspect', 'excluded'] as const;

const USAGE = `usage: npm run bench:api -- [--persons N] [--clients C] [--seconds S] [--quick]
  --persons N   persons in the mirror (default 100000)
  --clients C   concurrent clients (default 50)
  --seconds S   how long the clients run (default 30)
  --quick       a smoke run: 10000 persons, 10 clients, 5 seconds
PostgreSQL: DATABASE_URL's server, else 127.0.0.1:5432; a fresh database lifecert_bench_<random>
is created for the run and dropped after. Redis: REDIS_URL (default redis://127.0.0.1:6379).`;

interface Options {
  persons: number;
  clients: number;
  seconds: number;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: { persons: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return null;
  const positive = (text: string | undefined, flag: string, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive whole number, got '${text}'`);
    return n;
  };
  const quick = values.quick === true;
  return {
    persons: positive(values.persons, 'persons', quick ? 10_000 : 100_000),
    clients: positive(values.clients, 'clients', quick ? 10 : 50),
    seconds: positive(values.seconds, 'seconds', quick ? 5 : 30),
  };
}

function personId(county: string, i: number): string {
  const first17 = `${county}${1930 + (i % 40)}${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/** The roster, one period of results, and a month of nightly pulls with a few staged records per dataset. */
async function fillMirror(db: Db, persons: number, datasets: { channel: string; dataset: string }[]): Promise<void> {
  const roster: RosterEntry[] = Array.from({ length: persons }, (_, i) => {
    const county = COUNTIES[i % COUNTIES.length];
    return {
      personId: personId(county, Math.floor(i / COUNTIES.length)), name: `受益人${i}`, sex: i % 2 === 0 ? '1' : '2', birthDate: '1950-01-01', areaCode: county,
      benefitStatus: 'normal', accountStatus: 'active', lastCertifiedMonth: '2026-03', startedMonth: '2012-07', paidThrough: '2026-11', monthlyAmountFen: 18_000,
    };
  });
  await loadRoster(db, roster);
  await db.copyInto(
    'results',
    ['period', 'person_id', 'area_code', 'decision', 'action', 'reasons', 'certified_month', 'certified_until', 'evidence', 'run_id'],
    roster.map((e, i) => [PERIOD, e.personId, e.areaCode, DECISIONS[i % DECISIONS.length], i % 9 === 6 ? 'STOP' : 'RECORD', ['CERT_VALID'], PERIOD, '2027-11', [{ source: 'ministry', dataset: 'auth', recordId: `R${i}`, origin: 'ministry' }], 'bench']),
  );
  const day = 24 * 3600 * 1000;
  const start = Date.parse('2026-10-21T02:00:00+08:00');
  for (const { channel, dataset } of datasets) {
    for (let d = 0; d < 30; d++) {
      const begun = start + d * day;
      const failed = d % 10 === 9;
      const { rows } = await db.query<{ pull_id: number }>(
        `INSERT INTO pulls (run_id, channel, dataset, as_of, status, started_at, finished_at, pulled, staged, rejected, skipped, error)
         VALUES ('bench', $1, $2, $3, $4, $5, $6, $7, $7, 0, 0, $8) RETURNING pull_id`,
        [channel, dataset, new Date(begun).toISOString().slice(0, 10), failed ? 'failed' : 'succeeded', new Date(begun).toISOString(), new Date(begun + 300_000).toISOString(), failed ? 0 : 200, failed ? 'LIFECERT_HTTP_TIMEOUT: no answer' : null],
      );
      if (failed) continue;
      await db.copyInto(
        'source_records',
        ['channel', 'dataset', 'record_id', 'raw_hash', 'raw', 'source_updated_at', 'received_at', 'pull_id', 'outcome', 'person_id', 'is_current', 'event_id', 'origin', 'kind', 'name', 'date', 'detail'],
        Array.from({ length: 20 }, (_, k) => {
          const id = `${d}-${k}`;
          return [channel, dataset, id, `h${id}`, {}, new Date(begun - 3600_000 + k).toISOString(), new Date(begun).toISOString(), rows[0].pull_id, 'staged', roster[(d * 20 + k) % persons].personId, true, `${channel}${dataset}${id}`, 'ministry', 'ALIVE', '', '2026-11-01', {}];
        }),
      );
    }
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Tally {
  latencies: number[];
  errors: number;
  statuses: Map<string, number>;
}

function startServe(env: NodeJS.ProcessEnv, cwd: string, teardown: Teardown): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-4000)));
  teardown.add('stop lifecert serve', async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /listening on (http:\/\/\S+) /.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`lifecert serve exited with ${code}: ${err}`)));
  });
}

async function body(options: Options, teardown: Teardown): Promise<number> {
  const found = await findPostgres();
  if ('skipped' in found) throw new Error(`bench:api needs PostgreSQL: ${found.skipped}`);
  const load1 = os.loadavg()[0];
  process.stdout.write(`bench:api — ${options.clients} clients for ${options.seconds} s on a ${options.persons.toLocaleString('en')}-person mirror\n${environment()}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-bench-api-'));
  teardown.add('remove the working folder', () => fs.rmSync(dir, { recursive: true, force: true }));
  const scratch = await createScratchDatabase(found.adminUrl);
  teardown.add('drop the scratch database', () => scratch.drop());

  // sources that are never contacted: the gateway only names them and reads their pulls
  const secretRef = { env: 'BENCH_SOURCE_SECRET' };
  const rawConfig = {
    sources: {
      ministry: { url: 'http://127.0.0.1:9/ministry/ws/cert', username: 'bench', password: secretRef },
      bigdata: { url: 'http://127.0.0.1:9/bigdata', appId: 'bench', appSecret: secretRef },
      police: CITIES.slice(0, 3).map((city) => ({ city, url: `http://127.0.0.1:9/police/${city}`, clientId: 'bench', clientSecret: secretRef })),
      civil: { inboxDir: path.join(dir, 'inbox'), outboxDir: path.join(dir, 'outbox') },
      health: { url: 'http://127.0.0.1:9/health', apiKey: secretRef },
    },
  };
  const configFile = path.join(dir, 'lifecert.config.json');
  fs.writeFileSync(configFile, JSON.stringify(rawConfig));
  const sourceEnv = { BENCH_SOURCE_SECRET: 'not-a-real-secret' };
  const datasets = buildConnectors(resolveHubConfig(rawConfig, sourceEnv).sources).flatMap((c) => c.datasets.map((dataset) => ({ channel: c.channel, dataset })));

  const filling = performance.now();
  const db = await openDatabase({ databaseUrl: scratch.url });
  const tokens: string[] = [];
  try {
    await migrate(db);
    await fillMirror(db, options.persons, datasets);
    await db.exec('ANALYZE');
    const ctx = { db, secret: SECRET, now: Date.now, calendar: loadWorkingCalendar() };
    for (const [i, region] of ['44', '44', '4401', '4403', '4419'].entries()) {
      const user = await createUser(ctx, { name: `bench operator ${i}`, roles: ['operator'], region }, 'cli:bench');
      tokens.push((await issueToken(ctx, user.userId, 1, 'cli:bench')).token);
    }
  } finally {
    await db.close();
  }
  process.stdout.write(`mirror filled in ${((performance.now() - filling) / 1000).toFixed(1)} s (${redactUrl(scratch.url)}): ${options.persons} roster entries and results, ${datasets.length} datasets × 30 nightly pulls\n`);

  const { url } = await startServe(
    { ...process.env, ...sourceEnv, DATABASE_URL: scratch.url, LIFECERT_SECRET: SECRET, LIFECERT_CONFIG: configFile, PORT: '0', HOST: '127.0.0.1', LIFECERT_QUEUE_PREFIX: `bench-api-${process.pid}` },
    dir,
    teardown,
  );
  const tallies = new Map<string, Tally>([['results', { latencies: [], errors: 0, statuses: new Map() }], ['connectors', { latencies: [], errors: 0, statuses: new Map() }]]);
  const call = async (endpoint: 'results' | 'connectors', pathAndQuery: string, token: string): Promise<{ nextCursor?: string | null } | null> => {
    const tally = tallies.get(endpoint) as Tally;
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      tally.latencies.push(performance.now() - t0);
      tally.statuses.set(String(res.status), (tally.statuses.get(String(res.status)) ?? 0) + 1);
      if (res.status !== 200) {
        tally.errors += 1;
        return null;
      }
      return JSON.parse(text) as { nextCursor?: string | null };
    } catch (err) {
      tally.latencies.push(performance.now() - t0);
      tally.errors += 1;
      tally.statuses.set((err as Error).name, (tally.statuses.get((err as Error).name) ?? 0) + 1);
      return null;
    }
  };
  // warm up the server's schema compilers and the database's caches
  for (const token of tokens) await call('connectors', '/api/v1/connectors', token);
  for (const t of tallies.values()) {
    t.latencies.length = 0;
    t.statuses.clear();
    t.errors = 0;
  }

  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let rng = 12345;
  const random = () => {
    rng = (rng * 1103515245 + 12345) & 0x7fffffff;
    return rng / 0x7fffffff;
  };
  const client = async (n: number): Promise<void> => {
    while (performance.now() < deadline) {
      const token = tokens[n % tokens.length];
      if (random() < 0.3) {
        await call('connectors', '/api/v1/connectors?limit=100', token);
        continue;
      }
      // an operator pages through part of the period's results, sometimes of one decision
      const filter = random() < 0.3 ? '&decision=suspect' : '';
      let cursor: string | null | undefined;
      for (let page = 0; page < 10 && performance.now() < deadline; page++) {
        const answer = await call('results', `/api/v1/results?period=${PERIOD}&limit=100${filter}${cursor ? `&cursor=${cursor}` : ''}`, token);
        cursor = answer?.nextCursor;
        if (!cursor) break;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
  const elapsed = (performance.now() - started) / 1000;

  let total = 0;
  let errors = 0;
  const all: number[] = [];
  const lines: string[] = [];
  for (const [endpoint, t] of tallies) {
    const sorted = Float64Array.from(t.latencies).sort();
    total += sorted.length;
    errors += t.errors;
    all.push(...t.latencies);
    lines.push(
      `  ${endpoint.padEnd(11)} ${String(sorted.length).padStart(8)}  ${(sorted.length / elapsed).toFixed(0).padStart(7)}/s  p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  p90 ${percentile(sorted, 90).toFixed(1).padStart(6)} ms  p99 ${percentile(sorted, 99).toFixed(1).padStart(7)} ms  max ${(sorted.at(-1) ?? 0).toFixed(0).padStart(5)} ms  errors ${t.errors}  (${[...t.statuses].map(([s, n]) => `${s}: ${n}`).join(', ')})`,
    );
  }
  const sortedAll = Float64Array.from(all).sort();
  process.stdout.write(
    `\n  endpoint    requests      rate\n${lines.join('\n')}\n` +
      `  ${'all'.padEnd(11)} ${String(total).padStart(8)}  ${(total / elapsed).toFixed(0).padStart(7)}/s  p50 ${percentile(sortedAll, 50).toFixed(1).padStart(6)} ms  p90 ${percentile(sortedAll, 90).toFixed(1).padStart(6)} ms  p99 ${percentile(sortedAll, 99).toFixed(1).padStart(7)} ms  errors ${errors}\n` +
      `\n${options.clients} clients, ${elapsed.toFixed(1)} s; load average (1 min) ${load1.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end (other work on the machine slows every figure)\n`,
  );
  if (errors > 0) process.stdout.write(`FAILED: ${errors} requests did not get a 200\n`);
  return errors > 0 ? 1 : 0;
}

runBench('bench:api', USAGE, () => parseOptions(process.argv.slice(2)), body);
