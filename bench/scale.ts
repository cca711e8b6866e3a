// `npm run bench:scale [-- --quick]`
// The timings the tests used to assert, measured instead, each at two sizes ten times apart so
// that the growth shows beside the figure:
// - the sandbox with N big-data and N ministry records: start (sort once), the first page and a
//   deep page (binary search: the deep page costs what the first does, at either size);
// - the report page of N results (one pass: ten times the results, about ten times the time);
// - the world generator at N persons.
// The tests (test/sandbox/scale.test.ts, test/report/render-report.test.ts,
// test/generate/generate.test.ts) keep what these produce right; this prints figures and
// asserts nothing on time.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { renderReport } from '../report/index.ts';
import { generateWorld } from '../sandbox/generate.ts';
import { envelope, queryBody, securityHeader, signedFetch, soapCall, start, xmlRecords } from '../test/sandbox/helpers.ts';
import { scaleWorld } from '../test/sandbox/scale-world.ts';
import { largeFixture } from '../test/report/fixture.ts';
import { environment, runBench } from './common.ts';

interface Sizes {
  /** records per dataset in the sandbox */
  sandbox: [number, number];
  /** results on the report page */
  report: [number, number];
  /** persons in a generated world */
  generator: [number, number];
}

const FULL: Sizes = { sandbox: [30_000, 300_000], report: [10_000, 100_000], generator: [20_000, 200_000] };
const QUICK: Sizes = { sandbox: [3_000, 30_000], report: [1_000, 10_000], generator: [2_000, 20_000] };

/** Page requests timed per figure; the median is printed. */
const REPEATS = 7;

const USAGE = `usage: npm run bench:scale -- [--quick]
  --quick   smaller sizes (sandbox ${QUICK.sandbox.join(' / ')}, report ${QUICK.report.join(' / ')}, generator ${QUICK.generator.join(' / ')})
Default sizes: sandbox ${FULL.sandbox.join(' / ')} records per dataset, report ${FULL.report.join(' / ')} results,
generator ${FULL.generator.join(' / ')} persons. Prints each figure at both sizes and their ratio.`;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : int(x));
const ratio = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(2)}` : '—');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** Median of REPEATS runs after one warm-up. */
async function medianMs(f: () => Promise<unknown> | unknown): Promise<number> {
  await f();
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push((await timed(f)).ms);
  return median(runs);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ')}`;
  return [line(head), ...rows.map(line)].join('\n');
}

interface SandboxFigures {
  records: number;
  startMs: number;
  firstMs: number;
  deepMs: number;
  ministryFirstMs: number;
  ministryLateMs: number;
  latePage: number;
}

async function sandboxAt(n: number): Promise<SandboxFigures> {
  const world = scaleWorld(n);
  const { ms: startMs, value: s } = await timed(() => start(world));
  try {
    const limit = 1000;
    const bigdataPage = async (since: string) => {
      const res = await signedFetch(s.sandbox, 'GET', '/bigdata/api/v1/datasets/hukou/records', [['limit', String(limit)], ['updatedSince', since]], undefined, s.clock.t);
      const body = (await res.json()) as { data: { records: unknown[] } };
      if (body.data.records.length !== Math.min(limit, n)) throw new Error(`a big-data page of ${body.data.records.length} records, not ${limit}`);
    };
    // the last full page: from the update time `limit` records before the end (China time)
    const times = (world.sources.bigdata?.hukou ?? []).map((r) => r.GXSJ).sort();
    const deepSince = `${times[Math.max(0, times.length - limit)].replace(' ', 'T')}+08:00`;
    const pageSize = 500;
    const latePage = Math.max(1, Math.floor(n / pageSize));
    const ministryPage = async (pageNo: number) => {
      const r = await soapCall(
        s.sandbox,
        'QueryCertData',
        envelope(securityHeader(s.clock.t), queryBody({ dataType: 'AUTH', startDate: '20000101', endDate: '20261128', pageNo, pageSize })),
      );
      const got = xmlRecords(r.text).length;
      if (got !== pageSize) throw new Error(`ministry page ${pageNo} held ${got} records, not ${pageSize}`);
    };
    return {
      records: n,
      startMs,
      firstMs: await medianMs(() => bigdataPage('2026-11-01T00:00:00+08:00')),
      deepMs: await medianMs(() => bigdataPage(deepSince)),
      ministryFirstMs: await medianMs(() => ministryPage(1)),
      ministryLateMs: await medianMs(() => ministryPage(latePage)),
      latePage,
    };
  } finally {
    await s.stop();
  }
}

async function reportAt(n: number): Promise<{ results: number; ms: number; chars: number }> {
  const { input } = largeFixture(n);
  let chars = 0;
  const t = await medianMs(() => {
    chars = renderReport(input).length;
  });
  return { results: n, ms: t, chars };
}

async function generatorAt(n: number): Promise<{ persons: number; ms: number; records: number }> {
  const { ms: t, value } = await timed(() => generateWorld({ persons: n, seed: 'bench-scale' }));
  const records = Object.values(value.expected.counts).reduce((s, c) => s + c.pulled, 0);
  return { persons: n, ms: t, records };
}

runBench(
  'bench:scale',
  USAGE,
  () => {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) return null;
    return values.quick ? QUICK : FULL;
  },
  async (sizes) => {
    const out = (s: string) => process.stdout.write(`${s}\n`);
    const loadBefore = os.loadavg()[0];
    out(`bench:scale — ${environment()}`);

    out('\nsandbox: N big-data hukou + N ministry AUTH records, unsorted; full pages of 1,000 / 500 (median of 7 requests, ms)');
    const sb = [await sandboxAt(sizes.sandbox[0]), await sandboxAt(sizes.sandbox[1])];
    out(
      table(
        ['records N', 'start', 'big-data p1', 'deep p', 'deep/p1', 'ministry p1', 'late p', 'late/p1'],
        sb.map((f) => [int(f.records), ms(f.startMs), ms(f.firstMs), ms(f.deepMs), ratio(f.deepMs, f.firstMs), ms(f.ministryFirstMs), `${ms(f.ministryLateMs)} (p${f.latePage})`, ratio(f.ministryLateMs, f.ministryFirstMs)]),
      ),
    );
    out(`  ×${sizes.sandbox[1] / sizes.sandbox[0]} records: start ${ratio(sb[1].startMs, sb[0].startMs)}, deep page ${ratio(sb[1].deepMs, sb[0].deepMs)}, late ministry page ${ratio(sb[1].ministryLateMs, sb[0].ministryLateMs)} (binary search: a page should not grow with N)`);

    out('\nreport.html: N results (median of 7 renders, ms)');
    const rp = [await reportAt(sizes.report[0]), await reportAt(sizes.report[1])];
    out(table(['results N', 'render', 'page chars', 'results/s'], rp.map((r) => [int(r.results), ms(r.ms), int(r.chars), int(r.results / (r.ms / 1000))])));
    out(`  ×${sizes.report[1] / sizes.report[0]} results: render ${ratio(rp[1].ms, rp[0].ms)}, page ${ratio(rp[1].chars, rp[0].chars)} (one pass: render ≈ ×${sizes.report[1] / sizes.report[0]}; the page stays small)`);

    out('\ngenerator: a world of N persons (one run, ms)');
    const gen = [await generatorAt(sizes.generator[0]), await generatorAt(sizes.generator[1])];
    out(table(['persons N', 'generate', 'records pulled', 'persons/s'], gen.map((g) => [int(g.persons), ms(g.ms), int(g.records), int(g.persons / (g.ms / 1000))])));
    out(`  ×${sizes.generator[1] / sizes.generator[0]} persons: generate ${ratio(gen[1].ms, gen[0].ms)}`);

    out(`\nload average (1 min): ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after — other work on the machine skews the figures`);
    return 0;
  },
);
