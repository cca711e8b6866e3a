// Connector health from the pulls table (api.md `GET /api/v1/connectors`): per (channel,
// dataset) the last success, the last pull, the newest staged update time (the lag is that
// time behind now) and the recent error rate and record counts.
import type { PullStatus } from './pulls.ts';
import type { Queryable } from './db.ts';

export interface DatasetKey {
  channel: string;
  dataset: string;
}

export interface DatasetHealth extends DatasetKey {
  lastSuccessAt: string | null;
  lastPull: {
    status: PullStatus;
    startedAt: string;
    finishedAt: string | null;
    pulled: number;
    staged: number;
    rejected: number;
    skipped: number;
    error: string | null;
  } | null;
  /** the newest source update time among the staged records (the lag's reference) */
  newestUpdateAt: string | null;
  /** finished pulls since `since` and how many of them failed */
  recentPulls: number;
  recentFailures: number;
  /** records of the pulls since `since` */
  recent: { pulled: number; staged: number; rejected: number; skipped: number };
}

interface HealthRow {
  channel: string; dataset: string; last_success_at: string | null; recent_pulls: number; recent_failures: number;
  r_pulled: number; r_staged: number; r_rejected: number; r_skipped: number;
  lp_status: PullStatus | null; lp_started_at: string | null; lp_finished_at: string | null;
  lp_pulled: number | null; lp_staged: number | null; lp_rejected: number | null; lp_skipped: number | null; lp_error: string | null;
  newest_update_at: string | null;
}

/** One row per asked (channel, dataset), in the order asked, also for datasets never pulled. */
export async function datasetHealth(db: Queryable, keys: readonly DatasetKey[], since: string): Promise<DatasetHealth[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<HealthRow>(
    `SELECT k.channel, k.dataset, agg.*, lp.*,
            (SELECT n.newest_update_at FROM source_newest_staged n
              WHERE n.channel = k.channel AND n.dataset = k.dataset) AS newest_update_at
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(channel, dataset, ord)
       CROSS JOIN LATERAL (
         SELECT max(p.finished_at) FILTER (WHERE p.status = 'succeeded') AS last_success_at,
                count(*) FILTER (WHERE p.started_at >= $3 AND p.status IN ('succeeded', 'failed')) AS recent_pulls,
                count(*) FILTER (WHERE p.started_at >= $3 AND p.status = 'failed') AS recent_failures,
                coalesce(sum(p.pulled) FILTER (WHERE p.started_at >= $3), 0) AS r_pulled,
                coalesce(sum(p.staged) FILTER (WHERE p.started_at >= $3), 0) AS r_staged,
                coalesce(sum(p.rejected) FILTER (WHERE p.started_at >= $3), 0) AS r_rejected,
                coalesce(sum(p.skipped) FILTER (WHERE p.started_at >= $3), 0) AS r_skipped
           FROM pulls p WHERE p.channel = k.channel AND p.dataset = k.dataset) agg
       LEFT JOIN LATERAL (
         SELECT p.status AS lp_status, p.started_at AS lp_started_at, p.finished_at AS lp_finished_at, p.pulled AS lp_pulled,
                p.staged AS lp_staged, p.rejected AS lp_rejected, p.skipped AS lp_skipped, p.error AS lp_error
           FROM pulls p WHERE p.channel = k.channel AND p.dataset = k.dataset
          ORDER BY p.pull_id DESC LIMIT 1) lp ON true
      ORDER BY k.ord`,
    [keys.map((k) => k.channel), keys.map((k) => k.dataset), since],
  );
  return rows.map((r) => ({
    channel: r.channel,
    dataset: r.dataset,
    lastSuccessAt: r.last_success_at,
    lastPull: r.lp_status === null
      ? null
      : { status: r.lp_status, startedAt: r.lp_started_at ?? '', finishedAt: r.lp_finished_at, pulled: r.lp_pulled ?? 0, staged: r.lp_staged ?? 0, rejected: r.lp_rejected ?? 0, skipped: r.lp_skipped ?? 0, error: r.lp_error },
    newestUpdateAt: r.newest_update_at,
    recentPulls: r.recent_pulls,
    recentFailures: r.recent_failures,
    recent: { pulled: r.r_pulled, staged: r.r_staged, rejected: r.r_rejected, skipped: r.r_skipped },
  }));
}
