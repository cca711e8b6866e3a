// `npm run bench -- --workers 1,2` on a tiny world, end to end: real `lifecert worker` processes
// against PostgreSQL and Redis, the sources served by the sandbox in its own process. Each
// queued month (one worker, then two) must publish the generator's results and counts, the two
// runs the same results, every job must be done by some worker, and the /proc figures of every
// process must be there. Nothing is asserted on time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Teardown } from '../../bench/common.ts';
import { runWorkersMonth, workersProblems } from '../../bench/month-workers.ts';
import type { WorkersSection } from '../../bench/month-workers.ts';
import { generateWorld, writeWorld } from '../../sandbox/generate.ts';
import { PG_ADMIN_URL } from '../mirror/db-targets.ts';
import { requirePostgres, requireRedis, testRedisUrl } from '../support/servers.ts';

const PERSONS = 200;

describe('bench --workers: the month as queued jobs on one and on two worker processes', function () {
  requirePostgres();
  requireRedis();
  this.timeout(180_000);

  let dir: string;
  let section: WorkersSection;
  let expectedRecords: number;
  let datasets: number;
  let areas: number;
  const teardown = new Teardown();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-test-bench-workers-'));
    const generated = generateWorld({ persons: PERSONS, seed: 'bench-workers', faults: false });
    const files = writeWorld(generated, { dir });
    expectedRecords = Object.values(generated.expected.counts).reduce((s, c) => s + c.pulled, 0);
    datasets = Object.keys(generated.expected.counts).length;
    areas = new Set(generated.world.roster.map((r) => r.areaCode)).size;
    section = await runWorkersMonth({
      world: {
        worldFile: files.world, expectedFile: files.expected, period: generated.world.period, asOf: generated.world.asOf, cities: Object.keys(generated.world.sources.police ?? {}),
      },
      adminUrl: PG_ADMIN_URL,
      redisUrl: testRedisUrl(),
      counts: [1, 2],
      teardown,
      say: () => undefined,
    });
  });

  after(async () => {
    await teardown.runAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the generator\'s results and counts on one worker and on two, the same results both times', () => {
    assert.deepEqual(section.runs.map((r) => r.workers), [1, 2]);
    for (const r of section.runs) {
      assert.equal(r.differences, 0, `${r.workers} worker(s): ${r.firstDifference}`);
      assert.equal(r.countDifferences, 0, `${r.workers} worker(s): ${r.firstDifference}`);
      assert.equal(r.persons, PERSONS);
      assert.equal(r.records, expectedRecords);
      assert.equal(Object.keys(r.counts).length, datasets);
      assert.equal(Object.values(r.decisions).reduce((s, n) => s + n, 0), PERSONS);
    }
    assert.equal(section.identical, true);
    assert.match(section.runs[0].resultsDigest, /^[0-9a-f]{64}$/);
    assert.deepEqual(workersProblems(section, section.runs[0].resultsDigest), []);
  });

  it('has every pull and every shard done by one of the run\'s workers, and figures for every process', () => {
    for (const r of section.runs) {
      assert.equal(r.perWorker.length, r.workers);
      const done = (name: string) => r.perWorker.reduce((s, p) => s + (p.jobs[name] ?? 0), 0);
      assert.equal(done('pull'), datasets, `${r.workers} worker(s): pulls`);
      assert.equal(done('shard'), areas, `${r.workers} worker(s): shards`);
      assert.equal(done('publish'), 1);
      for (const p of r.perWorker) {
        assert.ok(p.cpuSeconds > 0, 'a worker\'s CPU over the run');
        assert.ok(p.peakRssKiB > 10_000, 'a worker\'s peak RSS');
      }
      assert.ok(r.postgres.backends > 0 && r.postgres.cpuSeconds > 0 && r.postgres.largestPeakRssKiB > 0);
      assert.ok(r.sandbox.peakRssKiB > 0);
      assert.ok(r.seconds > 0 && r.pullSeconds !== null && r.matchSeconds !== null);
    }
  });

  it('leaves no key of its queue prefixes in Redis and drops its databases', async () => {
    await teardown.runAll();
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    try {
      const left: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `lifecert-bench-${process.pid}-*`, 'COUNT', 1000);
        cursor = next;
        left.push(...keys);
      } while (cursor !== '0');
      assert.deepEqual(left, []);
    } finally {
      redis.disconnect();
    }
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [section.runs.map((r) => r.database)]);
      assert.deepEqual(rows, []);
    } finally {
      await admin.end();
    }
  });

  it('names what differs: results off the generator\'s, runs that disagree, a run that is not the hub\'s', () => {
    const run = section.runs[0];
    const bad: WorkersSection = { workerArgs: [], identical: false, runs: [{ ...run, differences: 2, firstDifference: 'p1 decision' }, { ...section.runs[1], resultsDigest: 'x'.repeat(64) }] };
    const problems = workersProblems(bad, run.resultsDigest);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^1 worker\(s\): 2 results and 0 dataset counts differ.*p1 decision/);
    assert.match(problems[1], /runs on 2 workers published other results than the one-process hub/);
    assert.match(problems[2], /published different results/);
  });
});
