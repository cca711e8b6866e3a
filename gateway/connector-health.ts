// Connector health as the API (`GET /api/v1/connectors`) and the dashboard show it, computed once:
// per configured connector and dataset the last success, whether it is stale, the lag, the error
// rate and records of the last 7 days, and the last pull. The dashboard's colour follows from it
// with the thresholds of deploy/'s alert rules.
import { datasetHealth, formatChinaIso } from '../mirror/index.ts';
import { maskIdentityNumbersIn } from '../lib/mask.ts';
import type { ConnectorInfo, GatewayContext } from './context.ts';
import { channelArea } from './region.ts';

/** Error rate and record counts look back this far. */
export const RECENT_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** A dataset without a successful pull for this long is stale: red (deploy/'s LifecertConnectorStale, 36 h). */
export const STALE_AFTER_MS = 36 * 3600 * 1000;
/** A nightly pull that has not succeeded for a day and two hours missed one night: amber. */
export const LATE_AFTER_MS = 26 * 3600 * 1000;
/** Over half the recent pulls failed: red (deploy/'s LifecertConnectorErrorRate, 0.5). */
export const RED_ERROR_RATE = 0.5;

export interface DatasetHealthView {
  dataset: string;
  lastSuccessAt: string | null;
  stale: boolean;
  lagSeconds: number | null;
  errorRate: number | null;
  recentPulls: number;
  records: { pulled: number; staged: number; rejected: number; skipped: number };
  lastPull: {
    status: 'running' | 'succeeded' | 'failed' | 'aborted';
    startedAt: string;
    finishedAt: string | null;
    pulled: number;
    staged: number;
    rejected: number;
    skipped: number;
    error: string | null;
  } | null;
}

export interface ConnectorHealthView {
  name: string;
  area: string;
  datasets: DatasetHealthView[];
}

/** The health of these connectors at `ctx.now()` (error texts masked). */
export async function readConnectorHealth(ctx: Pick<GatewayContext, 'db' | 'now'>, connectors: readonly ConnectorInfo[]): Promise<ConnectorHealthView[]> {
  const now = ctx.now();
  const health = await datasetHealth(
    ctx.db,
    connectors.flatMap((c) => c.datasets.map((dataset) => ({ channel: c.channel, dataset }))),
    formatChinaIso(now - RECENT_WINDOW_MS),
  );
  return connectors.map((c) => ({
    name: c.channel,
    area: channelArea(c.channel),
    datasets: health
      .filter((h) => h.channel === c.channel)
      .map((h) => ({
        dataset: h.dataset,
        lastSuccessAt: h.lastSuccessAt,
        stale: h.lastSuccessAt === null || now - Date.parse(h.lastSuccessAt) > STALE_AFTER_MS,
        lagSeconds: h.newestUpdateAt === null ? null : Math.max(0, Math.round((now - Date.parse(h.newestUpdateAt)) / 1000)),
        errorRate: h.recentPulls === 0 ? null : h.recentFailures / h.recentPulls,
        recentPulls: h.recentPulls,
        records: h.recent,
        lastPull: h.lastPull === null ? null : { ...h.lastPull, error: h.lastPull.error === null ? null : maskIdentityNumbersIn(h.lastPull.error) },
      })),
  }));
}

export type HealthColour = 'green' | 'amber' | 'red';

/**
 * The dashboard's colour of a dataset, with the reason in words:
 * - red: never succeeded, no success for over 36 h, or over half the pulls of 7 days failed;
 * - amber: no success for over 26 h (a nightly pull missed), or some pulls of 7 days failed, or the last pull failed;
 * - green: otherwise.
 */
export function healthColour(d: DatasetHealthView, now: number): { colour: HealthColour; reason: string } {
  const age = d.lastSuccessAt === null ? null : now - Date.parse(d.lastSuccessAt);
  const hours = (ms: number) => `${Math.floor(ms / 3600_000)} h`;
  if (age === null) return { colour: 'red', reason: '从未成功 never succeeded' };
  if (age > STALE_AFTER_MS) return { colour: 'red', reason: `${hours(age)} 未成功 no success for ${hours(age)}` };
  if (d.errorRate !== null && d.errorRate > RED_ERROR_RATE) return { colour: 'red', reason: `失败率 error rate ${Math.round(d.errorRate * 100)}%` };
  if (age > LATE_AFTER_MS) return { colour: 'amber', reason: `${hours(age)} 未成功 no success for ${hours(age)}` };
  if (d.lastPull?.status === 'failed') return { colour: 'amber', reason: '上次拉取失败 last pull failed' };
  if (d.errorRate !== null && d.errorRate > 0) return { colour: 'amber', reason: `失败率 error rate ${Math.round(d.errorRate * 100)}%` };
  return { colour: 'green', reason: '正常 ok' };
}

const RANK: Record<HealthColour, number> = { green: 0, amber: 1, red: 2 };

/** The worst colour of a connector's datasets. */
export function worstColour(colours: readonly HealthColour[]): HealthColour {
  return colours.reduce<HealthColour>((w, c) => (RANK[c] > RANK[w] ? c : w), 'green');
}
