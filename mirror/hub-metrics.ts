// What /metrics reads from the mirror at scrape time: the workers that pull and match are
// other processes, so the mirror (and Redis) are where their numbers live.
import type { Queryable } from './db.ts';

export interface PullTotals {
  channel: string;
  dataset: string;
  pulled: number;
  staged: number;
  rejected: number;
  skipped: number;
  /** epoch seconds of the last succeeded pull's end, or null */
  lastSuccess: number | null;
  /** epoch seconds of the newest staged source update time, or null */
  newestUpdate: number | null;
}

/** Sums over every pull, per (channel, dataset) that was ever pulled. */
export async function pullTotals(db: Queryable): Promise<PullTotals[]> {
  const { rows } = await db.query<PullTotals>(
    `SELECT p.channel, p.dataset, sum(p.pulled) AS pulled, sum(p.staged) AS staged, sum(p.rejected) AS rejected, sum(p.skipped) AS skipped,
            extract(epoch FROM max(p.finished_at) FILTER (WHERE p.status = 'succeeded'))::float8 AS "lastSuccess",
            extract(epoch FROM (SELECT n.newest_update_at FROM source_newest_staged n
                                 WHERE n.channel = p.channel AND n.dataset = p.dataset))::float8 AS "newestUpdate"
       FROM pulls p GROUP BY p.channel, p.dataset ORDER BY p.channel, p.dataset`,
  );
  return rows;
}

export interface PullDuration {
  channel: string;
  dataset: string;
  seconds: number;
}

/** The duration of every finished pull (succeeded or failed). */
export async function pullDurations(db: Queryable): Promise<PullDuration[]> {
  const { rows } = await db.query<PullDuration>(
    `SELECT channel, dataset, extract(epoch FROM finished_at - started_at)::float8 AS seconds
       FROM pulls WHERE finished_at IS NOT NULL AND status IN ('succeeded', 'failed') ORDER BY pull_id`,
  );
  return rows;
}

export interface PullFailure {
  channel: string;
  dataset: string;
  error: string | null;
  failures: number;
}

/** Failed pulls per (channel, dataset) and error text. */
export async function pullFailures(db: Queryable): Promise<PullFailure[]> {
  const { rows } = await db.query<PullFailure>(
    `SELECT channel, dataset, error, count(*) AS failures FROM pulls WHERE status = 'failed' GROUP BY channel, dataset, error ORDER BY channel, dataset`,
  );
  return rows;
}

export interface CountyDecisions {
  period: string;
  areaCode: string;
  decision: string;
  count: number;
}

/** Results per county and decision for the newest period in the mirror. */
export async function decisionsPerCounty(db: Queryable): Promise<CountyDecisions[]> {
  const { rows } = await db.query<CountyDecisions>(
    `SELECT period, area_code AS "areaCode", decision, count(*) AS count FROM results
      WHERE period = (SELECT max(period) FROM results)
      GROUP BY period, area_code, decision ORDER BY area_code, decision`,
  );
  return rows;
}

export interface CountyCases {
  areaCode: string;
  open: number;
  /** open past the end of the month they were opened in (当月清零) */
  overdue: number;
}

/** Open and overdue cases per county at `now` (ISO 8601). */
export async function casesPerCounty(db: Queryable, now: string): Promise<CountyCases[]> {
  const { rows } = await db.query<CountyCases>(
    `SELECT area_code AS "areaCode", count(*) AS open,
            count(*) FILTER (WHERE $1::timestamptz >= date_trunc('month', opened_at) + interval '1 month') AS overdue
       FROM cases WHERE status = 'OPEN' GROUP BY area_code ORDER BY area_code`,
    [now],
  );
  return rows;
}
