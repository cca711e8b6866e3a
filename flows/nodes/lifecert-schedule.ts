// `lifecert schedule`: a trigger that fires once per slot across every running lifecert serve —
// unlike `inject`, which fires in each instance. It is a BullMQ job scheduler
// (`Queue.upsertJobScheduler`, cron + time zone) on a queue of its own in the installation's
// Redis: every instance runs a worker on that queue, and each slot's single job goes to exactly
// one of them, whose node sends `msg.period` (the China month of the slot, or the month before),
// `msg.asOf` (the slot's China date) and `msg.payload` (the slot's time). Redeploying updates the
// scheduler in place; deleting the node removes it.
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { chinaDate } from '../../lib/china-time.ts';
import type { Node, NodeAPI } from './red.ts';
import { asError, flowsError } from './util.ts';

interface ScheduleConfig {
  name?: string;
  cron: string;
  tz?: string;
  /** `current` (default): the slot's month; `previous`: the month before */
  period?: 'current' | 'previous';
  /** default: settings.lifecert.redisUrl, REDIS_URL, redis://127.0.0.1:6379 */
  redisUrl?: string;
}

const CRON = /^\s*\S+(\s+\S+){4,5}\s*$/;

/** The month a slot certifies: its China month, or the one before. */
export function periodAt(ms: number, which: 'current' | 'previous'): string {
  const [y, m] = chinaDate(ms).split('-').map(Number);
  if (which === 'current') return `${y}-${String(m).padStart(2, '0')}`;
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The queue of one schedule node: named by the node, so that a schedule is one per flow node, not per instance. */
export const scheduleQueueName = (nodeId: string): string => `flows-schedule-${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export default function register(RED: NodeAPI): void {
  function LifecertSchedule(this: Node, config: ScheduleConfig): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const tz = config.tz || 'Asia/Shanghai';
    const which = config.period === 'previous' ? 'previous' : 'current';
    const url = config.redisUrl || RED.settings.lifecert?.redisUrl || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const prefix = RED.settings.lifecert?.queuePrefix;
    const name = scheduleQueueName(node.id);
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    // ioredis reconnects by itself; the status shows the trouble
    connection.on('error', () => node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-schedule.status.noRedis') }));
    const options = { connection, ...(prefix ? { prefix } : {}) };
    const queue = new Queue(name, options);
    let worker: Worker | null = null;

    const fire = async (job: Job): Promise<void> => {
      const at = job.timestamp;
      const msg = { _msgid: `${node.id}-${job.id ?? at}`, topic: config.name || 'lifecert schedule', payload: at, period: periodAt(at, which), asOf: chinaDate(at), firedAt: new Date(at).toISOString() };
      node.status({ fill: 'green', shape: 'dot', text: `${msg.asOf}` });
      node.send(msg);
    };

    const ready = (async () => {
      if (!CRON.test(config.cron ?? '')) throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `the cron pattern ${JSON.stringify(config.cron)} has not 5 or 6 fields`);
      try {
        await queue.upsertJobScheduler(name, { pattern: config.cron.trim(), tz }, { name: 'fire', data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
      } catch (err) {
        throw flowsError('LIFECERT_FLOWS_CONFIG_INVALID', `cron ${JSON.stringify(config.cron)} in ${tz} cannot be scheduled: ${asError(err).message}`);
      }
      worker = new Worker(name, fire, { ...options, concurrency: 1 });
      worker.on('error', () => undefined);
      const next = (await queue.getJobScheduler(name))?.next;
      node.status({ fill: 'blue', shape: 'ring', text: next ? chinaDate(next) : config.cron });
    })().catch((err: unknown) => {
      node.status({ fill: 'red', shape: 'ring', text: RED._('lifecert-schedule.status.invalid') });
      node.error(asError(err).message);
    });

    node.on('close', (removed, done) => {
      void (async () => {
        await ready;
        await worker?.close().catch(() => undefined);
        // a deleted node takes its schedule with it; a redeploy keeps it (the next upsert updates it)
        if (removed) await queue.removeJobScheduler(name).catch(() => undefined);
        await queue.close().catch(() => undefined);
        connection.disconnect();
        node.status({});
      })().finally(done);
    });
  }
  RED.nodes.registerType('lifecert-schedule', LifecertSchedule);
}
