// `lifecert demo`: the main job end to end on one machine (api.md). A world (generated, or
// --world), the sandbox in its own process on a free local port, every production connector
// through its real protocol, normalization, staging, the match, publication to the mirror, and
// the four files in --out.
//
// `npm run demo` starts this process with `node --liftoff-only` (package.json, which cannot hold
// the comment): on V8's default tiering, the SQL parser of the embedded PGlite (its `raw_parser`)
// gets hot during the ingest and its optimizing compile alone takes ~600 MB of compiler memory
// for a few seconds: the demo's peak was ~980 MiB at 2,000 persons, ~320 MiB with the flag (and the
// embedded mirror's smaller buffer pool, mirror/db.ts).
// Larger worlds gain from optimized code (at 10,000 persons --liftoff-only doubles the time), so
// only that script sets it: docs/benchmarks.md "The demo under 400 MiB".
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { readHubWorld } from '../sandbox/read-world.ts';
import type { HubWorld } from '../sandbox/read-world.ts';
import { generateWorldInChild, spawnSandbox } from '../sandbox/child.ts';
import { buildConnectors } from '../config/index.ts';
import { sandboxSources } from '../sandbox/hub-sources.ts';
import { loadRoster, migrate, openDatabase, readCases, readFeedbackItems } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import { ingestDataset } from '../pipeline/ingest.ts';
import { matchPeriod } from '../pipeline/match.ts';
import { exportList } from '../pipeline/export.ts';
import { reportedPersonIdOf } from '../connectors/normalize.ts';
import { feedbackChannels } from '../feedback/channels/index.ts';
import { deliverChannel } from '../feedback/deliver.ts';
import type { DeliveryResult } from '../feedback/deliver.ts';
import { storeRejectedFeedback } from '../feedback/deliver-rejected.ts';
import { defaultRegistry } from '../connectors/registry.ts';
import { renderReport, ResultTally } from '../report/index.ts';
import type { ConnectorTiming, ReportRejection, ReportCase } from '../report/index.ts';
import type { PullCounts, Result } from '../schemas/types.ts';
import { silentLogger } from '../lib/log.ts';
import type { Logger } from '../lib/log.ts';
import { startRun } from './run-log.ts';
import type { RunLog } from './run-log.ts';
import { asSandbox } from './as-sandbox.ts';

export interface DemoOptions {
  world?: string;
  persons: number;
  seed: string;
  out: string;
  databaseUrl?: string;
  /** progress bars on stderr (default: when stderr is a terminal) */
  progress?: boolean;
  /** progress lines for the person at the terminal (default: stderr) */
  log?: (line: string) => void;
  /** the structured log: the run, its steps, every pull and retry (default: nothing) */
  logger?: Logger;
  /** where `logger` writes, named in the progress lines */
  logFile?: string;
}

export interface DemoSummary {
  out: string;
  /** the period certified (the world's) */
  period: string;
  persons: number;
  counts: Record<string, PullCounts>;
  decisions: Record<string, number>;
  casesOpened: number;
  reminders: number;
  files: string[];
  /** where the mirror is: the PGlite folder, or the URL (password hidden) and schema */
  database: string;
  /**
   * What each department's simulator received of the feedback, read back from the sandbox
   * (GET /_sandbox/received/<channel>): items in all requests, and the feedbackIds among them
   */
  feedbackReceived: Record<string, { items: number; feedbackIds: string[] }>;
  /** wall seconds of each phase */
  seconds: { world: number; sandbox: number; ingest: number; match: number; files: number; total: number };
  /**
   * peak resident memory in KiB of the hub (this process), of the sandbox process, of the world
   * generator's process (null with --world) and of the embedded database template's builder
   * process (null when the cached template was there, or on PostgreSQL)
   */
  peakRssKiB: { hub: number; sandbox: number | null; generator: number | null; templateBuilder: number | null };
}

/** The schema `demo --database-url` works in: recreated by every demo, never the mirror's own tables. */
export const DEMO_SCHEMA = 'lifecert_demo';

export { feedbackIdOf } from '../feedback/deliver-ids.ts';

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = phaseClock();
  const out = path.resolve(options.out);
  fs.mkdirSync(out, { recursive: true });
  if (options.logFile) log(`log: ${options.logFile}`);
  const run = startRun(options.logger ?? silentLogger, { command: 'demo', persons: options.persons, seed: options.seed, world: options.world ?? null, out });
  try {
    const summary = await demoSteps(options, run, out, log, clock);
    run.end({ persons: summary.persons, decisions: summary.decisions, casesOpened: summary.casesOpened });
    return summary;
  } catch (err) {
    run.fail(err);
    throw err;
  }
}

async function demoSteps(options: DemoOptions, run: RunLog, out: string, log: (line: string) => void, clock: PhaseClock): Promise<DemoSummary> {
  // only what the hub needs of the world outlives this line: the sources' records are the
  // sandbox's business (its own process), and keeping them here would double the memory
  const { worldFile, description: worldDescription, world, generatorPeakRssKiB } = await run.step('world', () => asSandbox(() => obtainWorld(options, out, log)), (w) => ({ period: w.world.period, persons: w.world.roster.length }));
  const worldSeconds = clock.lap();

  // a fresh civil drop folder per demo, so an earlier demo's files are not read again
  const civilDir = path.join(out, 'sandbox-civil');
  fs.rmSync(civilDir, { recursive: true, force: true });
  fs.mkdirSync(civilDir, { recursive: true });
  const sandbox = await asSandbox(() => spawnSandbox({ worldFile, civilDir }));
  log(`sandbox listening at ${sandbox.url} (its own process)`);

  let db: Db | undefined;
  let sandboxPeakRssKiB: number | null = null;
  let templateBuilderPeakRssKiB: number | null = null;
  let result: Omit<DemoSummary, 'peakRssKiB'> | undefined;
  try {
    if (options.databaseUrl) {
      // a schema of its own, emptied first: a second demo never sees the first one's cursors
      db = await openDatabase({ databaseUrl: options.databaseUrl, schema: DEMO_SCHEMA });
      await db.exec(`DROP SCHEMA ${DEMO_SCHEMA} CASCADE; CREATE SCHEMA ${DEMO_SCHEMA}`);
    } else {
      const dataDir = path.join(out, 'data');
      fs.rmSync(dataDir, { recursive: true, force: true });
      // a fresh folder is a copy of the cached initialised + migrated template: no initdb here
      db = await openDatabase({ dataDir, template: { log, onUse: (u) => void (templateBuilderPeakRssKiB = u.builderPeakRssKiB ?? null) } });
    }
    await migrate(db);
    await loadRoster(db, world.roster);
    const sandboxSeconds = clock.lap();

    const cities = world.cities;
    const connectors = buildConnectors(sandboxSources(sandbox.url, civilDir, cities));
    const runId = `demo-${world.period}-${Date.now()}`;
    run.bind({ runId });
    const counts: Record<string, PullCounts> = {};
    const timings: ConnectorTiming[] = [];
    const showBars = options.progress ?? Boolean(process.stderr.isTTY);
    const bars = showBars
      ? new cliProgress.MultiBar({ format: ' {channel} |{bar}| {value} records {state}', hideCursor: true, clearOnComplete: false, stream: process.stderr }, cliProgress.Presets.shades_classic)
      : null;

    // connectors side by side; each connector's datasets one after another
    await run.step('pull', () => Promise.all(
      connectors.map(async (connector) => {
        const bar = bars?.create(1, 0, { channel: connector.channel.padEnd(12), state: '' });
        let pulled = 0;
        for (const dataset of connector.datasets) {
          const started = Date.now();
          const c = await ingestDataset({
            db: db as Db,
            connector,
            dataset,
            asOf: world.asOf,
            runId,
            log: run.log,
            onPage: (p) => {
              bar?.setTotal(pulled + p.totals.pulled + 1);
              bar?.update(pulled + p.totals.pulled, { state: dataset });
            },
          });
          pulled += c.pulled;
          counts[`${connector.channel}/${dataset}`] = c;
          timings.push({ channel: connector.channel, dataset, seconds: (Date.now() - started) / 1000, pulled: c.pulled });
        }
        bar?.setTotal(pulled);
        bar?.update(pulled, { state: 'done' });
      }),
    ), () => ({ counts: Object.values(counts).reduce((a, c) => ({ pulled: a.pulled + c.pulled, staged: a.staged + c.staged, rejected: a.rejected + c.rejected, skipped: a.skipped + c.skipped }), { pulled: 0, staged: 0, rejected: 0, skipped: 0 }) }));
    bars?.stop();
    const ingestSeconds = clock.lap();

    log('matching the roster …');
    const summary = await run.step('match', () => matchPeriod({ db: db as Db, period: world.period, asOf: world.asOf, runId, openedAt: `${world.asOf}T00:00:00+08:00` }), (m) => ({ persons: m.persons, decisions: m.decisions, casesOpened: m.casesOpened }));
    const matchSeconds = clock.lap();

    // results.jsonl, sorted by personId: what `lifecert export --period P` writes
    // the report's sums are taken as the lines are written: no list of all results is held
    const tally = new ResultTally(world.period);
    const resultsFile = path.join(out, 'results.jsonl');
    const resultsOut = fs.createWriteStream(resultsFile);
    await exportList(db, resultsOut, { period: world.period, list: 'results', format: 'jsonl' }, (r) => tally.add(r as Result));
    await new Promise<void>((resolve, reject) => resultsOut.end((err?: Error | null) => (err ? reject(err) : resolve())));

    const countsFile = path.join(out, 'counts.json');
    const sortedCounts = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
    fs.writeFileSync(countsFile, `${JSON.stringify(sortedCounts, null, 2)}\n`);

    // every rejection becomes a REJECTED item (verified on the world's as-of day, the demo's
    // workflow clock), delivered to its department through the same code the queue job runs
    const rejections: ReportRejection[] = [];
    await storeRejectedFeedback(db, () => world.asOf, (r) => {
      rejections.push({ channel: r.source, dataset: r.dataset, recordId: r.recordId, field: r.field, reasonCode: r.reasonCode, message: r.message, personId: r.personId, rawPersonId: reportedPersonIdOf(r.source, r.dataset, r.raw) });
    });
    const deliveries = await run.step('feedback', () => deliverFeedback(db as Db, connectors, run.log), (d) => ({ deliveries: d }));
    for (const d of deliveries) if (d.error) log(`feedback to ${d.channel}: ${d.error.code}: ${d.error.message}`);
    const feedbackReceived = await receivedBySimulators(sandbox.url, deliveries.map((d) => d.channel));
    // feedback.jsonl is what the mirror holds: the file shows the items as stored, with their state
    const feedbackFile = path.join(out, 'feedback.jsonl');
    const feedbackByChannel: Record<string, { REJECTED: number; CORRECTED: number; states: Record<string, number> }> = {};
    const feedbackOut = fs.createWriteStream(feedbackFile);
    for await (const i of readFeedbackItems(db)) {
      if (!feedbackOut.write(`${JSON.stringify(i)}\n`)) await once(feedbackOut, 'drain');
      const f = (feedbackByChannel[i.channel] ??= { REJECTED: 0, CORRECTED: 0, states: {} });
      f[i.kind] += 1;
      f.states[i.state] = (f.states[i.state] ?? 0) + 1;
    }
    await new Promise<void>((resolve, reject) => feedbackOut.end((err?: Error | null) => (err ? reject(err) : resolve())));

    const cases: ReportCase[] = [];
    for await (const c of readCases(db, world.period)) cases.push({ caseId: c.caseId, areaCode: c.areaCode, personId: c.personId, reasons: c.reasons, openedAt: c.openedAt });
    const html = renderReport({
      period: world.period,
      asOf: world.asOf,
      generatedAt: new Date().toISOString(),
      world: worldDescription,
      database: db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite',
      results: tally.summary(),
      roster: new Map(world.roster.map((e) => [e.personId, { name: e.name, areaCode: e.areaCode }])),
      sources: defaultRegistry.labels(),
      counts: sortedCounts,
      rejections,
      cases,
      timings,
      feedback: { byChannel: feedbackByChannel },
    });
    const reportFile = path.join(out, 'report.html');
    fs.writeFileSync(reportFile, html);

    const filesSeconds = clock.lap();
    result = {
      out,
      period: world.period,
      persons: summary.persons,
      counts: sortedCounts,
      decisions: summary.decisions,
      casesOpened: summary.casesOpened,
      reminders: summary.reminders,
      files: [resultsFile, feedbackFile, countsFile, reportFile],
      feedbackReceived,
      database: db.location,
      seconds: { world: worldSeconds, sandbox: sandboxSeconds, ingest: ingestSeconds, match: matchSeconds, files: filesSeconds, total: clock.total() },
    };
  } finally {
    await db?.close();
    sandboxPeakRssKiB = (await sandbox.close()).peakRssKiB;
  }
  return { ...result, peakRssKiB: { hub: process.resourceUsage().maxRSS, sandbox: sandboxPeakRssKiB, generator: generatorPeakRssKiB, templateBuilder: templateBuilderPeakRssKiB } };
}

type WorldDescription = { kind: 'generated'; persons: number; seed: string } | { kind: 'file'; file: string; persons: number };

/**
 * Read --world, or generate a world into `out/world.json` (with its expectation beside it) in a
 * process of its own. Either way this process reads only the hub's part of the file (roster,
 * dates, police cities): the sources are the sandbox's, in its own process.
 */
async function obtainWorld(options: DemoOptions, out: string, log: (line: string) => void): Promise<{ worldFile: string; description: WorldDescription; world: HubWorld; generatorPeakRssKiB: number | null }> {
  if (options.world) {
    const worldFile = path.resolve(options.world);
    const world = readHubWorld(worldFile);
    return { worldFile, world, description: { kind: 'file', file: options.world, persons: world.roster.length }, generatorPeakRssKiB: null };
  }
  log(`generating a world of ${options.persons} persons (seed ${options.seed}, its own process) …`);
  const generated = await generateWorldInChild({ persons: options.persons, seed: options.seed, out: path.join(out, 'world.json') });
  const world = readHubWorld(generated.world);
  return { worldFile: generated.world, world, description: { kind: 'generated', persons: options.persons, seed: options.seed }, generatorPeakRssKiB: generated.peakRssKiB };
}

interface PhaseClock {
  lap(): number;
  total(): number;
}

/** Wall seconds since the last lap, and in all. */
function phaseClock(): PhaseClock {
  const start = performance.now();
  let last = start;
  return {
    lap() {
      const now = performance.now();
      const seconds = (now - last) / 1000;
      last = now;
      return seconds;
    },
    total: () => (performance.now() - start) / 1000,
  };
}

/** The feedbackIds each simulator received, in every request (civil: every outbox file), duplicates kept. */
async function receivedBySimulators(url: string, channels: readonly string[]): Promise<Record<string, { items: number; feedbackIds: string[] }>> {
  const out: Record<string, { items: number; feedbackIds: string[] }> = {};
  for (const channel of channels) {
    const res = await fetch(`${url}/_sandbox/received/${encodeURIComponent(channel)}`);
    if (!res.ok) continue;
    const requests = (await res.json()) as { items: Record<string, unknown>[] }[];
    const ids = requests.flatMap((r) => r.items.map((i) => String(i.feedbackId ?? i['反馈编号'] ?? '')));
    out[channel] = { items: ids.length, feedbackIds: ids };
  }
  return out;
}

/**
 * Delivers every channel's PENDING items once (no queue in the demo: the simulators' own faults
 * are retried inside the connectors); items a channel could not take stay PENDING.
 */
async function deliverFeedback(db: Db, connectors: Parameters<typeof feedbackChannels>[0], logger: Logger): Promise<DeliveryResult[]> {
  const channels = feedbackChannels(connectors);
  const results: DeliveryResult[] = [];
  for (const channel of [...channels.keys()].sort()) results.push(await deliverChannel(db, channel, channels, { log: logger }));
  return results;
}
