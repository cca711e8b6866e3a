// A gateway over a fresh mirror for each suite (PGlite and PostgreSQL), with a clock the test
// moves, its log lines captured as JSON, and users of any role and region made on demand.
import { Writable } from 'node:stream';
import { migrate, openDatabase } from '../../mirror/index.ts';
import type { Db, DbKind } from '../../mirror/index.ts';
import { createGateway } from '../../gateway/server.ts';
import { createGatewayLogger } from '../../gateway/logging.ts';
import type { Gateway, GatewayOptions } from '../../gateway/server.ts';
import type { ConnectorInfo, GatewayJobs } from '../../gateway/context.ts';
import { planRun } from '../../jobs/index.ts';
import type { QueueState, RunDuration } from '../../jobs/index.ts';
import type { RunRequest, RunState, RunStatus } from '../../schemas/runs.ts';
import { createUser, issueToken } from '../../gateway/user-admin.ts';
import { loadWorkingCalendar } from '../../lib/working-calendar.ts';
import type { Role, User } from '../../schemas/access.ts';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import { requirePostgres } from '../support/servers.ts';
import type { ScratchPostgres } from '../mirror/db-targets.ts';

export const SECRET = 'test-secret-9f3c1e';

/** 2026-11-20 (a Friday) 10:00 China time: inside working hours. */
export const WORKING_TIME = Date.parse('2026-11-20T10:00:00+08:00');

export class TestClock {
  ms = WORKING_TIME;
  now = (): number => this.ms;
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

/** The log as parsed JSON lines, and the raw text (to search for anything that must not be there). */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  get text(): string {
    return this.lines.join('\n');
  }
  json(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** The connectors every gateway of these suites is configured with. */
export const TEST_CONNECTORS: readonly ConnectorInfo[] = [
  { channel: 'ministry', datasets: ['death', 'auth'] },
  { channel: 'police-4401', datasets: ['hukou'] },
  { channel: 'police-4403', datasets: ['hukou'] },
  { channel: 'civil', datasets: ['cremation'] },
];

/**
 * Queues as the gateway sees them, kept in memory: the runs asked for. The real queues
 * (jobs/) are exercised by their own suites and by this folder's end-to-end test.
 */
export class RecordingJobs implements GatewayJobs {
  readonly started: RunRequest[] = [];
  /** the batch ids whose import was queued (after a level-2 approval) */
  readonly imports: string[] = [];
  private readonly connectors: readonly ConnectorInfo[];
  constructor(connectors: readonly ConnectorInfo[] = TEST_CONNECTORS) {
    this.connectors = connectors;
  }
  async startRun(req: RunRequest): Promise<{ runId: string }> {
    // the queue side's own checks of a request (steps available, connectors configured, real dates)
    planRun(req, this.connectors, WORKING_TIME);
    this.started.push(req);
    return { runId: `run-${this.started.length}` };
  }
  async getRun(runId: string): Promise<RunStatus | null> {
    const i = Number(runId.replace('run-', '')) - 1;
    const req = this.started[i];
    if (req === undefined) return null;
    return {
      runId, period: req.period, asOf: req.asOf ?? '2026-11-20', steps: req.steps ?? ['pull', 'match', 'publish'], connectors: req.connectors ?? null,
      state: 'QUEUED', requestedBy: req.requestedBy, createdAt: '2026-11-20T10:00:00+08:00', startedAt: null, finishedAt: null, error: null,
      progress: {}, datasets: [], summary: null,
    };
  }
  async queueCounts(): Promise<QueueState[]> {
    return [{ queue: 'pull-ministry', counts: { waiting: 2, active: 1, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 5, failed: 3 }, stalled: 4, paused: false }];
  }
  async runCounts(): Promise<Record<RunState, number>> {
    return { QUEUED: this.started.length, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 };
  }
  async runDurations(options: { finishedAfter?: string } = {}): Promise<RunDuration[]> {
    const all: RunDuration[] = [
      { runId: 'r1', state: 'SUCCEEDED', steps: ['pull'], finishedAt: '2026-11-20T03:00:00+08:00', seconds: 120, runningSeconds: 100 },
      { runId: 'r2', state: 'FAILED', steps: ['pull'], finishedAt: '2026-11-20T04:00:00+08:00', seconds: 4000, runningSeconds: 3900 },
    ];
    return all.filter((r) => options.finishedAfter === undefined || r.finishedAt > options.finishedAfter);
  }
  async ping(): Promise<boolean> {
    return true;
  }
  async startImport(batchId: string): Promise<{ jobId: string }> {
    this.imports.push(batchId);
    return { jobId: `import.${batchId}.0` };
  }
}

/** An answer's JSON as the tests read it: the error shape, a page, or any other fields. */
export interface JsonBody {
  error?: { code: string; message: string };
  items?: Record<string, unknown>[];
  nextCursor?: string | null;
  [field: string]: unknown;
}

export interface Caller {
  user: User;
  token: string;
}

export interface GatewayHarness {
  kind: DbKind;
  db(): Db;
  /** the scratch database's URL (postgres only): for commands run in another process */
  databaseUrl(): string;
  gateway(): Gateway;
  clock: TestClock;
  log: LogCapture;
  jobs: RecordingJobs;
  /** a user with a fresh token */
  caller(roles: Role[], region: string, channel?: string | null): Promise<Caller>;
  request(method: string, url: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: JsonBody; text: string }>;
}

let userSeq = 0;

/** `describe(title)` once per store with a migrated mirror and a gateway over it. */
export function gatewaySuite(title: string, body: (h: GatewayHarness) => void, options: { kinds?: DbKind[]; gateway?: Partial<GatewayOptions> } = {}): void {
  for (const kind of options.kinds ?? (['pglite', 'postgres'] as const)) {
    describe(`${title} [${kind}]`, function () {
      this.timeout(120_000);
      if (kind === 'postgres') requirePostgres();
      let db: Db | undefined;
      let scratch: ScratchPostgres | undefined;
      let gw: Gateway | undefined;
      const clock = new TestClock();
      const log = new LogCapture();
      const jobs = new RecordingJobs();
      before(async () => {
        if (kind === 'postgres') {
          scratch = await createScratchPostgres();
          db = await openDatabase({ databaseUrl: scratch.url });
        } else {
          db = await openDatabase({ dataDir: 'memory://' });
        }
        await migrate(db);
        gw = await createGateway({
          db,
          secret: SECRET,
          now: clock.now,
          jobs,
          logger: createGatewayLogger({ level: 'info', destination: log.stream, secrets: [SECRET] }),
          connectors: TEST_CONNECTORS,
          ...options.gateway,
        });
        await gw.app.ready();
      });
      after(async () => {
        await gw?.close();
        await db?.close();
        await scratch?.drop();
      });
      const harness: GatewayHarness = {
        kind,
        clock,
        log,
        jobs,
        db() {
          if (!db) throw new Error('database not open yet');
          return db;
        },
        databaseUrl() {
          if (!scratch) throw new Error('no PostgreSQL database in this suite');
          return scratch.url;
        },
        gateway() {
          if (!gw) throw new Error('gateway not built yet');
          return gw;
        },
        async caller(roles, region, channel = null) {
          const ctx = { db: harness.db(), secret: SECRET, now: clock.now, calendar: loadWorkingCalendar() };
          userSeq += 1;
          const user = await createUser(ctx, { name: `user-${userSeq}-${roles.join('+')}`, roles, region, channel: roles.includes('department') ? (channel ?? 'civil') : null }, 'cli:test');
          const { token } = await issueToken(ctx, user.userId, 30, 'cli:test');
          return { user, token };
        },
        async request(method, url, opts = {}) {
          const headers: Record<string, string> = { ...opts.headers };
          if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
          const res = await harness.gateway().app.inject({
            method: method as 'GET',
            url,
            headers,
            ...(opts.body === undefined ? {} : { payload: opts.body as object }),
          });
          let parsed: JsonBody = {};
          try {
            if (res.body !== '') parsed = JSON.parse(res.body) as JsonBody;
          } catch {
            // not JSON (the metrics text, the docs page): `text` has it
          }
          return { status: res.statusCode, body: parsed, text: res.body };
        },
      };
      body(harness);
    });
  }
}
