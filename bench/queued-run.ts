// What the queued benchmarks share (bench/queue.ts, bench/month-workers.ts): a hub configuration
// file pointing at a sandbox, `lifecert worker` processes forked as operators start them, one
// queued run from startRun to its end, its phases and counts from the mirror, and the removal
// of a run's queue prefix from Redis afterwards.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Jobs, RunStatus, WorkerEvent } from '../jobs/index.ts';
import type { Db } from '../mirror/index.ts';
import { SANDBOX_CREDENTIAL_VARIABLES, sandboxHubConfig } from '../sandbox/hub-sources.ts';
import type { PullCounts } from '../schemas/types.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/lifecert.js');

/** REDIS_URL, else the local server. */
export function benchRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
}

/**
 * Writes `file`, a lifecert.config.json whose sources are the sandbox at `sandboxUrl` (its civil
 * drop in `civilDir`), and returns the variables its credentials are read from.
 */
export function writeSandboxHubConfig(file: string, sandboxUrl: string, cities: readonly string[], civilDir: string): Record<string, string> {
  const config = sandboxHubConfig(sandboxUrl, cities) as { sources: Record<string, unknown> };
  config.sources.civil = { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox') };
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return { ...SANDBOX_CREDENTIAL_VARIABLES };
}

export interface BenchWorker {
  readonly pid: number;
  readonly child: ChildProcess;
  /** jobs this process finished, by job name (pull, shard, match, publish…) */
  readonly completed: Record<string, number>;
  /** SIGTERM (the graceful stop) and wait for the exit */
  stop(): Promise<void>;
}

/** Forks `lifecert worker --no-schedules ARGS` with `env` in `cwd`; resolves once it is ready. */
export function forkWorker(env: NodeJS.ProcessEnv, cwd: string, args: readonly string[] = []): Promise<BenchWorker> {
  const child = fork(BIN, ['worker', '--no-schedules', ...args], { env, cwd, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execPath: process.execPath });
  const completed: Record<string, number> = {};
  const worker: BenchWorker = {
    pid: child.pid ?? -1,
    child,
    completed,
    stop: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
  };
  return new Promise((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`a worker exited (code ${code}) before it was ready`));
    child.once('exit', early);
    child.on('message', (m: unknown) => {
      const e = m as WorkerEvent;
      if (e.type === 'ready') {
        child.off('exit', early);
        resolve(worker);
      } else if (e.type === 'job-completed') {
        completed[e.name] = (completed[e.name] ?? 0) + 1;
      }
    });
  });
}

/** Removes every key of `prefix` (one run's queues) from Redis. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // a failure reaches the caller through the command that failed
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Queues one run (startRun) and polls the mirror until it is SUCCEEDED; throws when it FAILED.
 * `seconds`: from the call to the first poll that saw it done (polled every `pollMs`).
 */
export async function runQueued(jobs: Jobs, request: { period: string; asOf: string; requestedBy: string }, pollMs = 50): Promise<{ status: RunStatus; seconds: number }> {
  const t0 = performance.now();
  const { runId } = await jobs.startRun(request);
  let status: RunStatus | null = null;
  while (!status || (status.state !== 'SUCCEEDED' && status.state !== 'FAILED')) {
    await new Promise((r) => setTimeout(r, pollMs));
    status = await jobs.getRun(runId);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (status.state === 'FAILED') throw new Error(`the queued run ${runId} failed: ${status.error?.code} ${status.error?.message}`);
  return { status, seconds };
}

/** Per `<channel>/<dataset>`: the counts of a queued run's pulls. */
export function datasetCounts(status: RunStatus): Record<string, PullCounts> {
  return Object.fromEntries(status.datasets.map((d) => [`${d.channel}/${d.dataset}`, { pulled: d.pulled, staged: d.staged, rejected: d.rejected, skipped: d.skipped }]));
}

/** Phases of a queued run from its task rows: first start to last finish of each step, in seconds. */
export async function runPhases(db: Db, runId: string): Promise<{ pull: number | null; match: number | null; publish: number | null }> {
  const { rows } = await db.query<{ step: string; seconds: number | null }>(
    `SELECT step, extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds FROM run_tasks WHERE run_id = $1 GROUP BY step`,
    [runId],
  );
  const of = (step: string) => rows.find((r) => r.step === step)?.seconds ?? null;
  return { pull: of('pull'), match: of('match'), publish: of('publish') };
}
