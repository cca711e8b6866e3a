// Mirror rows for the gateway's tests, written directly: a roster with results, pulls with
// staged and rejected records — what a run would have left behind.
import { loadRoster } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import type { Result, RosterEntry } from '../../schemas/types.ts';
import { identityNumber } from '../mirror/db-targets.ts';

/** A valid identity number of a person born 1950 in `area`, numbered `i`. */
export function personOf(area: string, i: number): string {
  return identityNumber(`${area}19500101${String(i).padStart(3, '0')}`.slice(0, 17));
}

const DECISIONS: Result['decision'][] = ['eligible', 'ineligible', 'suspect', 'excluded'];
const ACTIONS: Result['action'][] = ['RECORD', 'STOP', 'VERIFY', 'NONE'];

export function rosterEntry(area: string, i: number): RosterEntry {
  return {
    personId: personOf(area, i),
    name: `张${'三四五六七'[i % 5]}${i}`,
    sex: i % 2 === 0 ? '1' : '2',
    birthDate: '1950-01-01',
    areaCode: area,
    benefitStatus: 'normal',
    accountStatus: 'active',
    lastCertifiedMonth: '2026-03',
    startedMonth: '2012-07',
    paidThrough: '2026-11',
    monthlyAmountFen: 18_000,
  };
}

/** `perArea` roster entries and results of `period` in each area; result i gets decision i % 4. */
export async function seedResults(db: Db, period: string, areas: readonly string[], perArea: number): Promise<Result[]> {
  const entries = areas.flatMap((area) => Array.from({ length: perArea }, (_, i) => rosterEntry(area, i)));
  await loadRoster(db, entries, { replace: true });
  const results: Result[] = entries.map((e, i) => ({
    period,
    personId: e.personId,
    areaCode: e.areaCode,
    decision: DECISIONS[i % 4],
    action: ACTIONS[i % 4],
    reasons: ['CERT_VALID'],
    lossDate: null,
    certifiedMonth: period,
    certifiedUntil: '2027-11',
    riskLevel: null,
    overpaidMonths: null,
    overpaidAmountFen: null,
    evidence: [{ source: 'ministry', dataset: 'auth', recordId: `R${i}`, origin: 'ministry' }],
  }));
  await db.exec(`DELETE FROM results WHERE period = '${period}'`);
  await db.copyInto(
    'results',
    ['period', 'person_id', 'area_code', 'decision', 'action', 'reasons', 'loss_date', 'certified_month', 'certified_until', 'risk_level', 'overpaid_months', 'overpaid_amount_fen', 'evidence', 'run_id'],
    results.map((r) => [r.period, r.personId, r.areaCode, r.decision, r.action, r.reasons, r.lossDate, r.certifiedMonth, r.certifiedUntil, r.riskLevel, r.overpaidMonths, r.overpaidAmountFen, r.evidence, 'run-test']),
  );
  return results;
}

export interface PullSeed {
  channel: string;
  dataset: string;
  status: 'running' | 'succeeded' | 'failed' | 'aborted';
  startedAt: string;
  finishedAt?: string | null;
  pulled?: number;
  staged?: number;
  rejected?: number;
  skipped?: number;
  error?: string | null;
}

export async function seedPull(db: Db, p: PullSeed): Promise<number> {
  const staged = p.staged ?? 0;
  const rejected = p.rejected ?? 0;
  const skipped = p.skipped ?? 0;
  const { rows } = await db.query<{ pull_id: number }>(
    `INSERT INTO pulls (run_id, channel, dataset, as_of, status, started_at, finished_at, pulled, staged, rejected, skipped, error)
     VALUES ('run-test', $1, $2, '2026-11-20', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING pull_id`,
    [p.channel, p.dataset, p.status, p.startedAt, p.finishedAt ?? null, p.pulled ?? staged + rejected + skipped, staged, rejected, skipped, p.error ?? null],
  );
  return rows[0].pull_id;
}

let recordSeq = 0;

/** A staged version of a source record updated at `updatedAt`. */
export async function seedStaged(db: Db, pullId: number, channel: string, dataset: string, personId: string, updatedAt: string): Promise<void> {
  recordSeq += 1;
  await db.query(
    `INSERT INTO source_records (channel, dataset, record_id, raw_hash, raw, source_updated_at, received_at, pull_id, outcome, person_id, is_current,
                                 event_id, origin, kind, name, date, detail)
     VALUES ($1, $2, $3, $4, '{}'::json, $5, $5, $6, 'staged', $7, true, $8, 'ministry', 'ALIVE', '', '2026-11-01', '{}'::jsonb)`,
    [channel, dataset, `S${recordSeq}`, `h${recordSeq}`, updatedAt, pullId, personId, `e${recordSeq}`],
  );
}

export interface RejectionSeed {
  channel: string;
  dataset: string;
  recordId: string;
  raw: unknown;
  field: string;
  reasonCode: string;
  message: string;
  personId: string | null;
}

export async function seedRejection(db: Db, pullId: number, r: RejectionSeed): Promise<void> {
  recordSeq += 1;
  const { rows } = await db.query<{ arrival_seq: number }>(
    `INSERT INTO source_records (channel, dataset, record_id, raw_hash, raw, received_at, pull_id, outcome, reason_code, person_id)
     VALUES ($1, $2, $3, $4, $5::json, '2026-11-20T09:00:00+08:00', $6, 'rejected', $7, $8) RETURNING arrival_seq`,
    [r.channel, r.dataset, r.recordId, `r${recordSeq}`, JSON.stringify(r.raw), pullId, r.reasonCode, r.personId],
  );
  await db.query(
    `INSERT INTO rejections (channel, dataset, record_id, raw_hash, arrival_seq, raw, field, reason_code, message, person_id, pull_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9, $10, $11, '2026-11-20T09:00:00+08:00')`,
    [r.channel, r.dataset, r.recordId, `r${recordSeq}`, rows[0].arrival_seq, JSON.stringify(r.raw), r.field, r.reasonCode, r.message, r.personId, pullId],
  );
}
