// The queues of a run and what their jobs carry. A pull queue per source, so each source gets
// its own rate limit and cap on pulls at once (BullMQ limits are per queue); the shards of the
// match in one queue; the run's own jobs (match plan, closing publish, schedule firings) in
// another. Job ids are derived from the run, so adding a job twice adds it once.
import { defaultRegistry } from '../connectors/registry.ts';
import type { RunStep } from '../schemas/runs.ts';

/** The sources with a pull queue each: the registered ones (connectors/registry.ts). */
export const SOURCES: readonly string[] = defaultRegistry.sources.map((d) => d.name);
/** a source's name */
export type Source = string;

/** BullMQ key prefix unless told otherwise (LIFECERT_QUEUE_PREFIX) */
export const DEFAULT_PREFIX = 'lifecert';

export const RUNS_QUEUE = 'runs';
export const SHARDS_QUEUE = 'shards';
/** imports of approved batches into the provincial system (article 9) */
export const IMPORTS_QUEUE = 'imports';
/** adoption feedback to the ministry (SubmitFeedback, article 14) */
export const ADOPTION_QUEUE = 'adoption';
/** feedback delivery: one job per channel with PENDING items, and the sweep that finds them */
export const FEEDBACK_QUEUE = 'feedback';

export function pullQueueName(source: Source): string {
  return `pull-${source}`;
}

export function allQueueNames(): string[] {
  return [RUNS_QUEUE, SHARDS_QUEUE, IMPORTS_QUEUE, ADOPTION_QUEUE, FEEDBACK_QUEUE, ...SOURCES.map(pullQueueName)];
}

/** `police-4401` → `police`; null for a channel of no known source. */
export function sourceOf(channel: string): Source | null {
  return defaultRegistry.sourceOf(channel)?.name ?? null;
}

/** One pull of one (channel, dataset) within a run. */
export interface PullJobData {
  runId: string;
  channel: string;
  dataset: string;
  asOf: string;
}

/** The match: when its pulls are done it plans one shard job per area code, then waits for them. */
export interface MatchJobData {
  runId: string;
  period: string;
  asOf: string;
  /** the instant cases are opened at: the run's creation, the same for every shard */
  openedAt: string;
  /** set once the shard jobs are added, so a re-run of this job only waits */
  planned?: boolean;
}

export interface ShardJobData {
  runId: string;
  period: string;
  asOf: string;
  areaCode: string;
  openedAt: string;
}

/** The run's closing job: the summary, and the run SUCCEEDED. */
export interface PublishJobData {
  runId: string;
  /** whether the run matched (a summary is to be read) */
  matched: boolean;
  /** whether the run pulled a ministry dataset: its adoption items are sent once the run closes */
  sendAdoption?: boolean;
  /** the feedback step: queue the delivery of every channel with PENDING items as the run closes */
  deliverFeedback?: boolean;
}

export interface ScheduleJobData {
  schedule: string;
  steps?: RunStep[];
  connectors?: string[];
  period: 'current' | 'previous';
}

/** The import of one approved batch; every attempt sends the same batch id. */
export interface ImportJobData {
  batchId: string;
}

/** One adoption send: decide, cut and send every batch not yet accepted. */
export interface AdoptionJobData {
  /** who asked: `user:<id>`, `cli:<user>`, `worker` */
  requestedBy: string;
}

// BullMQ refuses ':' in custom ids; run ids, channels, datasets and area codes hold none
const sep = '.';
export const jobIds = {
  publish: (runId: string) => [runId, 'publish'].join(sep),
  match: (runId: string) => [runId, 'match'].join(sep),
  pull: (runId: string, channel: string, dataset: string) => [runId, 'pull', channel, dataset].join(sep),
  shard: (runId: string, areaCode: string) => [runId, 'shard', areaCode].join(sep),
  /** one live import job per batch; `round` tells a retry of an IMPORT_FAILED batch from the first */
  import: (batchId: string, round = 0) => ['import', batchId, String(round)].join(sep),
  adoption: (ms: number) => ['adoption', String(ms)].join(sep),
  /** the adoption send a run queues as it closes: once per run */
  adoptionAfterRun: (runId: string) => ['adoption', runId].join(sep),
  /** one delivery job per channel at a time: adding it again while it waits or runs adds nothing */
  deliver: (channel: string) => ['deliver', channel].join(sep),
};

/** A delivery pass over one channel's PENDING items; `attempt` counts the passes that found it down. */
export interface DeliverJobData {
  channel: string;
  attempt?: number;
}
