// `lifecert serve`: the gateway on HOST:PORT against the mirror of DATABASE_URL (or the
// embedded one in LIFECERT_DATA_DIR) and the queues of REDIS_URL (LIFECERT_QUEUE_PREFIX), until
// SIGINT or SIGTERM. Runs are started here and done by `lifecert worker` processes.
import path from 'node:path';
import { loadDotEnv, loadHubConfig, buildConnectors } from '../config/index.ts';
import { createGateway } from '../gateway/server.ts';
import { createNodeRed } from '../gateway/nodered.ts';
import type { EmbeddedNodeRed } from '../gateway/nodered.ts';
import { NODES_PACKAGE_DIR } from '../flows/index.ts';
import type { LifecertRuntime } from '../flows/index.ts';
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

/** The Node-RED folder (flow file, its encrypted credentials, editor sessions): LIFECERT_FLOWS_DIR, else <LIFECERT_DATA_DIR>/node-red. */
export function flowsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LIFECERT_FLOWS_DIR?.trim() || path.join(env.LIFECERT_DATA_DIR?.trim() || './data', 'node-red'));
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
  let nodeRed: EmbeddedNodeRed | undefined;
  try {
    await migrate(db);
    const redisUrl = process.env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
    const queuePrefix = process.env.LIFECERT_QUEUE_PREFIX?.trim() || undefined;
    const runtime: LifecertRuntime = { db, redisUrl, ...(queuePrefix ? { queuePrefix } : {}), log: logger.child({ component: 'flows' }) };
    nodeRed = createNodeRed({ db, secret, userDir: flowsDir(), nodesPackageDir: NODES_PACKAGE_DIR, logger, clock: { now: Date.now, calendar }, runtime: { ...runtime } });
    gateway = await createGateway({ db, secret, connectors, calendar, logger, jobs, readiness, mounts: nodeRed.mounts, boardQueues: jobs.queues, deliveries: { request: (channels) => jobs.requestDelivery(channels) } });
    nodeRed.init(gateway.app.server);
    const url = await gateway.listen(port, host);
    await nodeRed.start();
    process.stdout.write(`lifecert serve: listening on ${url} — API ${url}/api/v1, docs ${url}/api/v1/docs, dashboard ${url}/dashboard, queues ${url}/queues, metrics ${url}/metrics, flow editor ${url}/flows/ (mirror ${db.location})\n`);
  } catch (err) {
    await nodeRed?.stop().catch(() => undefined);
    await gateway?.close().catch(() => undefined);
    await jobs.close();
    await db.close();
    throw err;
  }
  const running = gateway;
  const flows = nodeRed;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      // the flows first (a pull stops after its page in hand), then the server
      void flows
        .stop()
        .catch((err: unknown) => logger.error({ err }, 'stopping the flows failed'))
        .then(() => running.close())
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
  // Node-RED 5 leaves a timer behind once it issued an editor token (its token store): with
  // everything closed, nothing else is waiting, so leave once the exit code is set
  setImmediate(() => process.exit()).unref();
  return 0;
}
