// What bench/month.ts and its child processes (the hub, the floor and SQL baseline) tell each
// other over IPC.
import type { PullCounts } from '../schemas/types.ts';

export type HubStage = 'ingest' | 'match' | 'verify';

export interface MonthHubConfig {
  databaseUrl: string;
  sandboxUrl: string;
  civilDir: string;
  cities: string[];
  period: string;
  asOf: string;
  runId: string;
  /** the world file: the hub streams its roster (setup) and reads nothing else of it */
  worldFile: string;
  /** the generator's expectation: counts and results, streamed after the timing */
  expectedFile: string;
}

export interface Span {
  /** seconds of wall time */
  wall: number;
  /** seconds of this process's CPU (user + system) */
  cpu: number;
}

export interface MonthHubResult {
  persons: number;
  matched: number;
  decisions: Record<string, number>;
  counts: Record<string, PullCounts>;
  setup: Span;
  /** the whole pull phase, and its stages summed over pages (milliseconds, overlapping across pulls) */
  ingest: Span & { pullMs: number; normalizeMs: number; stageMs: number; pages: number; records: number };
  decide: Span;
  publish: Span;
  matchWall: number;
  peakRssKiB: number;
  /** results that differ from the generator's, and datasets whose counts differ */
  differences: number;
  countDifferences: number;
  firstDifference?: string;
  /** sha-256 of the published results (bench/month-verify.ts): the queued runs of `--workers` must match it */
  resultsDigest?: string;
}

export type MonthHubMessage =
  | { kind: 'stage'; stage: HubStage }
  | { kind: 'result'; result: MonthHubResult }
  | { kind: 'failed'; message: string };

export interface FloorConfig {
  databaseUrl: string;
  runId: string;
  period: string;
  asOf: string;
}

export type FloorStage = 'floor-parse' | 'floor-copy' | 'sql-copy' | 'sql-classify' | 'done';

export interface FloorResult {
  records: number;
  /** records parsed per `<channel>/<dataset>` */
  perDataset: Record<string, number>;
  bytes: number;
  /** per format: records, bytes and seconds (wall = CPU: parsing is synchronous) */
  parse: Record<string, { records: number; bytes: number; seconds: number }>;
  parseSpan: Span;
  /** COPY of the parsed rows (channel, dataset, raw text) into a table without indexes or logic */
  copySpan: Span;
  /** SQL baseline: COPY of the same rows as jsonb, then the classification in SQL */
  sqlCopySpan: Span;
  sqlClassifySpan: Span;
  sqlDecisions: Record<string, number>;
  /** persons whose SQL decision is the hub's */
  sqlAgreement: number;
  peakRssKiB: number;
}

export type FloorMessage =
  | { kind: 'stage'; stage: FloorStage }
  | { kind: 'result'; result: FloorResult }
  | { kind: 'failed'; message: string };
