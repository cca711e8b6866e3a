// `lifecert worker`: a queue worker until SIGTERM or SIGINT. The first signal stops it
// gracefully (a pull commits the page in hand and goes back to the queue; the process exits 0);
// a second one exits at once. What it does is written as one JSON line per event, and sent to
// a parent process that forked it.
import type { Command, OptionValues } from './commands.ts';
import { createError } from '../lib/errors.ts';
import { createLogger } from '../lib/log.ts';

function str(values: OptionValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function positive(values: OptionValues, key: string): number | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `--${key} must be a positive whole number, got '${v}'`);
  return n;
}

export const workerCommand: Command = {
  options: {
    'database-url': { type: 'string' },
    prefix: { type: 'string' },
    concurrency: { type: 'string' },
    'shard-concurrency': { type: 'string' },
    'lock-ms': { type: 'string' },
    'stalled-interval-ms': { type: 'string' },
    'page-size': { type: 'string' },
    'no-schedules': { type: 'boolean' },
  },
  async run(values) {
    const concurrency = positive(values, 'concurrency');
    const shards = positive(values, 'shard-concurrency');
    const lockDurationMs = positive(values, 'lock-ms');
    const stalledIntervalMs = positive(values, 'stalled-interval-ms');
    const pageSize = positive(values, 'page-size');
    const { loadDotEnv, loadHubConfig } = await import('../config/index.ts');
    const { openDatabase, databaseOptionsFromEnv } = await import('../mirror/index.ts');
    const { startWorker, workerPoolSize, DEFAULT_REDIS_URL } = await import('../jobs/index.ts');
    loadDotEnv();
    const config = loadHubConfig(process.env.LIFECERT_CONFIG ?? './lifecert.config.json');

    let stopRequested = false;
    let wake: (() => void) | null = null;
    const onSignal = () => {
      if (stopRequested) process.exit(1); // a second signal: the operator does not want to wait
      stopRequested = true;
      wake?.();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    const url = str(values, 'database-url');
    const poolSize = workerPoolSize({ pull: concurrency, shards });
    const db = await openDatabase({ ...(url ? { databaseUrl: url } : databaseOptionsFromEnv()), poolSize });
    try {
      const handle = await startWorker({
        db,
        redisUrl: process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL,
        config,
        prefix: str(values, 'prefix') ?? (process.env.LIFECERT_QUEUE_PREFIX?.trim() || undefined),
        concurrency: { pull: concurrency, shards },
        lockDurationMs,
        stalledIntervalMs,
        pageSize,
        schedules: !values['no-schedules'],
        // stdout carries the worker's events; the log (pulls, retries, failures with codes) goes to stderr
        log: createLogger(process.env.LIFECERT_LOG_FILE ? { destination: process.env.LIFECERT_LOG_FILE } : {}),
        onEvent(event) {
          process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
          if (process.connected) process.send?.(event);
        },
      });
      if (!stopRequested) await new Promise<void>((resolve) => (wake = resolve));
      await handle.close();
    } finally {
      await db.close();
    }
    return 0;
  },
};
