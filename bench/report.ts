// The benchmark's printed report: per connector, records/s simulator → staged beside the floor
// (JSON.parse of the same bytes) and their ratio, one column group per database target.
import type { DatasetRun, HubRunResult } from './messages.ts';

export interface BenchFacts {
  persons: number;
  seed: string;
  asOf: string;
  period: string;
  generateSeconds: number;
  worldBytes: number;
  sandboxStartSeconds: number;
  floorRepeats: number;
  /** why PostgreSQL is not in the table, when it is not */
  postgresSkipped?: string;
  totalSeconds: number;
  /** `<channel>/<dataset>` → expected counts of the generator */
  expected: Record<string, { pulled: number; staged: number; rejected: number; skipped: number }>;
  environment: string;
  /** 1-minute load average at the start and at the end: other work on the machine skews the figures */
  loadBefore: number;
  loadAfter: number;
}

const TARGET_TITLE: Record<string, string> = { pglite: 'PGlite (embedded, on disk)', postgres: 'PostgreSQL' };

interface Row {
  label: string;
  runs: DatasetRun[][]; // per target, the datasets this row covers
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (s: number) => (s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : s.toFixed(0));
const rate = (records: number, seconds: number) => (seconds > 0 ? int(records / seconds) : '—');

function bytesText(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function ratioText(stagedRate: number, floorRate: number): string {
  if (!(floorRate > 0) || !(stagedRate > 0)) return '—';
  const r = stagedRate / floorRate;
  return `${r.toPrecision(2)} (1/${int(1 / r)})`;
}

const sum = (runs: readonly DatasetRun[], f: (r: DatasetRun) => number) => runs.reduce((s, r) => s + f(r), 0);

/** The floor of one dataset: the median of its parse passes on every target (the same bytes each time). */
function floorSeconds(results: readonly HubRunResult[], channel: string, dataset: string): number {
  const passes: number[] = [];
  for (const res of results) {
    const d = res.datasets.find((x) => x.channel === channel && x.dataset === dataset);
    if (d) passes.push(...d.floorPassSeconds);
  }
  if (passes.length === 0) return Number.NaN;
  passes.sort((a, b) => a - b);
  const mid = passes.length >> 1;
  return passes.length % 2 === 1 ? passes[mid] : (passes[mid - 1] + passes[mid]) / 2;
}

function table(header: string[], rows: string[][], alignLeft: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (alignLeft.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function rowsByConnector(results: readonly HubRunResult[]): Row[] {
  const first = results[0];
  const channels = [...new Set(first.datasets.map((d) => d.channel))];
  const pick = (pred: (d: DatasetRun) => boolean) => results.map((res) => res.datasets.filter(pred));
  const rows: Row[] = [];
  let policeDone = false;
  for (const channel of channels) {
    if (channel.startsWith('police-')) {
      if (policeDone) continue;
      policeDone = true;
      const cities = channels.filter((c) => c.startsWith('police-'));
      rows.push({ label: `police (${cities.length} cities)`, runs: pick((d) => d.channel.startsWith('police-')) });
      for (const c of cities) rows.push({ label: `  ${c}`, runs: pick((d) => d.channel === c) });
      continue;
    }
    rows.push({ label: NON_JSON_LABEL[channel] ? `${channel} *` : channel, runs: pick((d) => d.channel === channel) });
  }
  rows.push({ label: 'all connectors', runs: results.map((res) => res.datasets) });
  return rows;
}

const NON_JSON_LABEL: Record<string, string> = { ministry: 'SOAP XML', civil: 'GBK CSV' };

function renderRows(rows: readonly Row[], results: readonly HubRunResult[]): string {
  const header = ['connector', 'records', 'pages', 'bytes received', 'floor rec/s'];
  for (const res of results) header.push(`${res.target} s`, `${res.target} rec/s`, `${res.target} staged/floor`);
  const body = rows.map((row) => {
    const base = row.runs[0];
    const records = sum(base, (d) => d.pulled);
    const floor = sum(base, (d) => floorSeconds(results, d.channel, d.dataset));
    const floorRate = floor > 0 ? records / floor : 0;
    const cells = [row.label, int(records), int(sum(base, (d) => d.pages)), bytesText(sum(base, (d) => d.bytes)), rate(records, floor)];
    for (const runs of row.runs) {
      const s = sum(runs, (d) => d.seconds);
      const r = sum(runs, (d) => d.pulled);
      cells.push(secs(s), rate(r, s), ratioText(s > 0 ? r / s : 0, floorRate));
    }
    return cells;
  });
  return table(header, body, new Set([0]));
}

function renderDatasets(results: readonly HubRunResult[]): string {
  const header = ['dataset', 'records', 'staged', 'rejected', 'skipped', 'pages', 'bytes', 'floor rec/s'];
  for (const res of results) header.push(`${res.target} s`, `${res.target} rec/s`);
  const body = results[0].datasets.map((d) => {
    const floor = floorSeconds(results, d.channel, d.dataset);
    const cells = [`${d.channel}/${d.dataset}`, int(d.pulled), int(d.staged), int(d.rejected), int(d.skipped), int(d.pages), bytesText(d.bytes), rate(d.pulled, floor)];
    for (const res of results) {
      const x = res.datasets.find((y) => y.channel === d.channel && y.dataset === d.dataset);
      cells.push(x ? secs(x.seconds) : '—', x ? rate(x.pulled, x.seconds) : '—');
    }
    return cells;
  });
  return table(header, body, new Set([0]));
}

/** Where a target's counts differ from the generator's expected counts (or from the first target). */
function countProblems(results: readonly HubRunResult[], expected: BenchFacts['expected']): string[] {
  const problems: string[] = [];
  for (const res of results) {
    const seen = new Set<string>();
    for (const d of res.datasets) {
      const key = `${d.channel}/${d.dataset}`;
      seen.add(key);
      const want = expected[key];
      const got = { pulled: d.pulled, staged: d.staged, rejected: d.rejected, skipped: d.skipped };
      if (!want) problems.push(`${res.target} ${key}: pulled ${got.pulled}, the generator expected no such dataset`);
      else if (want.pulled !== got.pulled || want.staged !== got.staged || want.rejected !== got.rejected || want.skipped !== got.skipped) {
        problems.push(`${res.target} ${key}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
    }
    for (const key of Object.keys(expected)) if (!seen.has(key)) problems.push(`${res.target} ${key}: not pulled`);
  }
  const first = results[0];
  for (const res of results.slice(1)) {
    for (const d of res.datasets) {
      const a = first.datasets.find((x) => x.channel === d.channel && x.dataset === d.dataset);
      if (a && a.bytes !== d.bytes) problems.push(`${d.channel}/${d.dataset}: ${first.target} received ${a.bytes} bytes, ${res.target} ${d.bytes}`);
    }
  }
  return problems;
}

export function renderReport(facts: BenchFacts, results: readonly HubRunResult[]): string {
  const out: string[] = [];
  const records = sum(results[0].datasets, (d) => d.pulled);
  out.push(`lifecert ingest benchmark — ${int(facts.persons)} persons, seed ${facts.seed}, period ${facts.period}, asOf ${facts.asOf}`);
  out.push(`${facts.environment}; load average (1 min) ${facts.loadBefore.toFixed(2)} at start, ${facts.loadAfter.toFixed(2)} at end`);
  out.push(
    `world: ${int(records)} source records (${bytesText(facts.worldBytes)} world file), generated in ${secs(facts.generateSeconds)} s with faults OFF ` +
      `(faults add sleeps, rate limits and retries; off, the rates measure the pipeline, not the simulated outages)`,
  );
  out.push(`sandbox: its own process (started in ${secs(facts.sandboxStartSeconds)} s); hub: its own process per target, a fresh mirror each`);
  out.push('connectors pulled one after another, each dataset in turn, production connectors against the sandbox over 127.0.0.1');
  out.push('');
  out.push('Per connector, simulator → normalized → staged (records = pulled: staged + rejected + skipped):');
  out.push('');
  out.push(renderRows(rowsByConnector(results), results));
  out.push('');
  out.push(`floor rec/s: the same records through utf-8 decode + JSON.parse of the page bodies the connector received`);
  out.push(`  (read back from raw_pages after ingest, page by page; median of ${facts.floorRepeats} passes per target, over every target). staged/floor = staged rec/s ÷ floor rec/s.`);
  out.push(`* ministry (SOAP XML) and civil (GBK CSV) bodies are not JSON: their floor parses the JSON re-encoding of the same`);
  out.push(`  records instead (JSON.stringify of each page's pulled raw records), not the received bytes.`);
  out.push('');
  out.push('Per dataset:');
  out.push('');
  out.push(renderDatasets(results));
  out.push('');
  for (const res of results) {
    const bytes = sum(res.datasets, (d) => d.bytes);
    const recs = sum(res.datasets, (d) => d.pulled);
    out.push(
      `${TARGET_TITLE[res.target] ?? res.target}: ingest wall time ${secs(res.ingestSeconds)} s (${rate(recs, res.ingestSeconds)} rec/s overall), ` +
        `bytes received ${bytesText(bytes)} (${(bytes / 1024 / 1024 / res.ingestSeconds).toFixed(2)} MiB/s), ` +
        `hub peak RSS ${bytesText(res.peakRssBytes)}, open + migrate ${secs(res.setupSeconds)} s — ${res.location}`,
    );
  }
  if (facts.postgresSkipped) out.push(`PostgreSQL: not run — ${facts.postgresSkipped}`);
  const problems = countProblems(results, facts.expected);
  out.push(
    problems.length === 0
      ? `counts: every dataset's pulled/staged/rejected/skipped equals the generator's expected counts${results.length > 1 ? ' on every target' : ''}`
      : `counts DIFFER from the generator's expected counts:\n  ${problems.join('\n  ')}`,
  );
  out.push(`total wall time ${secs(facts.totalSeconds)} s (generation, sandbox start, every target, floors)`);
  return out.join('\n');
}
