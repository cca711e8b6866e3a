// Prometheus metrics (prom-client), collected at scrape time: pulls, matches and queue work
// happen in worker processes, so their numbers are read from the mirror and Redis when
// Prometheus asks, not counted in this process. Only the HTTP metrics are this process's own.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { adoptionBacklog } from '../feedback/adoption.ts';
import { casesPerCounty, decisionsPerCounty, feedbackBacklog, formatChinaIso, pullDurations, pullFailures, pullTotals } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { QueueState } from '../jobs/index.ts';
import type { RunState } from '../schemas/runs.ts';
import type { GatewayJobs } from './context.ts';

export interface MetricsOptions {
  db: Db;
  jobs: GatewayJobs | null;
  now: () => number;
  log?: Logger;
  /**
   * How long the county-level readings (decisions, cases: a scan of the period's results) are
   * reused, in ms (default 30 s): a scrape every few seconds must not rescan the province.
   */
  countyCacheMs?: number;
}

export interface GatewayMetrics {
  registry: Registry;
  /** this process's HTTP requests */
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  /** this process's API error answers */
  apiErrors: Counter<'code'>;
}

export const PULL_DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400];

/** The code at the start of a pull's error text (`LIFECERT_SOAP_FAULT: ...`), or UNCLASSIFIED. */
export function errorCodeOf(error: string | null): string {
  const m = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/.exec(error ?? '');
  return m ? m[1] : 'UNCLASSIFIED';
}

/** One loader shared by the metrics of a scrape: the same promise for `ttlMs`. */
function cached<T>(ttlMs: number, now: () => number, load: () => Promise<T>): () => Promise<T> {
  let at = -Infinity;
  let value: Promise<T> | null = null;
  return () => {
    const t = now();
    if (value === null || t - at >= ttlMs) {
      at = t;
      value = load();
      // a failed reading is not reused
      value.catch(() => {
        value = null;
      });
    }
    return value;
  };
}

export function createMetrics(options: MetricsOptions): GatewayMetrics {
  const registry = new Registry();
  const clock = () => Date.now();
  const collectFailures = new Counter({ name: 'lifecert_metrics_collect_failures_total', help: 'Readings that failed at scrape time, per source', labelNames: ['source'], registers: [registry] });
  // a reading that fails leaves its metric empty for this scrape instead of failing /metrics
  const guard = async <T>(source: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (err) {
      collectFailures.inc({ source });
      options.log?.warn({ err, source }, 'metrics reading failed');
      return null;
    }
  };
  const totals = cached(1000, clock, () => pullTotals(options.db));
  const durations = cached(1000, clock, () => pullDurations(options.db));
  const failures = cached(1000, clock, () => pullFailures(options.db));
  const queues = cached(1000, clock, (): Promise<QueueState[]> => (options.jobs ? options.jobs.queueCounts() : Promise.resolve([])));
  const runStates = cached(1000, clock, (): Promise<Partial<Record<RunState, number>>> => (options.jobs ? options.jobs.runCounts() : Promise.resolve({})));
  const countyMs = options.countyCacheMs ?? 30_000;
  const decisions = cached(countyMs, clock, () => decisionsPerCounty(options.db));
  const cases = cached(countyMs, clock, () => casesPerCounty(options.db, formatChinaIso(options.now())));
  const adoption = cached(1000, clock, () => adoptionBacklog(options.db, options.now()));

  const backlog = cached(1000, clock, () => feedbackBacklog(options.db));
  new Gauge({
    name: 'lifecert_feedback_items',
    help: 'Feedback items to the departments per channel and delivery state (PENDING, SENT, CONFIRMED, FAILED)',
    labelNames: ['channel', 'state'],
    registers: [registry],
    async collect() {
      const rows = await guard('feedback', backlog);
      this.reset();
      for (const r of rows ?? []) for (const state of ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'] as const) this.set({ channel: r.channel, state }, r[state]);
    },
  });
  new Gauge({
    name: 'lifecert_feedback_failed',
    help: 'FAILED feedback items per channel: refused, or undeliverable for 72 hours; an operator resends them',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const rows = await guard('feedback', backlog);
      this.reset();
      for (const r of rows ?? []) this.set({ channel: r.channel }, r.FAILED);
    },
  });
  new Counter({
    name: 'lifecert_connector_records_total',
    help: 'Records per connector and dataset over every pull, by outcome (pulled = staged + rejected + skipped)',
    labelNames: ['channel', 'dataset', 'outcome'],
    registers: [registry],
    async collect() {
      const rows = await guard('pulls', totals);
      this.reset();
      for (const r of rows ?? []) {
        for (const outcome of ['pulled', 'staged', 'rejected', 'skipped'] as const) this.inc({ channel: r.channel, dataset: r.dataset, outcome }, r[outcome]);
      }
    },
  });
  new Gauge({
    name: 'lifecert_connector_last_success_timestamp_seconds',
    help: 'End of the last succeeded pull per connector and dataset (Unix time)',
    labelNames: ['channel', 'dataset'],
    registers: [registry],
    async collect() {
      const rows = await guard('pulls', totals);
      this.reset();
      for (const r of rows ?? []) if (r.lastSuccess !== null) this.set({ channel: r.channel, dataset: r.dataset }, r.lastSuccess);
    },
  });
  new Gauge({
    name: 'lifecert_connector_lag_seconds',
    help: 'How far the newest staged source update time lies behind now, per connector and dataset',
    labelNames: ['channel', 'dataset'],
    registers: [registry],
    async collect() {
      const rows = await guard('pulls', totals);
      this.reset();
      const now = options.now() / 1000;
      for (const r of rows ?? []) if (r.newestUpdate !== null) this.set({ channel: r.channel, dataset: r.dataset }, Math.max(0, now - r.newestUpdate));
    },
  });
  new Histogram({
    name: 'lifecert_connector_pull_duration_seconds',
    help: 'Duration of finished pulls per connector and dataset',
    labelNames: ['channel', 'dataset'],
    buckets: PULL_DURATION_BUCKETS,
    registers: [registry],
    async collect() {
      const rows = await guard('pulls', durations);
      this.reset();
      for (const r of rows ?? []) this.observe({ channel: r.channel, dataset: r.dataset }, r.seconds);
    },
  });
  new Counter({
    name: 'lifecert_connector_errors_total',
    help: 'Failed pulls per connector, dataset and error code',
    labelNames: ['channel', 'dataset', 'code'],
    registers: [registry],
    async collect() {
      const rows = await guard('pulls', failures);
      this.reset();
      for (const r of rows ?? []) this.inc({ channel: r.channel, dataset: r.dataset, code: errorCodeOf(r.error) }, r.failures);
    },
  });
  new Gauge({
    name: 'lifecert_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, prioritized, waiting-children, completed, failed), read from Redis',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const states = await guard('queues', queues);
      this.reset();
      for (const q of states ?? []) for (const [state, n] of Object.entries(q.counts)) this.set({ queue: q.queue, state }, n);
    },
  });
  new Counter({
    name: 'lifecert_queue_stalled_total',
    help: 'Jobs found stalled (their worker stopped renewing the lock) per queue, as the workers counted them in Redis',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const states = await guard('queues', queues);
      this.reset();
      for (const q of states ?? []) this.inc({ queue: q.queue }, q.stalled);
    },
  });
  new Gauge({
    name: 'lifecert_queue_paused',
    help: '1 while the queue is paused',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const states = await guard('queues', queues);
      this.reset();
      for (const q of states ?? []) this.set({ queue: q.queue }, q.paused ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lifecert_runs',
    help: 'Runs per state, from the mirror',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await guard('runs', runStates);
      this.reset();
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n ?? 0);
    },
  });
  // finished runs are observed once each: the mark is the finish time of the last one seen, and
  // scrapes take turns so that two at once do not observe the same run twice
  let runsSeenUntil: string | undefined;
  let runsTurn: Promise<void> = Promise.resolve();
  new Histogram({
    name: 'lifecert_run_duration_seconds',
    help: 'Duration of finished runs seen by this gateway process, by final state',
    labelNames: ['state'],
    buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400],
    registers: [registry],
    async collect() {
      const jobs = options.jobs;
      if (jobs === null) return;
      runsTurn = runsTurn.then(async () => {
        const finished = await guard('runs', () => jobs.runDurations({ finishedAfter: runsSeenUntil, limit: 10_000 }));
        for (const r of finished ?? []) {
          this.observe({ state: r.state }, r.seconds);
          runsSeenUntil = r.finishedAt;
        }
      });
      await runsTurn;
    },
  });
  new Gauge({
    name: 'lifecert_decisions',
    help: 'Results per county and decision of the newest period in the mirror',
    labelNames: ['period', 'area_code', 'decision'],
    registers: [registry],
    async collect() {
      const rows = await guard('results', decisions);
      this.reset();
      for (const r of rows ?? []) this.set({ period: r.period, area_code: r.areaCode, decision: r.decision }, r.count);
    },
  });
  new Gauge({
    name: 'lifecert_cases_open',
    help: 'Open suspect cases per county',
    labelNames: ['area_code'],
    registers: [registry],
    async collect() {
      const rows = await guard('cases', cases);
      this.reset();
      for (const r of rows ?? []) this.set({ area_code: r.areaCode }, r.open);
    },
  });
  new Gauge({
    name: 'lifecert_cases_overdue',
    help: 'Open cases past the end of the month they were opened in (当月清零), per county',
    labelNames: ['area_code'],
    registers: [registry],
    async collect() {
      const rows = await guard('cases', cases);
      this.reset();
      for (const r of rows ?? []) this.set({ area_code: r.areaCode }, r.overdue);
    },
  });
  new Gauge({
    name: 'lifecert_adoption_items',
    help: 'Ministry adoption items (article 14) not yet accepted: due within 2 days, or overdue (China dates)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await guard('adoption', adoption);
      this.reset();
      if (counts === null) return;
      this.set({ status: 'due' }, counts.due);
      this.set({ status: 'overdue' }, counts.overdue);
    },
  });
  const httpRequests = new Histogram({
    name: 'lifecert_http_request_duration_seconds',
    help: 'HTTP requests served by this gateway process, by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const apiErrors = new Counter({ name: 'lifecert_api_errors_total', help: 'Error answers of this gateway process by error code', labelNames: ['code'], registers: [registry] });
  return { registry, httpRequests, apiErrors };
}
