// What the route plugins share: the mirror, the clock and calendar, the configured connectors
// and the queues. Built once by createGateway from its options.
import type { WorkingCalendar } from '../lib/working-calendar.ts';
import type { Db } from '../mirror/db.ts';
import type { UserAdminContext } from './user-admin.ts';

/** A configured connector as the API names it: its channel and datasets. */
export interface ConnectorInfo {
  /** `ministry`, `bigdata`, `police-<city4>`, `civil`, `health` */
  channel: string;
  datasets: readonly string[];
}

export type RunStepName = 'pull' | 'match' | 'publish' | 'feedback';

export interface RunRequestInput {
  period: string;
  asOf?: string;
  steps?: RunStepName[];
  connectors?: string[];
  /** the user id of the caller */
  requestedBy: string;
}

/** The part of the queues (jobs/) the API uses. */
export interface GatewayJobs {
  startRun(req: RunRequestInput): Promise<{ runId: string }>;
  getRun(runId: string): Promise<unknown>;
  queueCounts(): Promise<Record<string, Record<string, number>>>;
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
}
