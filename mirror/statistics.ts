// Planner statistics before the monthly match. A month's pulls add most of source_records at
// once, faster than autovacuum's analyze notices; with the statistics of a near-empty table the
// planner walks every counted event of the province for each roster shard (359 ms per shard
// page at 100,000 persons, instead of 15 ms by the roster-area index). One ANALYZE (a sample,
// not a scan) before the shards are read keeps the per-shard plan.
import type { Queryable } from './db.ts';
import { ROSTER_TABLE } from './roster.ts';
import { quoteIdentifier } from './db.ts';

/** ANALYZE the tables the match reads: the source versions, the hub events and the roster. */
export async function refreshMatchStatistics(db: Queryable, rosterTable: string = ROSTER_TABLE): Promise<void> {
  await db.query(`ANALYZE source_records, hub_events, ${quoteIdentifier(rosterTable)}`);
}
