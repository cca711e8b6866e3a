// The hub side of the ingest benchmark, run in its own process by bench/ingest.ts: open a fresh
// mirror, pull every connector one after another (each dataset in turn) from the sandbox, then
// — with ingest over and the peak RSS noted — read each pull's pages back from raw_pages and
// time the floor (JSON.parse of the same bytes) on them.
import { performance } from 'node:perf_hooks';
import type { Connector } from '../connectors/kit/connector.ts';
import { buildConnectors } from '../config/index.ts';
import { sandboxSources } from '../sandbox/hub-sources.ts';
import { listPulls, migrate, openDatabase, readPulledRawText, readRawPages } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import { ingestDataset } from '../pipeline/ingest.ts';
import type { DatasetRun, FloorKind, HubMessage, HubRunConfig, HubRunResult } from './messages.ts';

/** Channels whose page bodies are not JSON: SOAP XML (ministry) and GBK CSV (civil). */
const NON_JSON_CHANNELS = new Set(['ministry', 'civil']);

/** Rows read back per query for the re-encoded floor: keeps the read-back small. */
const READ_BACK_ROWS = 5000;

function send(message: HubMessage): void {
  process.send?.(message);
}

interface IngestedPull {
  connector: Connector;
  dataset: string;
  pullId: number;
  seconds: number;
  counts: { pulled: number; staged: number; rejected: number; skipped: number };
}

export async function runHub(config: HubRunConfig): Promise<HubRunResult> {
  const setupStart = performance.now();
  const db = await openDatabase(config.target === 'postgres' ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
  try {
    await migrate(db);
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const connectors = buildConnectors(sandboxSources(config.sandboxUrl, config.civilDir, config.cities));

    const pulls: IngestedPull[] = [];
    const ingestStart = performance.now();
    for (const connector of connectors) {
      for (const dataset of connector.datasets) {
        let pullId = -1;
        const started = performance.now();
        const counts = await ingestDataset({
          db,
          connector,
          dataset,
          asOf: config.asOf,
          runId: config.runId,
          onPage: (p) => {
            pullId = p.pullId;
            send({ kind: 'page', channel: p.channel, dataset: p.dataset, pulled: p.totals.pulled });
          },
        });
        const seconds = (performance.now() - started) / 1000;
        if (pullId < 0) pullId = await lastPullId(db, connector.channel, dataset, config.runId);
        pulls.push({ connector, dataset, pullId, seconds, counts });
        send({ kind: 'dataset-done', channel: connector.channel, dataset, pulled: counts.pulled, seconds });
      }
    }
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    // maxRSS is a high-water mark: read it before the floor's read-back can raise it
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    send({ kind: 'ingest-done', seconds: ingestSeconds });

    const datasets: DatasetRun[] = [];
    for (const pull of pulls) datasets.push(await measureFloor(db, pull, config.floorRepeats));
    return { target: config.target, location: db.location, setupSeconds, ingestSeconds, peakRssBytes, datasets };
  } finally {
    await db.close();
  }
}

async function lastPullId(db: Db, channel: string, dataset: string, runId: string): Promise<number> {
  // listPulls gives the run's pulls newest first
  const pull = (await listPulls(db, runId)).find((p) => p.channel === channel && p.dataset === dataset);
  if (!pull) throw new Error(`no pull row for ${channel}/${dataset} in run ${runId}`);
  return pull.pullId;
}

/** The page bodies of one pull, in page order, as archived (the bytes received). */
async function pageBodies(db: Db, pullId: number): Promise<{ bodies: Buffer[]; recordCounts: number[] }> {
  const pages = await readRawPages(db, pullId);
  return { bodies: pages.map((p) => p.body), recordCounts: pages.map((p) => p.recordCount) };
}

/**
 * The JSON re-encoding of each page's pulled raw records. source_records.raw is `json` (text kept
 * as sent), written as JSON.stringify of the record's raw, so `raw::text` joined per page is
 * JSON.stringify of that page's records. Versions the mirror already held within this pull
 * (a record served twice) are stored once, so a page can come out a few records short.
 */
async function reencodedPages(db: Db, pullId: number, recordCounts: readonly number[]): Promise<Buffer[]> {
  const texts: string[] = [];
  for await (const raw of readPulledRawText(db, pullId, READ_BACK_ROWS)) texts.push(raw);
  const pages: Buffer[] = [];
  let at = 0;
  for (const n of recordCounts) {
    if (at >= texts.length) break;
    pages.push(Buffer.from(`[${texts.slice(at, at + n).join(',')}]`, 'utf8'));
    at += n;
  }
  if (at < texts.length) pages.push(Buffer.from(`[${texts.slice(at).join(',')}]`, 'utf8'));
  return pages;
}

/** The floor: utf-8 decode + JSON.parse of every page, once per pass; seconds of each pass. */
function timeParse(pages: readonly Buffer[], repeats: number): number[] {
  const passes: number[] = [];
  let sink = 0; // keeps the parse results observable so the work cannot be skipped
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    for (const page of pages) {
      const parsed: unknown = JSON.parse(page.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object') sink++;
    }
    passes.push((performance.now() - t0) / 1000);
  }
  if (sink < 0) throw new Error('unreachable');
  return passes;
}

async function measureFloor(db: Db, pull: IngestedPull, repeats: number): Promise<DatasetRun> {
  const channel = pull.connector.channel;
  const { bodies, recordCounts } = await pageBodies(db, pull.pullId);
  const bytes = bodies.reduce((s, b) => s + b.byteLength, 0);
  const floorKind: FloorKind = NON_JSON_CHANNELS.has(channel) ? 'reencoded' : 'body';
  let floorPages: Buffer[];
  if (floorKind === 'body') {
    floorPages = bodies;
    try {
      for (const b of bodies) JSON.parse(b.toString('utf8'));
    } catch (err) {
      throw new Error(`${channel}/${pull.dataset}: a page body is not JSON (${(err as Error).message}); the floor needs a JSON body`, { cause: err });
    }
  } else {
    floorPages = await reencodedPages(db, pull.pullId, recordCounts);
  }
  return {
    channel,
    dataset: pull.dataset,
    ...pull.counts,
    pages: bodies.length,
    pageRecords: recordCounts.reduce((s, n) => s + n, 0),
    seconds: pull.seconds,
    bytes,
    floorKind,
    floorBytes: floorPages.reduce((s, b) => s + b.byteLength, 0),
    floorPassSeconds: timeParse(floorPages, repeats),
  };
}

// run as a forked child: the configuration is the one argument, the answer goes back over IPC
if (process.send && process.argv[2]) {
  const config = JSON.parse(process.argv[2]) as HubRunConfig;
  runHub(config).then(
    (result) => {
      send({ kind: 'result', result });
      process.disconnect();
    },
    (err: unknown) => {
      send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.disconnect();
      process.exitCode = 1;
    },
  );
}
