// `lifecert serve`: the gateway on HOST:PORT against the mirror of DATABASE_URL (or the
// embedded one in LIFECERT_DATA_DIR) and the queues of REDIS_URL (LIFECERT_QUEUE_PREFIX), until
// SIGINT or SIGTERM. Runs are started here and done by `lifecert worker` processes.
import path from 'node:path';
import { loadDotEnv, loadHubConfig, buildConnectors } from '../config/index.ts';
import { createGateway } from '../gateway/server.ts';
import { createJobs, DEFAULT_REDIS_URL } from '../jobs/index.ts';
import type { ReadinessCheck } from '../gateway/context.ts';
import { createError } from '../lib/errors.ts';
import { createGatewayLogger } from '../gateway/logging.ts';
import { requireSecret } from '../gateway/tokens.ts';
import { loadWorkingCalendar } from '../lib/working-calendar.ts';
import { databaseOptionsFromEnv, migrate, openDatabase } from '../mirror/index.ts';

export interface ServeOptions {
  port?: number;
  host?: string;
}

function portOf(value: string | number | undefined): number {
  const n = Number(value ?? 8080);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw createError('LIFECERT_CLI_ARGUMENT_INVALID', `PORT must be 0..65535, got '${String(value)}'`);
  return n;
}

export async function runServe(options: ServeOptions = {}): Promise<number> {
  loadDotEnv();
  const secret = requireSecret();
  const port = portOf(options.port ?? process.env.PORT);
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const configFile = path.resolve(process.env.LIFECERT_CONFIG ?? './lifecert.config.json');
  const config = loadHubConfig(configFile);
  const connectors = buildConnectors(config.sources).map((c) => ({ channel: c.channel, datasets: [...c.datasets] }));
  const calendar = config.workingCalendar ? loadWorkingCalendar(path.resolve(path.dirname(configFile), config.workingCalendar)) : loadWorkingCalendar();
  const logger = createGatewayLogger({ secrets: [secret] });
  const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear().toString();
  if (!calendar.years.includes(year)) logger.warn({ year }, 'the working calendar does not cover this year: only weekends count as non-working days');
  else if (calendar.provisionalYears.includes(year)) logger.warn({ year }, "this year's working calendar is provisional (statutory holidays only): replace it with the State Council's notice");

  const db = await openDatabase(databaseOptionsFromEnv());
  // the queues: runs and pulls are started here and done by `lifecert worker` processes
  const jobs = createJobs({ db, redisUrl: process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL, config, prefix: process.env.LIFECERT_QUEUE_PREFIX?.trim() || undefined });
  const readiness: Record<string, ReadinessCheck> = {
    redis: async () => {
      if (!(await jobs.ping())) throw createError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', 'Redis does not answer');
    },
    queues: async () => {
      await jobs.queueCounts();
    },
  };
  let gateway;
  try {
    await migrate(db);
    gateway = await createGateway({ db, secret, connectors, calendar, logger, jobs, readiness, deliveries: { request: (channels) => jobs.requestDelivery(channels) } });
    const url = await gateway.listen(port, host);
    process.stdout.write(`lifecert serve: listening on ${url} — API ${url}/api/v1, docs ${url}/api/v1/docs, metrics ${url}/metrics (mirror ${db.location})\n`);
  } catch (err) {
    await gateway?.close().catch(() => undefined);
    await jobs.close();
    await db.close();
    throw err;
  }
  const running = gateway;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      void running
        .close()
        .catch((err: unknown) => logger.error({ err }, 'closing the server failed'))
        .finally(() => {
          void jobs
            .close()
            .finally(() => db.close())
            .finally(resolve);
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
