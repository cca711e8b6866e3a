// The hub of `npm run bench` (bench/month.ts), in a process of its own so that its CPU time and
// peak RSS are the hub's alone: open the scratch PostgreSQL mirror, migrate, load the roster
// (setup), then the month as `lifecert run` does it — every connector side by side, each
// connector's datasets in turn (ingestAll) — and the match shard by shard (decide, then
// publish), each stage timed. After the timing, the results are compared with the generator's.
// Neither the world nor its expectation is ever read whole: the roster and the expected results
// are streamed (json-members.ts), so the process's memory does not grow with the world file.
import { performance } from 'node:perf_hooks';
import { buildConnectors } from '../config/index.ts';
import { sandboxSources } from '../sandbox/hub-sources.ts';
import type { Db, Queryable } from '../mirror/index.ts';
import { loadRoster, migrate, openDatabase, refreshMatchStatistics, rosterShards } from '../mirror/index.ts';
import { emptyIngestStats, ingestAll } from '../pipeline/ingest.ts';
import { decideShard } from '../matching/index.ts';
import { publishArea, readAreasAhead } from '../pipeline/match.ts';
import type { PullCounts, RosterEntry } from '../schemas/types.ts';
import { jsonMembers } from './json-members.ts';
import { verifyMonth } from './month-verify.ts';
import type { HubStage, MonthHubConfig, MonthHubMessage, MonthHubResult } from './month-messages.ts';

function send(message: MonthHubMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Wall and this process's CPU of one stretch of work, in seconds. */
class Meter {
  wall = 0;
  cpu = 0;
  private wallFrom = 0;
  private cpuFrom: NodeJS.CpuUsage = { user: 0, system: 0 };
  start(): void {
    this.wallFrom = performance.now();
    this.cpuFrom = process.cpuUsage();
  }
  stop(): void {
    this.wall += (performance.now() - this.wallFrom) / 1000;
    const d = process.cpuUsage(this.cpuFrom);
    this.cpu += (d.user + d.system) / 1e6;
  }
}

/** With BENCH_SQL_TIMES=1: wall ms per statement (its first words), printed on stderr at the end. */
const sqlTimes = new Map<string, { n: number; ms: number }>();
function timed<T extends Queryable>(q: T): T {
  if (process.env.BENCH_SQL_TIMES !== '1') return q;
  return new Proxy(q, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'query') {
        return async (sql: string, params?: unknown[]) => {
          const t0 = performance.now();
          try {
            return await (v as Queryable['query']).call(target, sql, params);
          } finally {
            const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
            const e = sqlTimes.get(key) ?? { n: 0, ms: 0 };
            e.n += 1;
            e.ms += performance.now() - t0;
            sqlTimes.set(key, e);
          }
        };
      }
      if (prop === 'transaction') {
        return <R>(fn: (tx: Queryable) => Promise<R>) => (v as Db['transaction']).call(target, (tx: Queryable) => fn(timed(tx)));
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Peaks of the hub's memory by kind, sampled twice a second (on stderr at the end): how much of
 * the peak RSS is live JavaScript objects, how much the heap the collector keeps around them, and
 * how much buffers outside it.
 */
function watchMemory(): () => string {
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
  };
  const timer = setInterval(sample, 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    const mib = (n: number): string => `${(n / 1048576).toFixed(0)} MiB`;
    return `hub memory peaks: RSS ${mib(peak.rss)}, V8 heap ${mib(peak.heapTotal)} of which live objects ≤ ${mib(peak.heapUsed)}, external ${mib(peak.external)} (array buffers ${mib(peak.arrayBuffers)})`;
  };
}

export async function runMonthHub(config: MonthHubConfig): Promise<MonthHubResult> {
  const memory = watchMemory();
  const setup = new Meter();
  setup.start();
  const db = timed(await openDatabase({ databaseUrl: config.databaseUrl }));
  try {
    await migrate(db);
    // streamed from the world file: a 10,000,000-person roster never in memory at once
    const persons = await loadRoster(db, (function* () {
      for (const [, entry] of jsonMembers<RosterEntry>(config.worldFile, 'roster')) yield entry;
    })());
    setup.stop();

    await send({ kind: 'stage', stage: 'ingest' satisfies HubStage });
    const connectors = buildConnectors(sandboxSources(config.sandboxUrl, config.civilDir, config.cities));
    const stats = emptyIngestStats();
    const ingest = new Meter();
    ingest.start();
    const counts: Record<string, PullCounts> = await ingestAll({ db, connectors, asOf: config.asOf, runId: config.runId, stats, parallel: true });
    ingest.stop();

    await send({ kind: 'stage', stage: 'match' satisfies HubStage });
    const decide = new Meter();
    const publish = new Meter();
    const matchWall = new Meter();
    matchWall.start();
    const decisions: Record<string, number> = {};
    let matched = 0;
    // as matchPeriod does
    decide.start();
    await refreshMatchStatistics(db);
    decide.stop();
    // the next shard is read while this one is decided and published: "decide" is the wait for
    // a shard's inputs plus the engine, "publish" the shard's transaction
    const areas = readAreasAhead(db, await rosterShards(db))[Symbol.asyncIterator]();
    for (;;) {
      decide.start();
      const next = await areas.next();
      if (next.done) {
        decide.stop();
        break;
      }
      const area = next.value;
      const results = decideShard(area.entries, area.byPerson, { period: config.period, asOf: config.asOf });
      decide.stop();
      publish.start();
      await publishArea(db, area.areaCode, config.period, config.runId, results, `${config.asOf}T00:00:00+08:00`);
      publish.stop();
      matched += results.length;
      for (const r of results) decisions[r.decision] = (decisions[r.decision] ?? 0) + 1;
    }
    matchWall.stop();
    const peakRssKiB = process.resourceUsage().maxRSS;
    process.stderr.write(`  ${memory()}\n`);
    for (const [k, v] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) process.stderr.write(`${v.ms.toFixed(0).padStart(8)} ms ${String(v.n).padStart(7)}×  ${k}\n`);
    await send({ kind: 'stage', stage: 'verify' satisfies HubStage });

    // outside the timing: every result against the generator's expectation, both streamed in personId order
    const { differences, countDifferences, firstDifference, resultsDigest } = await verifyMonth(db, config.period, config.expectedFile, counts);
    return {
      persons,
      matched,
      decisions,
      counts,
      setup: { wall: setup.wall, cpu: setup.cpu },
      ingest: { wall: ingest.wall, cpu: ingest.cpu, ...stats },
      decide: { wall: decide.wall, cpu: decide.cpu },
      publish: { wall: publish.wall, cpu: publish.cpu },
      matchWall: matchWall.wall,
      peakRssKiB,
      differences,
      countDifferences,
      firstDifference,
      resultsDigest,
    };
  } finally {
    await db.close();
  }
}

if (process.send && process.argv[2]) {
  const config = JSON.parse(process.argv[2]) as MonthHubConfig;
  try {
    await send({ kind: 'result', result: await runMonthHub(config) });
  } catch (err) {
    await send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
  }
  process.disconnect();
}
