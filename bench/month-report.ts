// The printed table of `npm run bench` and its markdown twin for docs/benchmarks.md.
import type { FloorResult, MonthHubResult } from './month-messages.ts';
import type { WorkersSection } from './month-workers.ts';

export interface ProcessFigures {
  /** per role (hub, sandbox, postgres = the largest backend, floor): peak RSS in KiB */
  peakRssKiB: Record<string, number>;
  /** per role: CPU seconds over the whole run */
  cpuSeconds: Record<string, number>;
  /** per phase (setup, ingest, match, verify, floor-parse, sql-classify, …), per role: CPU seconds */
  phases: Record<string, Record<string, number>>;
  postgresBackends: number;
}

export interface MonthRun {
  persons: number;
  seed: string;
  records: number;
  worldBytes: number;
  /** null when the world came from the cache */
  generatedSeconds: number | null;
  /** CPU seconds and peak RSS of the generation's process, when this run generated the world */
  generatedCpuSeconds?: number | null;
  generatedPeakRssKiB?: number | null;
  sandboxStartSeconds: number;
  hub: MonthHubResult;
  hubProcessSeconds: number;
  floor: FloorResult;
  processes: ProcessFigures;
  loadBefore: number;
  loadAfter: number;
  /** `--workers`: the same month as queued jobs on W worker processes, per W */
  workers?: WorkersSection;
}

export const TARGETS = {
  '100000': 15,
  '1000000': 120,
} as Record<string, number>;

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const rate = (n: number, s: number) => (s > 0 ? Math.round(n / s).toLocaleString('en-US') : '—');
const mib = (kib: number | undefined) => (kib === undefined ? '—' : `${Math.round(kib / 1024)} MiB`);

export interface Derived {
  monthWall: number;
  floorWall: number;
  sqlWall: number;
  hubOverFloor: number;
  hubOverSql: number;
}

export function derive(run: MonthRun): Derived {
  const monthWall = run.hub.ingest.wall + run.hub.matchWall;
  const floorWall = run.floor.parseSpan.wall + run.floor.copySpan.wall;
  const sqlWall = run.floor.parseSpan.wall + run.floor.sqlCopySpan.wall + run.floor.sqlClassifySpan.wall;
  return { monthWall, floorWall, sqlWall, hubOverFloor: monthWall / floorWall, hubOverSql: monthWall / sqlWall };
}

/** Rows: stage, records, wall s, records/s, hub CPU s, PostgreSQL CPU s, note. */
function stageRows(run: MonthRun): string[][] {
  const h = run.hub;
  const ph = run.processes.phases;
  const pgIngest = ph.ingest?.postgres ?? 0;
  const pgMatch = ph.match?.postgres ?? 0;
  const n = h.ingest.records;
  const d = derive(run);
  return [
    ['pull', String(n), f2(h.ingest.pullMs / 1000), rate(n, h.ingest.pullMs / 1000), '', '', 'waiting for the next page (fetch + protocol parse), summed over pulls running side by side'],
    ['normalize', String(n), f2(h.ingest.normalizeMs / 1000), rate(n, h.ingest.normalizeMs / 1000), f2(h.ingest.normalizeMs / 1000), '', 'synchronous: wall = hub CPU'],
    ['stage', String(n), f2(h.ingest.stageMs / 1000), rate(n, h.ingest.stageMs / 1000), '', '', 'one transaction per page with its cursor, summed over pulls'],
    ['ingest (wall clock)', String(n), f2(h.ingest.wall), rate(n, h.ingest.wall), f2(h.ingest.cpu), f2(pgIngest), `sandbox CPU ${f2(ph.ingest?.sandbox ?? 0)} s (not the hub's)`],
    ['match (decide)', String(h.matched), f2(h.decide.wall), rate(h.matched, h.decide.wall), f2(h.decide.cpu), '', 'shard reads + the pure engine'],
    ['publish', String(h.matched), f2(h.publish.wall), rate(h.matched, h.publish.wall), f2(h.publish.cpu), '', 'results + cases per shard, one transaction'],
    ['match + publish (wall clock)', String(h.matched), f2(h.matchWall), rate(h.matched, h.matchWall), f2(h.decide.cpu + h.publish.cpu), f2(pgMatch), ''],
    ['**month (ingest + match)**', String(n), f2(d.monthWall), rate(n, d.monthWall), f2(h.ingest.cpu + h.decide.cpu + h.publish.cpu), f2(pgIngest + pgMatch), `roster load (setup) ${f2(h.setup.wall)} s apart`],
    ['floor: parse', String(run.floor.records), f2(run.floor.parseSpan.wall), rate(run.floor.records, run.floor.parseSpan.wall), f2(run.floor.parseSpan.cpu), '', Object.entries(run.floor.parse).map(([k, v]) => `${k} ${rate(v.records, v.seconds)}/s`).join(', ')],
    ['floor: COPY', String(run.floor.records), f2(run.floor.copySpan.wall), rate(run.floor.records, run.floor.copySpan.wall), f2(run.floor.copySpan.cpu), '', 'rows (channel, dataset, raw text), no index'],
    ['**floor**', String(run.floor.records), f2(d.floorWall), rate(run.floor.records, d.floorWall), '', '', ''],
    ['SQL baseline: COPY jsonb', String(run.floor.records), f2(run.floor.sqlCopySpan.wall), rate(run.floor.records, run.floor.sqlCopySpan.wall), f2(run.floor.sqlCopySpan.cpu), '', 'after the floor parse'],
    ['SQL baseline: classify', String(h.persons), f2(run.floor.sqlClassifySpan.wall), rate(h.persons, run.floor.sqlClassifySpan.wall), '', '', `agrees with the hub on ${(100 * run.floor.sqlAgreement / Math.max(1, h.persons)).toFixed(1)} % of persons`],
    ['**SQL baseline** (parse + COPY + classify)', String(run.floor.records), f2(d.sqlWall), rate(run.floor.records, d.sqlWall), '', f2((ph['floor-parse']?.postgres ?? 0) + (ph['sql-classify']?.postgres ?? 0)), 'PostgreSQL CPU: floor and baseline COPYs + classify'],
  ];
}

function processRows(run: MonthRun): string[][] {
  const p = run.processes;
  return ['hub', 'sandbox', 'postgres', 'floor'].map((role) => [
    role === 'postgres' ? `postgres (largest of ${p.postgresBackends} backends)` : role,
    f2(p.cpuSeconds[role] ?? 0),
    mib(p.peakRssKiB[role]),
  ]);
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function summaryLines(run: MonthRun): string[] {
  const d = derive(run);
  const target = TARGETS[String(run.persons)];
  const h = run.hub;
  return [
    `${run.persons.toLocaleString('en-US')} persons, ${run.records.toLocaleString('en-US')} source records (${(run.records / run.persons).toFixed(2)} per person), world ${f1(run.worldBytes / 2 ** 20)} MiB; ${h.ingest.pages} pages${run.generatedSeconds != null ? `; generated (streamed, its own process) in ${f1(run.generatedSeconds)} s, peak RSS ${run.generatedPeakRssKiB != null ? `${(run.generatedPeakRssKiB / 1024).toFixed(0)} MiB` : '?'}` : ''}`,
    `month end to end: ${f2(d.monthWall)} s${target ? ` (target ≤ ${target} s: ${d.monthWall <= target ? 'met' : 'not met'})` : ''}; hub / floor = ${f2(d.hubOverFloor)} (target ≤ 2.0), hub / SQL baseline = ${f2(d.hubOverSql)} (target < 1)`,
    `results: ${h.differences === 0 && h.countDifferences === 0 ? 'all equal to the generator\'s' : `${h.differences} results and ${h.countDifferences} dataset counts DIFFER`}; decisions ${JSON.stringify(h.decisions)}; SQL baseline ${JSON.stringify(run.floor.sqlDecisions)}`,
    ...floorGaps(run),
    `load average ${f2(run.loadBefore)} before, ${f2(run.loadAfter)} after`,
  ];
}

/** Datasets where the floor parsed another number of records than the hub pulled (withdrawn civil lines, re-served records). */
function floorGaps(run: MonthRun): string[] {
  const gaps = Object.entries(run.hub.counts)
    .filter(([k, c]) => (run.floor.perDataset[k] ?? 0) !== c.pulled)
    .map(([k, c]) => `${k} ${run.floor.perDataset[k] ?? 0} vs ${c.pulled}`);
  return gaps.length === 0 ? [] : [`floor records parsed vs hub pulled: ${gaps.join(', ')}`];
}

export function renderMonthText(run: MonthRun): string {
  const stage = stageRows(run);
  const widths = [0, 1, 2, 3, 4, 5].map((i) => Math.max(...stage.map((r) => r[i].replaceAll('*', '').length), 6));
  const line = (r: string[]) => r.slice(0, 6).map((c, i) => (i === 0 ? c.replaceAll('*', '').padEnd(widths[i]) : c.padStart(widths[i]))).join('  ') + (r[6] ? `  ${r[6]}` : '');
  return [
    ...summaryLines(run),
    '',
    line(['stage', 'records', 'wall s', 'rec/s', 'hub CPU', 'PG CPU', '']),
    ...stage.map(line),
    '',
    ...processRows(run).map((r) => `${r[0].padEnd(34)} CPU ${r[1].padStart(8)} s   peak RSS ${r[2]}`),
    ...(run.workers ? ['', ...workersText(run, run.workers)] : []),
  ].join('\n');
}

export function renderMonthMarkdown(environment: string, at: string, git: string, runs: MonthRun[]): string {
  const out: string[] = [`Latest \`npm run bench\`: ${at}, ${git}; ${environment}.`, ''];
  for (const run of runs) {
    out.push(`### ${run.persons.toLocaleString('en-US')} persons`, '', ...summaryLines(run).map((l) => `- ${l}`), '');
    out.push(table(['stage', 'records', 'wall s', 'records/s', 'hub CPU s', 'PostgreSQL CPU s', 'note'], stageRows(run)), '');
    out.push(table(['process', 'CPU s (whole run)', 'peak RSS'], processRows(run)), '');
    if (run.workers) out.push(...workersMarkdown(run, run.workers));
  }
  return out.join('\n');
}

/** `--workers`: one line per W — wall, phases, speed-up over the first W, results. */
function workersRows(run: MonthRun, w: WorkersSection): string[][] {
  const first = w.runs[0];
  const sec = (x: number | null) => (x === null ? '—' : f2(x));
  return w.runs.map((r) => [
    String(r.workers),
    f2(r.seconds),
    sec(r.pullSeconds),
    sec(r.matchSeconds),
    sec(r.publishSeconds),
    rate(r.records, r.seconds),
    first && r !== first ? f2(first.seconds / r.seconds) : '1.00',
    f2(r.perWorker.reduce((s, p) => s + p.cpuSeconds, 0)),
    f2(r.postgres.cpuSeconds),
    f2(r.sandbox.cpuSeconds),
    r.differences === 0 && r.countDifferences === 0 ? (run.hub.resultsDigest === undefined || run.hub.resultsDigest === r.resultsDigest ? 'equal' : 'equal to the generator\'s, not to the hub\'s') : `${r.differences} results, ${r.countDifferences} counts DIFFER`,
    f2(r.loadBefore),
  ]);
}

const WORKER_HEAD = ['workers', 'wall s', 'pull s', 'match s', 'publish s', 'records/s', 'speed-up', 'workers CPU s', 'PostgreSQL CPU s', 'sandbox CPU s', 'results and counts', 'load before'];

/** Per W, per process over the run: CPU seconds, peak RSS, jobs finished. */
function workerProcessRows(w: WorkersSection): string[][] {
  const rows: string[][] = [];
  for (const r of w.runs) {
    r.perWorker.forEach((p, i) => rows.push([String(r.workers), `worker ${i + 1}`, f2(p.cpuSeconds), mib(p.peakRssKiB), Object.entries(p.jobs).sort().map(([k, v]) => `${v} ${k}`).join(', ') || 'none', `start-up ${f2(p.startCpuSeconds)} s CPU`]));
    rows.push([String(r.workers), 'sandbox', f2(r.sandbox.cpuSeconds), mib(r.sandbox.peakRssKiB), '', 'serves every W; peak reset per run']);
    rows.push([String(r.workers), `postgres (${r.postgres.backends} backends)`, f2(r.postgres.cpuSeconds), `${mib(r.postgres.largestPeakRssKiB)} largest`, '', `workers started in ${f2(r.startSeconds)} s`]);
  }
  return rows;
}

function workersSummary(run: MonthRun, w: WorkersSection): string[] {
  const out: string[] = [];
  const one = w.runs.find((r) => r.workers === 1);
  const two = w.runs.find((r) => r.workers === 2);
  if (one && two) out.push(`W=1 / W=2 = ${f2(one.seconds / two.seconds)} (wall, enqueue to run done)`);
  out.push(`results: ${w.identical ? 'identical in every queued run' : 'DIFFERENT between the queued runs'}${run.hub.resultsDigest !== undefined ? `, ${w.runs.every((r) => r.resultsDigest === run.hub.resultsDigest) ? 'and the same as' : 'NOT the same as'} the one-process hub's` : ''}; the one-process month above: ${f2(derive(run).monthWall)} s`);
  return out;
}

function workersText(run: MonthRun, w: WorkersSection): string[] {
  const rows = workersRows(run, w);
  const widths = WORKER_HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `the month as queued jobs on W worker processes (lifecert worker${w.workerArgs.length > 0 ? ` ${w.workerArgs.join(' ')}` : ''}; a fresh database each; wall = startRun to SUCCEEDED):`,
    line(WORKER_HEAD),
    ...rows.map(line),
    ...workersSummary(run, w),
    ...workerProcessRows(w).map((r) => `  W=${r[0]} ${r[1].padEnd(24)} CPU ${r[2].padStart(8)} s   peak RSS ${r[3].padStart(9)}   ${[r[4], r[5]].filter(Boolean).join('; ')}`),
  ];
}

function workersMarkdown(run: MonthRun, w: WorkersSection): string[] {
  return [
    `#### The month as queued jobs, W worker processes (\`--workers\`)`,
    '',
    `\`lifecert worker${w.workerArgs.length > 0 ? ` ${w.workerArgs.join(' ')}` : ''}\` processes on the same world and sandbox, a fresh database each; wall = \`startRun\` to the run SUCCEEDED; CPU over the run.`,
    '',
    ...workersSummary(run, w).map((l) => `- ${l}`),
    '',
    table(WORKER_HEAD, workersRows(run, w)),
    '',
    table(['W', 'process', 'CPU s (the run)', 'peak RSS', 'jobs finished', 'note'], workerProcessRows(w)),
    '',
  ];
}
