// What the gateway's /dashboard reads besides the runs and connector health: the last matched
// run's decisions per county and the quarantine per department, each inside a region.
import type { Queryable } from './db.ts';
import { REJECTION_AREA_JOIN } from './rejections.ts';

export interface MatchedRun {
  runId: string;
  period: string;
  /** ISO 8601 +08:00 */
  finishedAt: string;
}

/** The newest run that finished with a match (its results are the mirror's current ones for its period), or null. */
export async function lastMatchedRun(db: Queryable): Promise<MatchedRun | null> {
  const { rows } = await db.query<{ run_id: string; period: string; finished_at: string }>(
    `SELECT run_id, period, finished_at FROM runs
      WHERE state = 'SUCCEEDED' AND 'match' = ANY(steps)
      ORDER BY finished_at DESC, run_id DESC LIMIT 1`,
  );
  return rows.length === 0 ? null : { runId: rows[0].run_id, period: rows[0].period, finishedAt: rows[0].finished_at };
}

export interface CountyDecisionCount {
  areaCode: string;
  decision: string;
  count: number;
}

/** The results a run published in a period, per county and decision, for counties from..to (inclusive). */
export async function runDecisionsPerCounty(db: Queryable, q: { runId: string; period: string; areaFrom: string; areaTo: string }): Promise<CountyDecisionCount[]> {
  const { rows } = await db.query<CountyDecisionCount>(
    `SELECT area_code AS "areaCode", decision, count(*)::int AS count FROM results
      WHERE period = $1 AND area_code BETWEEN $2 AND $3 AND run_id = $4
      GROUP BY area_code, decision ORDER BY area_code, decision`,
    [q.period, q.areaFrom, q.areaTo, q.runId],
  );
  return rows;
}

export interface ChannelRejectionCount {
  channel: string;
  dataset: string;
  reasonCode: string;
  count: number;
  /** the newest rejection's time (ISO 8601) */
  latestAt: string;
}

/** Quarantined records lying in the region, per channel (department), dataset and reason code. */
export async function rejectionsPerChannel(db: Queryable, region: string): Promise<ChannelRejectionCount[]> {
  const { rows } = await db.query<ChannelRejectionCount>(
    `SELECT r.channel, r.dataset, r.reason_code AS "reasonCode", count(*)::int AS count, max(r.created_at) AS "latestAt"
       FROM rejections r
       ${REJECTION_AREA_JOIN}
      WHERE starts_with(a.area, $1)
      GROUP BY r.channel, r.dataset, r.reason_code ORDER BY r.channel, r.dataset, r.reason_code`,
    [region],
  );
  return rows;
}
