// One ioredis connection per process side (the API's or a worker's), shared by its queues,
// workers and flow producer; BullMQ opens the blocking connections it needs from it.
import { Redis } from 'ioredis';
import { JobsError } from './errors.ts';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * `worker`: commands wait through reconnects (BullMQ's blocking fetch needs it);
 * `producer` (the API side): a command fails after one retry, so a request can answer 503
 * instead of hanging while Redis is down.
 */
export function openRedis(url: string, role: 'worker' | 'producer'): Redis {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new JobsError('LIFECERT_JOBS_OPTIONS_INVALID', `REDIS_URL is not a URL: ${JSON.stringify(redactRedisUrl(url))}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new JobsError('LIFECERT_JOBS_OPTIONS_INVALID', `REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}`);
  }
  // BullMQ workers block on Redis: a per-request retry limit would turn a reconnect into a failed job
  const redis = new Redis(url, { maxRetriesPerRequest: role === 'worker' ? null : 1, enableReadyCheck: true });
  // without a listener a refused connection would be an uncaught 'error' event; ioredis reconnects by itself
  redis.on('error', () => undefined);
  return redis;
}

/** The URL for messages, without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * True once the connection is ready, false if it is not within `ms`. BullMQ itself waits for a
 * connection indefinitely; the API side asks this first so that it can answer 503 while Redis
 * is away instead of hanging.
 */
export function whenConnected(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end' || redis.status === 'close') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.once('ready', onReady);
  });
}
