// The monthly match: per area-code shard of the roster, read the shard's entries and counted
// events through database cursors (memory bounded by a shard), decide with the pure engine,
// and publish the shard's results and cases in one transaction. A re-run of the same period
// replaces the shard's results and never opens a second case.
import { caseIdOf, countedEventsForRosterArea, groupByPerson, publishShard, readRosterShard, refreshMatchStatistics, rosterShards } from '../mirror/index.ts';
import type { CaseToOpen, Db } from '../mirror/index.ts';
import { decideShard, needsCase, isReminder } from '../matching/index.ts';
import type { MatchEvent } from '../matching/index.ts';
import type { Decision, Result, RosterEntry } from '../schemas/types.ts';
import { oneAhead } from '../lib/ahead.ts';

export interface ShardProgress {
  areaCode: string;
  persons: number;
  casesOpened: number;
  shardsDone: number;
  shardsTotal: number;
}

export interface MatchOptions {
  db: Db;
  period: string;
  asOf: string;
  runId: string;
  /** the China-time instant cases are opened at (workflow clock), ISO +08:00 */
  openedAt: string;
  onShard?: (progress: ShardProgress) => void;
  signal?: AbortSignal;
}

export interface MatchSummary {
  persons: number;
  decisions: Record<Decision, number>;
  casesOpened: number;
  reminders: number;
}

/** What deciding one shard needs from the mirror: its roster entries and its persons' counted events. */
export interface AreaInputs {
  areaCode: string;
  entries: RosterEntry[];
  byPerson: Map<string, MatchEvent[]>;
}

/** Reads one shard's inputs (memory bounded by the shard). */
async function readArea(db: Db, areaCode: string): Promise<AreaInputs> {
  const entries: RosterEntry[] = [];
  for await (const e of readRosterShard(db, areaCode)) entries.push(e);
  const byPerson = new Map<string, MatchEvent[]>();
  for await (const group of groupByPerson(countedEventsForRosterArea(db, areaCode))) byPerson.set(group.personId, group.events);
  return { areaCode, entries, byPerson };
}

/** Decide one shard (pure once its inputs are read). */
export async function decideArea(db: Db, areaCode: string, period: string, asOf: string): Promise<Result[]> {
  const { entries, byPerson } = await readArea(db, areaCode);
  return decideShard(entries, byPerson, { period, asOf });
}

/**
 * The shards' inputs in roster order, the next shard read while the caller decides and publishes
 * the current one: the mirror's reads overlap the engine's CPU and the publishing transaction, at
 * the cost of at most two shards in memory.
 */
export function readAreasAhead(db: Db, shards: readonly { areaCode: string }[], signal?: AbortSignal): AsyncGenerator<AreaInputs> {
  async function* read(): AsyncGenerator<AreaInputs> {
    for (const shard of shards) {
      signal?.throwIfAborted();
      yield await readArea(db, shard.areaCode);
    }
  }
  return oneAhead(read());
}

export interface DecidedShard {
  areaCode: string;
  results: Result[];
  /** 1-based position of this shard, and how many the roster has */
  index: number;
  total: number;
}

/**
 * The decisions of the period shard by shard, unpublished: what `matchPeriod` publishes, for a
 * caller that publishes each shard itself (the Node-RED `lifecert match` → `lifecert publish`).
 */
export async function* decideShards(db: Db, period: string, asOf: string, signal?: AbortSignal): AsyncGenerator<DecidedShard> {
  await refreshMatchStatistics(db);
  const shards = await rosterShards(db);
  let index = 0;
  for await (const area of readAreasAhead(db, shards, signal)) {
    signal?.throwIfAborted();
    index += 1;
    yield { areaCode: area.areaCode, results: decideShard(area.entries, area.byPerson, { period, asOf }), index, total: shards.length };
  }
}

export async function matchPeriod(options: MatchOptions): Promise<MatchSummary> {
  const { db, period, asOf, runId } = options;
  // the month's pulls have just filled source_records: without fresh statistics each shard's
  // read walks the whole province (mirror/statistics.ts)
  await refreshMatchStatistics(db);
  const shards = await rosterShards(db);
  const summary: MatchSummary = { persons: 0, decisions: { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 }, casesOpened: 0, reminders: 0 };
  let done = 0;
  for await (const area of readAreasAhead(db, shards, options.signal)) {
    options.signal?.throwIfAborted();
    const results = decideShard(area.entries, area.byPerson, { period, asOf });
    const opened = await publishArea(db, area.areaCode, period, runId, results, options.openedAt);
    summary.persons += results.length;
    summary.casesOpened += opened;
    for (const r of results) {
      summary.decisions[r.decision] += 1;
      if (isReminder(r, period)) summary.reminders += 1;
    }
    done += 1;
    options.onShard?.({ areaCode: area.areaCode, persons: results.length, casesOpened: opened, shardsDone: done, shardsTotal: shards.length });
  }
  return summary;
}

/**
 * Publishes a decided shard: replaces its results for the period and opens the cases they need,
 * in one transaction; returns the cases opened (a re-run opens none twice).
 */
export function publishArea(db: Db, areaCode: string, period: string, runId: string, results: readonly Result[], openedAt: string): Promise<number> {
  return publishShard(db, { period, areaCode, runId, results, cases: casesToOpen(results, period, openedAt) });
}

/** The cases a shard's results need (疑点), opened at `openedAt` unless already open. */
export function casesToOpen(results: readonly Result[], period: string, openedAt: string): CaseToOpen[] {
  return results.filter(needsCase).map((r) => ({
    caseId: caseIdOf(period, r.personId), period, personId: r.personId, areaCode: r.areaCode, reasons: r.reasons, evidence: r.evidence, openedAt,
  }));
}
