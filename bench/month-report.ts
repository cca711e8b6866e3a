// The printed table of `npm run bench` and its markdown twin for docs/benchmarks.md.
import type { FloorResult, MonthHubResult } from './month-messages.ts';

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
  ].join('\n');
}

export function renderMonthMarkdown(environment: string, at: string, git: string, runs: MonthRun[]): string {
  const out: string[] = [`Latest \`npm run bench\`: ${at}, ${git}; ${environment}.`, ''];
  for (const run of runs) {
    out.push(`### ${run.persons.toLocaleString('en-US')} persons`, '', ...summaryLines(run).map((l) => `- ${l}`), '');
    out.push(table(['stage', 'records', 'wall s', 'records/s', 'hub CPU s', 'PostgreSQL CPU s', 'note'], stageRows(run)), '');
    out.push(table(['process', 'CPU s (whole run)', 'peak RSS'], processRows(run)), '');
  }
  return out.join('\n');
}
