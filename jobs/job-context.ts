// What every job processor of one worker process shares: the mirror, this process's
// connectors (built from its own configuration, so secrets never travel through Redis), the
// shutdown signal, and the way it reports what it does.
import type { JobsOptions, Queue } from 'bullmq';
import type { Connector } from '../connectors/kit/connector.ts';
import type { ProvincialImporter } from '../feedback/batches-provincial.ts';
import type { FeedbackChannel } from '../feedback/channels/index.ts';
import type { Db } from '../mirror/index.ts';
import type { Logger } from '../lib/log.ts';
import type { EnqueueDeps } from './enqueue-run.ts';
import type { AvailableConnector } from './run-plan.ts';
import type { WorkerEvent } from './worker-events.ts';

export interface JobContext {
  db: Db;
  /** by channel */
  connectors: ReadonlyMap<string, Connector>;
  /** the feedback interface of each configured channel */
  feedbackChannels: ReadonlyMap<string, FeedbackChannel>;
  /** what schedules may ask for: this worker's configured connectors */
  available: readonly AvailableConnector[];
  /** aborted when the worker shuts down: a pull stops after the page in hand */
  shutdown: AbortSignal;
  shardsQueue: Queue;
  /** feedback delivery passes */
  feedbackQueue: Queue;
  /** adoption sends (a run that pulled the ministry queues one as it closes) */
  adoptionQueue: Queue;
  /** attempts and backoff of deliveries out of the hub (imports, adoption sends) */
  deliveryOptions: JobsOptions;
  /** backoff between delivery passes of a channel that is down */
  feedbackBackoff: { baseMs: number; capMs: number };
  shardOptions: JobsOptions;
  /** schedule firings start runs */
  enqueue: EnqueueDeps;
  /** page size asked of connectors (default each connector's own) */
  pageSize?: number;
  /** how long a pull waits before trying again when another pull holds its dataset */
  lockBusyDelayMs: number;
  now(): number;
  emit(event: WorkerEvent): void;
  /** the structured log pulls write to (their retries among it) */
  log: Logger;
  /** the provincial import endpoint (`provincial` in the configuration); null: imports wait */
  provincial: ProvincialImporter | null;
}
