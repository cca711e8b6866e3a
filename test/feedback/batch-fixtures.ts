// What the batch and adoption suites share: results of a county written the way the match
// publishes them (publishShard, so a re-publish marks batches stale), identity numbers for
// thousands of persons, and a sandbox whose received log shows what the provincial system and
// the ministry got.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publishShard } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import type { World } from '../../sandbox/world.ts';
import type { Result, RosterEntry } from '../../schemas/types.ts';
import { identityNumber } from '../mirror/db-targets.ts';

/** The i-th person of a county (born in January 1950), a valid identity number, in personId order with i (i < 28,000). */
export function personIn(area: string, i: number): string {
  const day = String(1 + Math.floor(i / 1000)).padStart(2, '0');
  return identityNumber(`${area}195001${day}${String(i % 1000).padStart(3, '0')}`);
}

/** A RECORD result (eligible, DEFERRED) of the period. */
export function recordResult(period: string, area: string, i: number, overrides: Partial<Result> = {}): Result {
  return {
    period, personId: personIn(area, i), areaCode: area, decision: 'eligible', action: 'RECORD', reasons: ['DEFERRED'], lossDate: null,
    certifiedMonth: period, certifiedUntil: '2027-11', riskLevel: 'LOW', overpaidMonths: null, overpaidAmountFen: null, evidence: [],
    ...overrides,
  };
}

/** Publishes a county's results as the match does (replacing the county's rows of the period). */
export async function publishCounty(db: Db, period: string, area: string, results: readonly Result[]): Promise<void> {
  await publishShard(db, { period, areaCode: area, runId: 'run-test', results, cases: [] });
}

export function rosterOf(area: string, i: number): RosterEntry {
  return {
    personId: personIn(area, i), name: `王${i}`, sex: '1', birthDate: '1950-01-01', areaCode: area, benefitStatus: 'normal', accountStatus: 'active',
    lastCertifiedMonth: '2026-03', startedMonth: '2012-07', paidThrough: '2026-11', monthlyAmountFen: 18_000,
  };
}

export function emptyWorld(ministry: Record<string, Record<string, string>[]> = {}): World {
  return {
    worldVersion: 1,
    period: '2026-11',
    asOf: '2026-11-28',
    roster: [],
    sources: { ministry, bigdata: {}, police: {}, civil: [], health: {} },
    faults: {},
  } as unknown as World;
}

export interface TestSandbox {
  sandbox: Sandbox;
  close(): Promise<void>;
}

export async function startTestSandbox(world: World = emptyWorld()): Promise<TestSandbox> {
  const civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-batches-'));
  const sandbox = await startSandbox({ world, civilDir, port: 0 });
  return {
    sandbox,
    async close() {
      await sandbox.close();
      fs.rmSync(civilDir, { recursive: true, force: true });
    },
  };
}
