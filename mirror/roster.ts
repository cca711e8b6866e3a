// The roster of the T+1 mirror (sources.md "The roster"): bulk load through COPY, and reads
// in area-code shards so the monthly match never holds more than one shard.
import type { RosterEntry } from '../schemas/types.ts';
import type { CopyRows, Db, Queryable } from './db.ts';
import { quoteIdentifier } from './db.ts';
import { MirrorError } from './errors.ts';
import { keysetRows } from './keyset.ts';

export const ROSTER_TABLE = 't1_recipients';

const ROSTER_COLUMNS = [
  'person_id',
  'name',
  'sex',
  'birth_date',
  'area_code',
  'benefit_status',
  'suspend_reason',
  'suspended_since',
  'account_status',
  'last_certified_month',
  'started_month',
  'paid_through',
  'monthly_amount_fen',
] as const;

interface RosterRow {
  person_id: string;
  name: string;
  sex: '1' | '2';
  birth_date: string;
  area_code: string;
  benefit_status: 'normal' | 'suspended';
  suspend_reason: RosterEntry['suspendReason'] | null;
  suspended_since: string | null;
  account_status: 'active' | 'sealed';
  last_certified_month: string;
  started_month: string;
  paid_through: string;
  monthly_amount_fen: number;
}

function toEntry(row: RosterRow): RosterEntry {
  const entry: RosterEntry = {
    personId: row.person_id,
    name: row.name,
    sex: row.sex,
    birthDate: row.birth_date,
    areaCode: row.area_code,
    benefitStatus: row.benefit_status,
    accountStatus: row.account_status,
    lastCertifiedMonth: row.last_certified_month,
    startedMonth: row.started_month,
    paidThrough: row.paid_through,
    monthlyAmountFen: row.monthly_amount_fen,
  };
  if (row.suspend_reason !== null && row.suspend_reason !== undefined) entry.suspendReason = row.suspend_reason;
  if (row.suspended_since !== null) entry.suspendedSince = row.suspended_since;
  return entry;
}

function toCopyRow(e: RosterEntry, index: number): unknown[] {
  for (const key of ['personId', 'name', 'sex', 'birthDate', 'areaCode', 'benefitStatus', 'accountStatus', 'lastCertifiedMonth', 'startedMonth', 'paidThrough'] as const) {
    if (typeof e[key] !== 'string') {
      throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `roster entry ${index + 1} (${String(e.personId)}): ${key} must be a string`);
    }
  }
  if (!Number.isSafeInteger(e.monthlyAmountFen)) {
    throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `roster entry ${index + 1} (${e.personId}): monthlyAmountFen must be an integer number of fen`);
  }
  return [
    e.personId,
    e.name,
    e.sex,
    e.birthDate,
    e.areaCode,
    e.benefitStatus,
    e.suspendReason ?? null,
    e.suspendedSince ?? null,
    e.accountStatus,
    e.lastCertifiedMonth,
    e.startedMonth,
    e.paidThrough,
    e.monthlyAmountFen,
  ];
}

async function* copyRows(entries: Iterable<RosterEntry> | AsyncIterable<RosterEntry>): AsyncGenerator<unknown[]> {
  let i = 0;
  for await (const e of entries) yield toCopyRow(e, i++);
}

export interface LoadRosterOptions {
  /** the roster table (default `t1_recipients`) */
  table?: string;
  /** true (default): the entries replace the whole roster; false: insert or update by personId */
  replace?: boolean;
}

/**
 * Bulk-loads roster entries with COPY in one transaction: readers see the old roster or the
 * new one, never half. The table's CHECK constraints refuse malformed entries (the load then
 * changes nothing). Returns the number of entries loaded.
 */
export async function loadRoster(db: Db, entries: Iterable<RosterEntry> | AsyncIterable<RosterEntry>, options: LoadRosterOptions = {}): Promise<number> {
  const table = options.table ?? ROSTER_TABLE;
  const quoted = quoteIdentifier(table);
  const rows: CopyRows = copyRows(entries);
  return db.transaction(async (tx) => {
    if (options.replace ?? true) {
      await tx.query(`DELETE FROM ${quoted}`);
      return tx.copyInto(table, ROSTER_COLUMNS, rows);
    }
    // upsert: COPY into a scratch table, then merge by personId
    await tx.exec(`CREATE TEMP TABLE roster_load (LIKE ${quoted} INCLUDING DEFAULTS) ON COMMIT DROP`);
    const count = await tx.copyInto('roster_load', ROSTER_COLUMNS, rows);
    const updates = ROSTER_COLUMNS.filter((c) => c !== 'person_id').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
    await tx.query(`INSERT INTO ${quoted} (${ROSTER_COLUMNS.join(', ')}) SELECT ${ROSTER_COLUMNS.join(', ')} FROM roster_load
                    ON CONFLICT (person_id) DO UPDATE SET ${updates}`);
    return count;
  });
}

export interface RosterShard {
  areaCode: string;
  recipients: number;
}

export interface RosterReadOptions {
  /** the roster table or view (default `t1_recipients`) */
  table?: string;
}

/** The area codes of the roster with their sizes: one shard job each. */
export async function rosterShards(db: Queryable, options: RosterReadOptions = {}): Promise<RosterShard[]> {
  const { rows } = await db.query<{ area_code: string; recipients: number }>(
    `SELECT area_code, count(*) AS recipients FROM ${quoteIdentifier(options.table ?? ROSTER_TABLE)} GROUP BY area_code ORDER BY area_code`,
  );
  return rows.map((r) => ({ areaCode: r.area_code, recipients: r.recipients }));
}

export interface RosterShardOptions extends RosterReadOptions {
  /** rows per keyset page (default 5000) */
  batchSize?: number;
}

/** The entries of one area code, in personId order, read in keyset pages. */
export async function* readRosterShard(db: Queryable, areaCode: string, options: RosterShardOptions = {}): AsyncGenerator<RosterEntry> {
  const table = quoteIdentifier(options.table ?? ROSTER_TABLE);
  const rows = keysetRows(
    '',
    options.batchSize,
    (after, limit) =>
      db.query<RosterRow>(`SELECT ${ROSTER_COLUMNS.join(', ')} FROM ${table} WHERE area_code = $1 AND person_id > $2 ORDER BY person_id LIMIT $3`, [areaCode, after, limit]),
    (row) => row.person_id,
  );
  for await (const row of rows) yield toEntry(row);
}

/** One roster entry, or null when the person is not on the roster. */
export async function rosterEntry(db: Queryable, personId: string, options: RosterReadOptions = {}): Promise<RosterEntry | null> {
  const { rows } = await db.query<RosterRow>(
    `SELECT ${ROSTER_COLUMNS.join(', ')} FROM ${quoteIdentifier(options.table ?? ROSTER_TABLE)} WHERE person_id = $1`,
    [personId],
  );
  return rows.length === 0 ? null : toEntry(rows[0]);
}
