// What the route plugins share: the mirror, the clock and calendar, the configured connectors
// and the queues. Built once by createGateway from its options.
import type { WorkingCalendar } from '../lib/working-calendar.ts';
import type { Db } from '../mirror/index.ts';
import type { Jobs } from '../jobs/index.ts';
import type { UserAdminContext } from './user-admin.ts';

/** A configured connector as the API names it: its channel and datasets. */
export interface ConnectorInfo {
  /** `ministry`, `bigdata`, `police-<city4>`, `civil`, `health` */
  channel: string;
  datasets: readonly string[];
}

/** The part of the queues (jobs/) the API and /metrics use. */
export type GatewayJobs = Pick<Jobs, 'startRun' | 'getRun' | 'queueCounts' | 'runCounts' | 'runDurations' | 'ping' | 'startImport'>;

/** Asks the queues to deliver these channels' PENDING items now (workers also sweep on a schedule). */
export interface FeedbackDeliveries {
  request(channels: readonly string[]): Promise<void>;
}

/** A readiness probe: resolves when the dependency answers, rejects with why not. */
export type ReadinessCheck = () => Promise<void>;

export interface GatewayContext extends UserAdminContext {
  db: Db;
  calendar: WorkingCalendar;
  connectors: readonly ConnectorInfo[];
  /** null: started without Redis — runs and pulls answer 503 */
  jobs: GatewayJobs | null;
  /** named readiness probes besides the database (`redis`, `queues`) */
  readiness: Record<string, ReadinessCheck>;
  /** null: no queues — items wait for the workers' sweep */
  deliveries: FeedbackDeliveries | null;
}
