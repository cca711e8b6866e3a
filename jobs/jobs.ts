// The API side of the queues (used by the gateway, `lifecert serve`): start a run, read it,
// read queue state for /metrics and /readyz, upsert the schedules. It takes no jobs itself;
// `lifecert worker` processes do. Run state is read from the mirror, so it answers while
// Redis is down; starting a run needs both.
import { FlowProducer, Queue } from 'bullmq';
import type { HubConfig } from '../config/index.ts';
import { buildConnectors } from '../config/index.ts';
import { listRuns, readRun, runDurations, runStateCounts } from '../mirror/index.ts';
import type { Db, ListRunsOptions, RunDuration } from '../mirror/index.ts';
import type { RunRequest, RunState, RunStatus } from '../schemas/runs.ts';
import { enqueueRun } from './enqueue-run.ts';
import { JobsError } from './errors.ts';
import { deliveryJobOptions, jobOptions } from './job-options.ts';
import type { RetryOptions } from './job-options.ts';
import { ADOPTION_QUEUE, allQueueNames, DEFAULT_PREFIX, FEEDBACK_QUEUE, IMPORTS_QUEUE, jobIds, RUNS_QUEUE } from './queues.ts';
import type { AdoptionJobData, ImportJobData } from './queues.ts';
import { queueDeliveries } from './deliver-job.ts';
import { readQueueStates } from './queue-state.ts';
import type { QueueState } from './queue-state.ts';
import { openRedis, redactRedisUrl, whenConnected } from './redis.ts';
import { planRun } from './run-plan.ts';
import type { AvailableConnector } from './run-plan.ts';
import { listSchedules, upsertSchedules } from './schedules.ts';
import type { ScheduleState } from './schedules.ts';

export interface CreateJobsOptions {
  /** the mirror; the caller migrates it and closes it */
  db: Db;
  /** REDIS_URL */
  redisUrl: string;
  /** lifecert.config.json as loaded by config/: which connectors a run may pull, the schedules */
  config: HubConfig;
  /** BullMQ key prefix (default `lifecert`); the workers must use the same */
  prefix?: string;
  /** job attempts and backoff (default 3, 5000 ms) */
  retry?: RetryOptions;
  /** attempts and backoff of imports and adoption sends (default 10, from 30000 ms doubled) */
  deliveryRetry?: RetryOptions;
  /** the wall clock (default Date.now): run ids, creation times, the default as-of date */
  now?: () => number;
  /** how long queuing a run may wait for Redis before it fails (default 10000 ms) */
  queueTimeoutMs?: number;
  /** connection errors of the queues (Redis down, reconnecting): log them; default ignored */
  onError?: (error: Error) => void;
}

export interface Jobs {
  /**
   * Records the run (QUEUED) and queues its flow. Throws JobsError: LIFECERT_JOBS_REQUEST_INVALID,
   * LIFECERT_JOBS_CONNECTOR_UNKNOWN (nothing recorded), or
   * LIFECERT_JOBS_QUEUE_UNAVAILABLE (the run is recorded FAILED).
   */
  startRun(request: RunRequest): Promise<{ runId: string }>;
  /** state, per-step progress, per source and dataset counts; null for an unknown run */
  getRun(runId: string): Promise<RunStatus | null>;
  /** newest first; `before` is the runId of the last run of the previous page */
  listRuns(options?: ListRunsOptions): Promise<RunStatus[]>;
  /** per queue: jobs per state, stalls, paused — read from Redis */
  queueCounts(): Promise<QueueState[]>;
  /** runs per state (from the mirror) */
  runCounts(): Promise<Record<RunState, number>>;
  /** finished runs after `finishedAfter`, oldest first: observe each once into a histogram */
  runDurations(options?: { finishedAfter?: string; limit?: number }): Promise<RunDuration[]>;
  /** the configuration's schedules as job schedulers (idempotent; removes ones no longer configured) */
  upsertSchedules(): Promise<void>;
  schedules(): Promise<ScheduleState[]>;
  /**
   * Queues the import of an IMPORTING batch (after its level-2 approval, or a retry of an
   * IMPORT_FAILED one with `round` > 0). One job per batch and round: queuing twice adds it once.
   */
  startImport(batchId: string, round?: number): Promise<{ jobId: string }>;
  /** Queues one adoption send (SubmitFeedback of every item not yet accepted). */
  sendAdoption(requestedBy: string): Promise<{ jobId: string }>;
  /** queue a delivery pass for each of these channels now (case outcomes, resends) */
  requestDelivery(channels: readonly string[]): Promise<void>;
  /** Redis answers (for /readyz) */
  ping(): Promise<boolean>;
  /** the BullMQ queues (for the queue board) */
  readonly queues: readonly Queue[];
  readonly prefix: string;
  close(): Promise<void>;
}

export function createJobs(options: CreateJobsOptions): Jobs {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const now = options.now ?? Date.now;
  const redis = openRedis(options.redisUrl, 'producer');
  const onError = (err: Error) => options.onError?.(err);
  const queues = allQueueNames().map((name) => new Queue(name, { connection: redis, prefix }).on('error', onError));
  const runsQueue = queues.find((q) => q.name === RUNS_QUEUE) as Queue;
  const importsQueue = queues.find((q) => q.name === IMPORTS_QUEUE) as Queue;
  const adoptionQueue = queues.find((q) => q.name === ADOPTION_QUEUE) as Queue;
  const delivery = deliveryJobOptions(options.deliveryRetry);
  const flows = new FlowProducer({ connection: redis, prefix }).on('error', onError);
  // a connection being (re)made gets a moment; one that is not there fails the request
  const connectWaitMs = Math.min(options.queueTimeoutMs ?? 10_000, 2_000);
  const connected = () => whenConnected(redis, connectWaitMs);
  const enqueue = { db: options.db, flows, runsQueue, options: jobOptions(options.retry), timeoutMs: options.queueTimeoutMs ?? 10_000, isConnected: connected };
  const requireRedis = async (what: string) => {
    if (!(await connected())) throw new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', `cannot ${what}: Redis at ${redactRedisUrl(options.redisUrl)} is not connected (${redis.status})`);
  };
  let available: AvailableConnector[] | null = null;
  // built on first use: the connectors' configuration is validated then, and only their names are kept
  const connectors = (): AvailableConnector[] => (available ??= buildConnectors(options.config.sources).map((c) => ({ channel: c.channel, datasets: [...c.datasets] })));

  return {
    queues,
    prefix,
    async startRun(request) {
      const plan = planRun(request, connectors(), now());
      const { runId } = await enqueueRun(enqueue, plan);
      return { runId };
    },
    getRun: (runId) => readRun(options.db, runId),
    async startImport(batchId, round = 0) {
      await requireRedis('queue an import');
      const jobId = jobIds.import(batchId, round);
      const data: ImportJobData = { batchId };
      await importsQueue.add('import', data, { ...delivery, jobId });
      return { jobId };
    },
    async sendAdoption(requestedBy) {
      await requireRedis('queue an adoption send');
      const jobId = jobIds.adoption(now());
      const data: AdoptionJobData = { requestedBy };
      await adoptionQueue.add('adoption', data, { ...delivery, jobId });
      return { jobId };
    },
    async requestDelivery(channels) {
      await requireRedis('queue feedback delivery');
      await queueDeliveries(queues.find((q) => q.name === FEEDBACK_QUEUE) as Queue, channels);
    },
    listRuns: (o) => listRuns(options.db, o),
    async queueCounts() {
      await requireRedis('read queue state');
      try {
        return await readQueueStates(redis, prefix, queues);
      } catch (err) {
        throw new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', `cannot read queue state: ${(err as Error).message}`, { cause: err });
      }
    },
    runCounts: () => runStateCounts(options.db),
    runDurations: (o) => runDurations(options.db, o),
    async upsertSchedules() {
      await requireRedis('upsert the schedules');
      await upsertSchedules(runsQueue, options.config.schedules);
    },
    async schedules() {
      await requireRedis('read the schedules');
      return listSchedules(runsQueue);
    },
    async ping() {
      if (!(await connected())) return false;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (redis.status !== 'ready') {
        // nothing to say goodbye to; closing the queues would wait for a connection
        redis.disconnect();
        return;
      }
      await Promise.allSettled(queues.map((q) => q.close()));
      await flows.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
