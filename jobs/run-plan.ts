// A run request checked and turned into the jobs it needs: the request's shape against
// schemas/run-request.schema.json (the same schema the API validates bodies with), then what
// only the hub knows — which steps exist yet, which connectors are configured, real dates.
import { randomBytes } from 'node:crypto';
import { createSchemaValidator } from '../connectors/kit/config.ts';
import { chinaDate } from '../lib/china-time.ts';
import type { RunRequest, RunStep } from '../schemas/runs.ts';
import { DEFAULT_RUN_STEPS, RUN_STEPS, runRequestSchema } from '../schemas/runs.ts';
import { JobsError } from './errors.ts';
import { sourceOf } from './queues.ts';

const validateBody = createSchemaValidator().compile(runRequestSchema);

/** What a configured connector offers: its channel and datasets. */
export interface AvailableConnector {
  channel: string;
  datasets: readonly string[];
}

export interface PlannedRun {
  runId: string;
  period: string;
  asOf: string;
  /** the steps asked for, in run order */
  steps: RunStep[];
  /** the channels asked for (sources expanded); null: every configured connector */
  connectors: string[] | null;
  /** one per (channel, dataset) to pull; empty without the pull step */
  pulls: { channel: string; dataset: string }[];
  /** whether the match runs (match or publish asked for) */
  matches: boolean;
  /** whether the closing job queues the feedback deliveries (the feedback step) */
  feedback: boolean;
  requestedBy: string;
  /** ms */
  createdAt: number;
}

export function newRunId(period: string, now: number): string {
  return `run-${period}-${now}-${randomBytes(3).toString('hex')}`;
}

/**
 * Checks `request` and plans its jobs. Throws JobsError LIFECERT_JOBS_REQUEST_INVALID (shape,
 * dates, an unknown step) or LIFECERT_JOBS_CONNECTOR_UNKNOWN.
 */
export function planRun(request: RunRequest, available: readonly AvailableConnector[], now: number, runId?: string): PlannedRun {
  const { requestedBy, ...body } = request;
  if (typeof requestedBy !== 'string' || requestedBy.trim() === '') {
    throw new JobsError('LIFECERT_JOBS_REQUEST_INVALID', 'requestedBy must name who asked for the run');
  }
  // strip undefined members: an absent option and `asOf: undefined` are the same request
  const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  if (!validateBody(clean)) {
    const problems = (validateBody.errors ?? []).map((e) => `${e.instancePath || 'the request'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new JobsError('LIFECERT_JOBS_REQUEST_INVALID', `invalid run request: ${problems.join('; ')}`);
  }
  const asOf = request.asOf ?? chinaDate(now);
  if (!isRealDate(asOf)) throw new JobsError('LIFECERT_JOBS_REQUEST_INVALID', `asOf ${asOf} is not a calendar date`);

  // the schema allows only the steps of RUN_STEPS
  const asked = (request.steps ?? [...DEFAULT_RUN_STEPS]) as string[];
  const steps = RUN_STEPS.filter((s) => asked.includes(s));

  let connectors: string[] | null = null;
  let chosen = available;
  if (request.connectors !== undefined) {
    if (!steps.includes('pull')) throw new JobsError('LIFECERT_JOBS_REQUEST_INVALID', 'connectors limits the pull step, and the run has no pull step');
    const channels = new Set<string>();
    for (const name of request.connectors) {
      // a source name (police) stands for every configured channel of it (police-4401, police-4403, ...)
      const matching = available.filter((c) => c.channel === name || sourceOf(c.channel) === name);
      if (matching.length === 0) {
        throw new JobsError('LIFECERT_JOBS_CONNECTOR_UNKNOWN', `no configured connector ${JSON.stringify(name)} (configured: ${available.map((c) => c.channel).join(', ') || 'none'})`);
      }
      for (const c of matching) channels.add(c.channel);
    }
    connectors = [...channels].sort();
    chosen = available.filter((c) => channels.has(c.channel));
  }
  const pulls = steps.includes('pull') ? chosen.flatMap((c) => c.datasets.map((dataset) => ({ channel: c.channel, dataset }))) : [];
  return {
    runId: runId ?? newRunId(request.period, now),
    period: request.period,
    asOf,
    steps,
    connectors,
    pulls,
    matches: steps.includes('match') || steps.includes('publish'),
    feedback: steps.includes('feedback'),
    requestedBy: requestedBy.trim(),
    createdAt: now,
  };
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}
