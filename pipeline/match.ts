// The monthly match: per area-code shard of the roster, read the shard's entries and counted
// events through database cursors (memory bounded by a shard), decide with the pure engine,
// and publish the shard's results and cases in one transaction. A re-run of the same period
// replaces the shard's results and never opens a second case.
import { createHash } from 'node:crypto';
import type { Db } from '../mirror/db.ts';
import { keysetRows } from '../mirror/keyset.ts';
import { rosterShards, readRosterShard } from '../mirror/roster.ts';
import { countedEventsForRosterArea, groupByPerson } from '../mirror/events.ts';
import { decideShard, needsCase, isReminder } from '../matching/index.ts';
import type { MatchEvent } from '../matching/index.ts';
import type { Decision, Result, RosterEntry } from '../schemas/types.ts';

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

/** A case id stable per (period, person): a re-run finds the same case. */
export function caseIdOf(period: string, personId: string): string {
  return `CASE-${period.replace('-', '')}-${createHash('sha256').update(`${period}\u0000${personId}`).digest('hex').slice(0, 12)}`;
}

/** Decide one shard (pure once its inputs are read). */
export async function decideArea(db: Db, areaCode: string, period: string, asOf: string): Promise<Result[]> {
  const entries: RosterEntry[] = [];
  for await (const e of readRosterShard(db, areaCode)) entries.push(e);
  const byPerson = new Map<string, MatchEvent[]>();
  for await (const group of groupByPerson(countedEventsForRosterArea(db, areaCode))) byPerson.set(group.personId, group.events);
  return decideShard(entries, byPerson, { period, asOf });
}

export async function matchPeriod(options: MatchOptions): Promise<MatchSummary> {
  const { db, period, asOf, runId } = options;
  const shards = await rosterShards(db);
  const summary: MatchSummary = { persons: 0, decisions: { eligible: 0, ineligible: 0, suspect: 0, excluded: 0 }, casesOpened: 0, reminders: 0 };
  let done = 0;
  for (const shard of shards) {
    options.signal?.throwIfAborted();
    const results = await decideArea(db, shard.areaCode, period, asOf);
    const opened = await publishShard(db, shard.areaCode, period, runId, results, options.openedAt);
    summary.persons += results.length;
    summary.casesOpened += opened;
    for (const r of results) {
      summary.decisions[r.decision] += 1;
      if (isReminder(r, period)) summary.reminders += 1;
    }
    done += 1;
    options.onShard?.({ areaCode: shard.areaCode, persons: results.length, casesOpened: opened, shardsDone: done, shardsTotal: shards.length });
  }
  return summary;
}

/** Replace a shard's results for the period and open the cases it needs; returns the cases opened. */
export async function publishShard(db: Db, areaCode: string, period: string, runId: string, results: readonly Result[], openedAt: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`DELETE FROM results WHERE period = $1 AND area_code = $2`, [period, areaCode]);
    await tx.copyInto(
      'results',
      ['period', 'person_id', 'area_code', 'decision', 'action', 'reasons', 'loss_date', 'certified_month', 'certified_until', 'risk_level', 'overpaid_months', 'overpaid_amount_fen', 'evidence', 'run_id'],
      results.map((r) => [
        r.period, r.personId, r.areaCode, r.decision, r.action, JSON.stringify(r.reasons), r.lossDate, r.certifiedMonth, r.certifiedUntil,
        r.riskLevel, r.overpaidMonths, r.overpaidAmountFen, JSON.stringify(r.evidence), runId,
      ]),
    );
    let opened = 0;
    for (const r of results) {
      if (!needsCase(r)) continue;
      const res = await tx.query(
        `INSERT INTO cases (case_id, period, person_id, area_code, reasons, evidence, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (period, person_id) DO NOTHING`,
        [caseIdOf(period, r.personId), period, r.personId, r.areaCode, JSON.stringify(r.reasons), JSON.stringify(r.evidence), openedAt],
      );
      opened += res.rowCount ?? 0;
    }
    return opened;
  });
}

interface ResultRow {
  period: string; person_id: string; area_code: string; decision: Result['decision']; action: Result['action'];
  reasons: Result['reasons']; loss_date: string | null; certified_month: string | null; certified_until: string | null;
  risk_level: Result['riskLevel']; overpaid_months: number | null; overpaid_amount_fen: number | null; evidence: Result['evidence'];
}

/** The period's results from the mirror, in personId order, read in keyset pages. */
export async function* readResults(db: Db, period: string, batchSize?: number): AsyncGenerator<Result> {
  const rows = keysetRows(
    '',
    batchSize,
    (after, limit) =>
      db.query<ResultRow>(
        `SELECT period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until, risk_level,
                overpaid_months, overpaid_amount_fen, evidence
           FROM results WHERE period = $1 AND person_id > $2 ORDER BY person_id LIMIT $3`,
        [period, after, limit],
      ),
    (r) => r.person_id,
  );
  for await (const r of rows) {
    yield {
      period: r.period, personId: r.person_id, areaCode: r.area_code, decision: r.decision, action: r.action, reasons: r.reasons,
      lossDate: r.loss_date, certifiedMonth: r.certified_month, certifiedUntil: r.certified_until, riskLevel: r.risk_level,
      overpaidMonths: r.overpaid_months, overpaidAmountFen: r.overpaid_amount_fen, evidence: r.evidence,
    };
  }
}
