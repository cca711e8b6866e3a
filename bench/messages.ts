// What the benchmark's parent and its hub process tell each other over IPC. The hub runs in
// its own process so that its peak RSS is the hub's alone (not the generator's world, not the
// benchmark's bookkeeping) and so that PGlite, which blocks the event loop, shares no thread
// with the simulators.

import type { DemoSummary } from '../cli/demo.ts';

export type TargetKind = 'pglite' | 'postgres';

/** Sent to the hub process as its one argument (JSON). */
export interface HubRunConfig {
  target: TargetKind;
  /** PGlite: a fresh temp folder (on disk, as in production) */
  dataDir?: string;
  /** PostgreSQL: a fresh database created for this run */
  databaseUrl?: string;
  sandboxUrl: string;
  civilDir: string;
  /** the police cities of the world (one connector each) */
  cities: string[];
  asOf: string;
  runId: string;
  /** how often the floor parse is repeated; the report takes the median (JSON.parse times scatter with GC) */
  floorRepeats: number;
}

/**
 * How the floor was measured for one dataset:
 * - `body`: utf-8 decode + JSON.parse of each archived page body (the bytes received);
 * - `reencoded`: the body is not JSON (SOAP XML, GBK CSV), so utf-8 decode + JSON.parse of the
 *   JSON re-encoding of the page's pulled raw records (JSON.stringify of the page's records).
 */
export type FloorKind = 'body' | 'reencoded';

export interface DatasetRun {
  channel: string;
  dataset: string;
  pulled: number;
  staged: number;
  rejected: number;
  skipped: number;
  pages: number;
  /** records the connector yielded in its pages (before the pull's de-duplication) */
  pageRecords: number;
  /** wall time of ingestDataset: simulator → normalized → staged, cursor committed */
  seconds: number;
  /** bytes of the page bodies as received (archived in raw_pages) */
  bytes: number;
  floorKind: FloorKind;
  /** bytes the floor parsed (= `bytes` for `body`; the JSON re-encoding's size otherwise) */
  floorBytes: number;
  /** each repetition of the floor parse over every page of the dataset, seconds */
  floorPassSeconds: number[];
}

export interface HubRunResult {
  target: TargetKind;
  /** where the mirror lived (URL without password, or data folder) */
  location: string;
  /** open + migrate */
  setupSeconds: number;
  /** every connector, one after another: first page asked → last page committed */
  ingestSeconds: number;
  /** peak resident set of the hub process up to the end of ingest (before the floor read-back), bytes */
  peakRssBytes: number;
  datasets: DatasetRun[];
}

export type HubMessage =
  | { kind: 'page'; channel: string; dataset: string; pulled: number }
  | { kind: 'dataset-done'; channel: string; dataset: string; pulled: number; seconds: number }
  | { kind: 'ingest-done'; seconds: number }
  | { kind: 'result'; result: HubRunResult }
  | { kind: 'floor'; seconds: number; peakRssKiB: number }
  | { kind: 'failed'; message: string };

// --- bench:demo ---------------------------------------------------------------------------

/** Sent to bench/demo-run.ts as its one argument (JSON). */
export interface DemoRunConfig {
  worldFile: string;
  out: string;
  /** PostgreSQL: a fresh database created for this run; PGlite (in `out/data`) when absent */
  databaseUrl?: string;
  /** only open a fresh mirror and migrate it: the memory and time every run starts with */
  floor?: boolean;
}

export type DemoRunMessage =
  | { kind: 'log'; line: string }
  | { kind: 'summary'; summary: DemoSummary }
  | { kind: 'floor'; seconds: number; peakRssKiB: number }
  | { kind: 'failed'; message: string };
