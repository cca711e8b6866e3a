// A queue worker (`lifecert worker`): BullMQ workers on every queue this process can serve —
// a pull queue per configured source, the match shards, the run's own jobs — over one mirror
// and one Redis. Any number of them, on any machine, share the work. close() is the graceful
// stop: pulls stop after the page in hand (committed with its cursor) and go back to the
// queue, everything else finishes, then the connections close.
import { FlowProducer, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { HubConfig } from '../config/index.ts';
import { buildConnectors } from '../config/index.ts';
import type { Connector } from '../connectors/kit/connector.ts';
import { createProvincialImporter } from '../feedback/batches-provincial.ts';
import type { ProvincialImporter } from '../feedback/batches-provincial.ts';
import { failRun, finishTask, listImportBatchPage, migrate } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { RunStep } from '../schemas/runs.ts';
import { JobsError } from './errors.ts';
import { createError, errorCodeOf, isErrorCode } from '../lib/errors.ts';
import type { ErrorCode } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import type { Logger } from '../lib/log.ts';
import type { JobContext } from './job-context.ts';
import { jobOptions } from './job-options.ts';
import type { RetryOptions } from './job-options.ts';
import { deliveryJobOptions } from './job-options.ts';
import { ADOPTION_SCHEDULE, ADOPTION_SCHEDULER, adoptionChannelOf, processAdoption } from './adoption-job.ts';
import { processImport } from './import-job.ts';
import { processMatch } from './match-job.ts';
import { processPublish } from './publish-job.ts';
import { processPull } from './pull-job.ts';
import { ADOPTION_QUEUE, DEFAULT_PREFIX, FEEDBACK_QUEUE, IMPORTS_QUEUE, jobIds, pullQueueName, RUNS_QUEUE, SHARDS_QUEUE, SOURCES, sourceOf } from './queues.ts';
import { processDeliver, processSweep, SWEEP_EVERY_MS, SWEEP_SCHEDULER } from './deliver-job.ts';
import { feedbackChannels } from '../feedback/channels/index.ts';
import type { Source } from './queues.ts';
import { stallCountKey } from './queue-state.ts';
import { openRedis } from './redis.ts';
import { processSchedule } from './schedule-job.ts';
import { upsertSchedules } from './schedules.ts';
import { processShard } from './shard-job.ts';
import type { WorkerEvent } from './worker-events.ts';
import type { AdoptionJobData } from './queues.ts';

export interface StartWorkerOptions {
  /**
   * the mirror (PostgreSQL for more than one worker); migrated at start; the caller closes it.
   * Its pool needs `workerPoolSize(concurrency)` connections: a pull holds one for its dataset
   * lock while its pages take another, so a smaller pool can starve every pull at once.
   */
  db: Db;
  /** REDIS_URL */
  redisUrl: string;
  /** the configuration file as loaded by config/: sources (this worker's connectors), schedules, pull limits */
  config: HubConfig;
  /** BullMQ key prefix (LIFECERT_QUEUE_PREFIX; default `lifecert`): one installation per prefix */
  prefix?: string;
  /** jobs at once in this process: per pull queue (default 1), shards (default 2), run jobs (default 4) */
  concurrency?: { pull?: number; shards?: number; runs?: number; feedback?: number };
  /** how often the feedback sweep queues the channels with PENDING items (default 60000 ms) */
  feedbackSweepMs?: number;
  /** backoff between delivery passes of a channel that is down: base doubled per pass, capped (default 30 s, 1 h) */
  feedbackBackoff?: { baseMs: number; capMs: number };
  /**
   * how long a job's lock lasts without renewal (default 30000 ms): a worker killed with
   * SIGKILL holds its jobs this long before another may take them
   */
  lockDurationMs?: number;
  /** how often this worker looks for stalled jobs of dead workers (default 30000 ms) */
  stalledIntervalMs?: number;
  /** stalls a job survives before it fails (default 2) */
  maxStalledCount?: number;
  /** page size asked of connectors (default each connector's own) */
  pageSize?: number;
  /** wait before retrying a pull whose dataset another job is pulling (default 5000 ms) */
  lockBusyDelayMs?: number;
  /** job attempts and backoff of the runs schedules start (default 3, 5000 ms) */
  retry?: RetryOptions;
  /** attempts and backoff of the import jobs this worker queues again at start and the adoption sends it queues (default 10, from 30000 ms) */
  deliveryRetry?: RetryOptions;
  /**
   * when a worker with the ministry sends the adoption items not yet accepted, besides after each
   * run that pulled the ministry: a cron pattern in China time (default ADOPTION_SCHEDULE, daily
   * 09:00); null: only after runs
   */
  adoptionSchedule?: string | null;
  /** the provincial import endpoint (default: built from `config.provincial`; null: none) */
  provincial?: ProvincialImporter | null;
  /** upsert the configuration's schedules at start (default true) */
  schedules?: boolean;
  onEvent?: (event: WorkerEvent) => void;
  /** the wall clock (default Date.now): run and task times */
  now?: () => number;
  /** where pulls log their pages, retries and failures (lib/log.ts); default nothing */
  log?: Logger;
}

export interface WorkerHandle {
  /** the queues this worker takes jobs from */
  readonly queues: readonly string[];
  /** stop gracefully: pulls stop after the page in hand and are requeued; resolves once every connection is closed (the db stays open) */
  close(): Promise<void>;
}

/** Mirror connections a worker with this concurrency can use at once (see StartWorkerOptions.db). */
export function workerPoolSize(concurrency: StartWorkerOptions['concurrency'] = {}): number {
  const pulls = (concurrency.pull ?? 1) * SOURCES.length;
  return 2 * pulls + (concurrency.shards ?? 2) + (concurrency.runs ?? 4) + (concurrency.feedback ?? 2) + 2;
}

const CONTROL_FLOW = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError', 'RateLimitError']);

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  // every connection reports each failed reconnect: one line per message per 10 s is enough
  const lastError = new Map<string, number>();
  const emit = (e: WorkerEvent) => {
    if (e.type === 'error') {
      const at = Date.now();
      if (at - (lastError.get(e.message) ?? -Infinity) < 10_000) return;
      lastError.set(e.message, at);
    }
    try {
      options.onEvent?.(e);
    } catch {
      // a reporting problem must never fail a job
    }
  };
  checkPositive('lockDurationMs', options.lockDurationMs);
  checkPositive('stalledIntervalMs', options.stalledIntervalMs);
  checkPositive('pageSize', options.pageSize);
  checkPositive('lockBusyDelayMs', options.lockBusyDelayMs);

  await migrate(options.db);
  const connectors = buildConnectors(options.config.sources) as Connector[];
  const byChannel = new Map(connectors.map((c) => [c.channel, c]));
  const sources = new Set(connectors.map((c) => sourceOf(c.channel)).filter((s): s is Source => s !== null));

  const redis = openRedis(options.redisUrl, 'worker');
  const shutdown = new AbortController();
  const onError = (err: Error) => emit({ type: 'error', message: err.message });
  const runsQueue = new Queue(RUNS_QUEUE, { connection: redis, prefix }).on('error', onError);
  const shardsQueue = new Queue(SHARDS_QUEUE, { connection: redis, prefix }).on('error', onError);
  const feedbackQueue = new Queue(FEEDBACK_QUEUE, { connection: redis, prefix }).on('error', onError);
  // every worker may queue an adoption send (a run closing); only one with the ministry takes them
  const adoptionQueue = new Queue(ADOPTION_QUEUE, { connection: redis, prefix }).on('error', onError);
  const delivery = deliveryJobOptions(options.deliveryRetry);
  const flows = new FlowProducer({ connection: redis, prefix }).on('error', onError);
  const opts = jobOptions(options.retry);
  const ctx: JobContext = {
    db: options.db,
    connectors: byChannel,
    feedbackChannels: feedbackChannels(connectors, { now: options.now }),
    feedbackQueue,
    adoptionQueue,
    deliveryOptions: delivery,
    feedbackBackoff: options.feedbackBackoff ?? { baseMs: 30_000, capMs: 3600_000 },
    available: connectors.map((c) => ({ channel: c.channel, datasets: c.datasets })),
    shutdown: shutdown.signal,
    shardsQueue,
    shardOptions: opts.child,
    enqueue: { db: options.db, flows, runsQueue, options: opts },
    pageSize: options.pageSize,
    lockBusyDelayMs: options.lockBusyDelayMs ?? 5_000,
    now: options.now ?? Date.now,
    log: options.log ?? silentLogger,
    emit,
    provincial: options.provincial !== undefined ? options.provincial : options.config.provincial ? createProvincialImporter(options.config.provincial) : null,
  };

  const pullQueues: Queue[] = [];
  const workers: Worker[] = [];
  try {
    // per-source limits live in Redis and bind every worker, whichever started last
    for (const source of SOURCES) {
      if (!sources.has(source)) continue;
      const q = new Queue(pullQueueName(source), { connection: redis, prefix }).on('error', onError);
      pullQueues.push(q);
      const limit = options.config.pullLimits[source];
      if (limit?.concurrency !== undefined) await q.setGlobalConcurrency(limit.concurrency);
      else await q.removeGlobalConcurrency();
      if (limit?.rateLimit !== undefined) await q.setGlobalRateLimit(limit.rateLimit.max, limit.rateLimit.durationMs);
      else await q.removeGlobalRateLimit();
    }
    if (options.schedules ?? true) await upsertSchedules(runsQueue, options.config.schedules);
    await feedbackQueue.upsertJobScheduler(SWEEP_SCHEDULER, { every: options.feedbackSweepMs ?? SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: true } });

    const workerOptions = {
      connection: redis,
      prefix,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
    };
    const make = (queue: string, concurrency: number) => {
      const w = new Worker(queue, (job: Job, token?: string, signal?: AbortSignal) => runJob(ctx, job, token, signal), { ...workerOptions, concurrency });
      w.on('error', (err) => emit({ type: 'error', message: `${queue}: ${err.message}` }));
      w.on('stalled', (jobId) => {
        emit({ type: 'stalled', queue, jobId });
        void redis.hincrby(stallCountKey(prefix), queue, 1).catch(() => undefined);
      });
      // failures the processor never saw (a job stalled too often) still fail their run
      w.on('failed', (job, err) => {
        if (!job) return;
        void job.isFailed().then((failed) => (failed ? recordFailure(ctx, job, err) : undefined)).catch(() => undefined);
      });
      workers.push(w);
    };
    for (const source of SOURCES) if (sources.has(source)) make(pullQueueName(source), options.concurrency?.pull ?? 1);
    make(SHARDS_QUEUE, options.concurrency?.shards ?? 2);
    make(RUNS_QUEUE, options.concurrency?.runs ?? 4);
    // deliveries: imports when the provincial endpoint is configured, adoption when the ministry is
    if (ctx.provincial !== null) {
      const q = new Queue(IMPORTS_QUEUE, { connection: redis, prefix }).on('error', onError);
      pullQueues.push(q);
      make(IMPORTS_QUEUE, 1);
      await requeueImports(ctx, q, delivery);
    }
    if (adoptionChannelOf(ctx) !== null) {
      // one send at a time across all workers: two would send the same unaccepted batch twice
      await adoptionQueue.setGlobalConcurrency(1);
      // besides the send each run that pulled the ministry queues as it closes: a daily one, for
      // the items of runs that failed after their ministry pulls and sends whose retries ran out
      const schedule = options.adoptionSchedule === undefined ? ADOPTION_SCHEDULE : options.adoptionSchedule;
      if (schedule !== null) {
        await adoptionQueue.upsertJobScheduler(ADOPTION_SCHEDULER, { pattern: schedule, tz: 'Asia/Shanghai' }, {
          name: 'adoption', data: { requestedBy: `schedule:${ADOPTION_SCHEDULER}` } satisfies AdoptionJobData, opts: delivery,
        });
      } else {
        await adoptionQueue.removeJobScheduler(ADOPTION_SCHEDULER);
      }
      make(ADOPTION_QUEUE, 1);
    }
    make(FEEDBACK_QUEUE, options.concurrency?.feedback ?? 2);
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  } catch (err) {
    await Promise.allSettled(workers.map((w) => w.close(true)));
    await Promise.allSettled([...pullQueues, runsQueue, shardsQueue, feedbackQueue, adoptionQueue].map((q) => q.close()));
    await flows.close().catch(() => undefined);
    redis.disconnect();
    if (err instanceof JobsError) throw err;
    throw new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', `the worker could not start on Redis: ${(err as Error).message}`, { cause: err });
  }
  const names = workers.map((w) => w.name);
  emit({ type: 'ready', pid: process.pid, queues: names });

  let closing: Promise<void> | null = null;
  return {
    queues: names,
    close() {
      closing ??= (async () => {
        emit({ type: 'closing' });
        shutdown.abort(createError('LIFECERT_JOBS_WORKER_STOPPING', 'the worker is shutting down'));
        await Promise.allSettled(workers.map((w) => w.close()));
        await Promise.allSettled([...pullQueues, runsQueue, shardsQueue, feedbackQueue, adoptionQueue].map((q) => q.close()));
        await flows.close().catch(() => undefined);
        await redis.quit().catch(() => redis.disconnect());
        emit({ type: 'closed' });
      })();
      return closing;
    },
  };
}

async function runJob(ctx: JobContext, job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
  try {
    const result = await dispatch(ctx, job, token, signal);
    const t = taskOf(job);
    if (t) ctx.emit({ type: 'job-completed', queue: job.queueName, jobId: job.id ?? '', name: job.name, runId: t.runId, task: t.task });
    return result;
  } catch (err) {
    if (err instanceof Error && CONTROL_FLOW.has(err.name)) throw err;
    const final = isFinalFailure(job, err);
    // the record is written before BullMQ moves the job: a worker dying now leaves the run right
    if (final) await recordFailure(ctx, job, err).catch(() => undefined);
    const t = taskOf(job);
    ctx.emit({ type: 'job-failed', queue: job.queueName, jobId: job.id ?? '', runId: t?.runId ?? '', task: t?.task ?? '', code: codeOf(err), message: messageOf(err), final });
    throw err;
  }
}

function dispatch(ctx: JobContext, job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
  switch (job.name) {
    case 'pull':
      return processPull(ctx, job, token, signal);
    case 'match':
      return processMatch(ctx, job, token);
    case 'shard':
      return processShard(ctx, job);
    case 'publish':
      return processPublish(ctx, job);
    case 'schedule':
      return processSchedule(ctx, job);
    case 'import':
      return processImport(ctx, job);
    case 'adoption':
      return processAdoption(ctx, job);
    case 'deliver':
      return processDeliver(ctx, job, token);
    case 'sweep':
      return processSweep(ctx, ctx.feedbackQueue);
    default:
      throw new UnrecoverableError(`LIFECERT_JOBS_JOB_FAILED: no processor for job ${JSON.stringify(job.name)} in queue ${job.queueName}`);
  }
}

/** The run and task a job stands for (match plans and schedule firings have no task row). */
function taskOf(job: Job): { runId: string; step: RunStep | null; task: string } | null {
  const d = job.data as { runId?: unknown; channel?: unknown; dataset?: unknown; areaCode?: unknown };
  if (typeof d.runId !== 'string') return null;
  switch (job.name) {
    case 'pull':
      return { runId: d.runId, step: 'pull', task: `${String(d.channel)}/${String(d.dataset)}` };
    case 'shard':
      return { runId: d.runId, step: 'match', task: String(d.areaCode) };
    case 'publish':
      return { runId: d.runId, step: 'publish', task: '' };
    default:
      return { runId: d.runId, step: null, task: '' };
  }
}

/**
 * Batches left IMPORTING with no job (the API could not queue it after the level-2 approval, or
 * Redis lost it) get their import job again; a batch whose job is still there is added once.
 */
async function requeueImports(ctx: JobContext, queue: Queue, opts: ReturnType<typeof deliveryJobOptions>): Promise<void> {
  let after: readonly [string, string, number] | undefined;
  for (;;) {
    const page = await listImportBatchPage(ctx.db, { region: '44', state: 'IMPORTING', ...(after ? { after } : {}), limit: 500 });
    for (const b of page) await queue.add('import', { batchId: b.batchId }, { ...opts, jobId: jobIds.import(b.batchId, 0) });
    if (page.length < 500) return;
    const last = page[page.length - 1];
    after = [last.period, last.areaCode, last.seq];
  }
}

function isFinalFailure(job: Job, err: unknown): boolean {
  if (err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError')) return true;
  // attemptsMade counts finished attempts; inside the processor the current one is not yet among them
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

async function recordFailure(ctx: JobContext, job: Job, err: unknown): Promise<void> {
  const t = taskOf(job);
  if (!t) return;
  const error = { code: codeOf(err), message: `${job.name} ${t.task || t.runId}: ${messageOf(err)}` };
  const at = new Date(ctx.now()).toISOString();
  if (t.step) await finishTask(ctx.db, t.runId, t.step, t.task, { state: 'FAILED', error }, at);
  await failRun(ctx.db, t.runId, error, at);
}

/** The error's registry code, or one carried at the start of its message (BullMQ's UnrecoverableError has none of its own). */
function codeOf(err: unknown): ErrorCode {
  const own = errorCodeOf(err);
  if (own) return own;
  const m = /^(LIFECERT_[A-Z0-9_]+):/.exec(messageOf(err));
  return m && isErrorCode(m[1]) ? m[1] : 'LIFECERT_JOBS_JOB_FAILED';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function checkPositive(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new JobsError('LIFECERT_JOBS_OPTIONS_INVALID', `${name} must be a positive whole number, got ${value}`);
  }
}
