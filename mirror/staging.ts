// Staging one page of a pull: every new version of a source record (with its canonical event,
// rejection or skip), the archived page, and the cursor that follows it — in the caller's ONE
// transaction, so a cursor is never committed without its page. Re-staging content already
// held adds nothing (a version is channel, dataset, record id and raw hash).
//
// Which version is current follows sources.md: by the source's update time (a tie → received
// last), except for pages ordered by delivery (civil files): there every record of the page is
// its id's current version, also when that is a version held before and no longer current —
// a re-delivered file replaces the earlier delivery whatever its 登记时间 say.
import type { CursorState, Normalized, VersionOrder } from '../schemas/types.ts';
import { parseUpdateTime } from '../lib/china-time.ts';
import { formatChinaIso } from './db.ts';
import type { Queryable } from './db.ts';
import { MirrorError } from './errors.ts';
import { eventId, rawHash, sha256Hex } from './hashing.ts';
import { storableRecordId, storableText } from './storable-text.ts';

export type VersionOutcome = 'staged' | 'rejected' | 'skipped' | 'withdrawn';
export type { VersionOrder };

export interface RecordToStage {
  recordId: string;
  /** the raw record exactly as served */
  raw: unknown;
  /** the source's update time, ISO 8601 (+08:00); '' when unreadable (ordered as oldest) */
  updatedAt: string;
  /** civil: the line no longer holds a row in the latest delivery of its file */
  withdrawn?: boolean;
  /** what normalization made of `raw`; required unless withdrawn, used only for a new version */
  normalized?: Normalized;
  /** `rawHash(raw)` when the caller has it already (a pager computed it); computed here otherwise */
  rawHash?: string;
}

export interface PageToStage {
  /** the pull this page belongs to (provenance); null only for pages staged outside a pull */
  pullId: number | null;
  channel: string;
  dataset: string;
  /** page number within the pull, from 1 */
  seq: number;
  request: string;
  body: string | Uint8Array;
  /** ISO 8601 +08:00: the wall clock when the page was staged */
  receivedAt: string;
  records: readonly RecordToStage[];
  /** the cursor to commit with this page */
  state: CursorState;
  /** how the records' versions are ordered (default `update-time`) */
  versionOrder?: VersionOrder;
}

export interface StagedRecord {
  recordId: string;
  /** the version's hash (a withdrawal's hash names the version it withdrew) */
  rawHash: string;
  /**
   * what this version is: for content already held, what it became the first time
   * (read from the database); for a withdrawal of a record already withdrawn, 'withdrawn'
   */
  outcome: VersionOutcome;
  /** false when the content was already held (a re-pull): nothing was added */
  isNewVersion: boolean;
  /**
   * the pull that first staged this version (this page's pull for a new one; null when it was
   * staged outside a pull): a version first staged by the pull now running was counted then
   */
  firstPullId: number | null;
  /** this version is now the record's current (newest) one */
  isCurrent: boolean;
  /** this page made it current: new and newest, or (by delivery) held and current again */
  madeCurrent: boolean;
}

export interface StagedPage {
  /** one entry per input record, in input order */
  records: StagedRecord[];
  /** sha-256 hex of the archived body */
  bodySha256: string;
  newVersions: number;
  newRejections: number;
}

interface ExistingVersion {
  arrival_seq: number;
  record_id: string;
  raw_hash: string;
  outcome: VersionOutcome;
  is_current: boolean;
  source_updated_at: string | null;
  pull_id: number | null;
}

interface Version {
  /** null until inserted */
  arrivalSeq: number | null;
  rawHash: string;
  outcome: VersionOutcome;
  updatedMs: number;
  isCurrent: boolean;
  /** is_current as the database holds it before this page */
  wasCurrent: boolean;
  /** the pull that first staged it */
  pullId: number | null;
}

interface NewVersion {
  recordId: string;
  rawHash: string;
  raw: unknown;
  updatedAt: string | null;
  outcome: VersionOutcome;
  reasonCode: string | null;
  personId: string | null;
  event: { eventId: string; origin: string; kind: string; name: string; date: string; endDate: string | null; detail: Record<string, string> } | null;
  rejection: { field: string; message: string } | null;
  version: Version;
}

/** A withdrawal's own hash: it names the version withdrawn, so withdrawing again after a re-delivery is a new version. */
export function withdrawalHash(withdrawnRawHash: string | null): string {
  return rawHash({ withdrawn: withdrawnRawHash });
}

const OFFSET_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

function orderKey(updatedAt: string | null): number {
  if (updatedAt === null || updatedAt === '') return Number.NEGATIVE_INFINITY;
  // ISO with an offset keeps its milliseconds (parseUpdateTime drops them); other forms are China time
  let ms = OFFSET_ISO.test(updatedAt) ? Date.parse(updatedAt) : Number.NaN;
  if (Number.isNaN(ms)) ms = parseUpdateTime(updatedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** SQLSTATE unique_violation */
const UNIQUE_VIOLATION = '23505';

function bodyBytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * The versions held of the page's record ids: one descent of the version key per id, whatever the
 * planner's statistics say. Written as `record_id = ANY($3)` the plan depends on them: a month's
 * pulls fill source_records faster than (auto)analyze runs, and with the estimate of a near-empty
 * table (a dozen rows per dataset) the planner scanned the whole (channel, dataset) range of the
 * key and filtered the ids — a page of 1,000 ids read all 142,000 versions of ministry/AUTH at
 * 300,000 persons (660 ms), so staging grew with the square of the dataset. The lateral subquery
 * with OFFSET 0 is not flattened into a join, so its only plan is the parameterized index scan
 * (96 ms for the same page, and flat as the dataset grows).
 */
export const LOOKUP_VERSIONS = `SELECT v.arrival_seq, v.record_id, v.raw_hash, v.outcome, v.is_current, v.source_updated_at, v.pull_id
     FROM unnest($3::text[]) AS k(record_id)
     CROSS JOIN LATERAL (
       SELECT s.arrival_seq, s.record_id, s.raw_hash, s.outcome, s.is_current, s.source_updated_at, s.pull_id
         FROM source_records s
        WHERE s.channel = $1 AND s.dataset = $2 AND s.record_id = k.record_id
       OFFSET 0
     ) AS v`;

/** Serializes staging per (channel, dataset): is_current bookkeeping reads, then writes. */
async function lockSource(tx: Queryable, channel: string, dataset: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('lifecert.staging'), hashtext($1))`, [`${channel}/${dataset}`]);
}

/**
 * Stages one page inside `tx` (the caller's transaction): new versions, their rejections,
 * the archived page and the cursor. Call it from `db.transaction(...)` so that all of it
 * commits together or not at all.
 */
export async function stagePage(tx: Queryable, page: PageToStage): Promise<StagedPage> {
  const { channel, dataset } = page;
  await lockSource(tx, channel, dataset);

  // record ids as the text columns and their indexes hold them (U+0000, lone surrogates → U+FFFD,
  // a kilobyte id in digest form): what the version bookkeeping below compares with what the
  // database returns
  const records = page.records.map((r) => {
    if (typeof r.recordId !== 'string') return r;
    const recordId = storableRecordId(r.recordId);
    return recordId === r.recordId ? r : { ...r, recordId };
  });
  const ids = [...new Set(records.map((r) => r.recordId))];
  const { rows: existing } = ids.length === 0
    ? { rows: [] as ExistingVersion[] }
    : await tx.query<ExistingVersion>(LOOKUP_VERSIONS, [channel, dataset, ids]);

  // per record: its versions by hash, and its current version
  const versions = new Map<string, Map<string, Version>>();
  const current = new Map<string, Version>();
  for (const row of existing) {
    const v: Version = {
      arrivalSeq: row.arrival_seq, rawHash: row.raw_hash, outcome: row.outcome, updatedMs: orderKey(row.source_updated_at), isCurrent: row.is_current, wasCurrent: row.is_current, pullId: row.pull_id,
    };
    let byHash = versions.get(row.record_id);
    if (!byHash) versions.set(row.record_id, (byHash = new Map()));
    byHash.set(row.raw_hash, v);
    if (row.is_current) current.set(row.record_id, v);
  }

  const byDelivery = page.versionOrder === 'delivery';
  const inserts: NewVersion[] = [];
  const results: StagedRecord[] = [];
  const makeCurrent = (recordId: string, v: Version, prior: Version | null): void => {
    if (prior) prior.isCurrent = false;
    v.isCurrent = true;
    current.set(recordId, v);
  };

  for (const rec of records) {
    // A record the source sent without its id is still kept (normalization rejects it with
    // REQUIRED_MISSING, and the raw record is quarantined): its versions are told apart by hash.
    if (typeof rec.recordId !== 'string' || (rec.recordId === '' && rec.withdrawn)) {
      throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `${channel}/${dataset}: a withdrawal without a record id cannot be staged`);
    }
    const prior = current.get(rec.recordId) ?? null;
    let hash: string;
    // parsed once: the stored text and its order key (orderKey of the stored text is the same instant)
    let updatedMs = orderKey(rec.updatedAt);
    let updatedAt = updatedMs === Number.NEGATIVE_INFINITY ? null : formatChinaIso(updatedMs);
    // past year 9999 (a source's 9999-12-31 in a zone west of China) no timestamptz literal: unreadable
    if (updatedAt !== null && !/^\d{4}-/.test(updatedAt)) {
      updatedAt = null;
      updatedMs = Number.NEGATIVE_INFINITY;
    }
    if (rec.withdrawn) {
      if (prior && prior.outcome === 'withdrawn') {
        results.push({ recordId: rec.recordId, rawHash: prior.rawHash, outcome: 'withdrawn', isNewVersion: false, firstPullId: prior.pullId, isCurrent: true, madeCurrent: false });
        continue;
      }
      hash = withdrawalHash(prior?.rawHash ?? null);
      // a withdrawal comes from a later delivery: it must become the newest version even when
      // its own update time is missing or older than the row it withdraws
      if (prior && updatedMs < prior.updatedMs) {
        updatedMs = prior.updatedMs;
        updatedAt = formatChinaIso(prior.updatedMs);
      }
    } else {
      hash = rec.rawHash ?? rawHash(rec.raw);
    }

    const held = versions.get(rec.recordId)?.get(hash);
    if (held) {
      // by update time a re-pull changes nothing; by delivery the held version is the line's row
      // again (a line blanked, then restored byte for byte, counts again)
      const again = byDelivery && !held.isCurrent;
      if (again) makeCurrent(rec.recordId, held, prior);
      results.push({ recordId: rec.recordId, rawHash: hash, outcome: held.outcome, isNewVersion: false, firstPullId: held.pullId, isCurrent: held.isCurrent, madeCurrent: again });
      continue;
    }

    const nv = newVersion(channel, dataset, rec, hash, updatedAt, updatedMs, page.pullId);
    // arrivals only grow, so a new version wins every tie on update time
    const becomesCurrent = byDelivery || prior === null || nv.version.updatedMs >= prior.updatedMs;
    if (becomesCurrent) makeCurrent(rec.recordId, nv.version, prior);
    let byHash = versions.get(rec.recordId);
    if (!byHash) versions.set(rec.recordId, (byHash = new Map()));
    byHash.set(hash, nv.version);
    inserts.push(nv);
    results.push({ recordId: rec.recordId, rawHash: hash, outcome: nv.outcome, isNewVersion: true, firstPullId: page.pullId, isCurrent: becomesCurrent, madeCurrent: becomesCurrent });
  }
  // isCurrent of earlier results may have changed when a later record of the page superseded them
  for (const r of results) {
    const v = versions.get(r.recordId)?.get(r.rawHash);
    if (v) {
      r.isCurrent = v.isCurrent;
      r.madeCurrent &&= v.isCurrent;
    }
  }

  // versions held before whose flag this page changed: lowered first, so that one version per
  // record is current at every moment (the staging lock keeps this rule; 017 dropped the partial
  // unique index that also refused a second current version)
  const lowered: number[] = [];
  const raised: number[] = [];
  for (const byHash of versions.values()) {
    for (const v of byHash.values()) {
      if (v.arrivalSeq === null || v.isCurrent === v.wasCurrent) continue;
      (v.isCurrent ? raised : lowered).push(v.arrivalSeq);
    }
  }
  if (lowered.length > 0) {
    await tx.query(`UPDATE source_records SET is_current = false WHERE arrival_seq = ANY($1::bigint[])`, [lowered]);
  }
  // the delivery a version was last made current by: what current_source_records_by_order
  // orders delivered versions by (a version current again keeps its old arrival number)
  const delivery = byDelivery && (raised.length > 0 || inserts.some((v) => v.version.isCurrent)) ? await nextDelivery(tx) : null;
  if (raised.length > 0) {
    await tx.query(`UPDATE source_records SET is_current = true, delivery_seq = $2 WHERE arrival_seq = ANY($1::bigint[])`, [raised, delivery]);
  }
  let newRejections = 0;
  if (inserts.length > 0) {
    const seqs = await insertVersions(tx, page, inserts, delivery);
    newRejections = await insertRejections(tx, page, inserts, seqs);
  }

  const bytes = bodyBytes(page.body);
  const bodySha256 = sha256Hex(bytes);
  if (page.pullId !== null) {
    // the archived page and the cursor that follows it: one statement, one round trip
    await tx.query(
      `WITH archived AS (
         INSERT INTO raw_pages (pull_id, seq, request, sha256, body, record_count, received_at) VALUES ($4, $6, $7, $8, $9, $10, $5)
       )
       ${SAVE_CURSOR}`,
      [channel, dataset, JSON.stringify(page.state), page.pullId, page.receivedAt, page.seq, storableText(page.request), bodySha256, bytes, page.records.length],
    );
  } else {
    await saveCursor(tx, channel, dataset, page.state, page.pullId, page.receivedAt);
  }
  return { records: results, bodySha256, newVersions: inserts.length, newRejections };
}

async function nextDelivery(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(`SELECT nextval('source_deliveries') AS n`);
  return rows[0].n;
}

function newVersion(channel: string, dataset: string, rec: RecordToStage, hash: string, updatedAt: string | null, updatedMs: number, pullId: number | null): NewVersion {
  const base = { recordId: rec.recordId, rawHash: hash, raw: rec.raw, updatedAt, reasonCode: null, personId: null, event: null, rejection: null };
  const version = (outcome: VersionOutcome): Version => ({ arrivalSeq: null, rawHash: hash, outcome, updatedMs, isCurrent: false, wasCurrent: false, pullId });
  if (rec.withdrawn) return { ...base, outcome: 'withdrawn', version: version('withdrawn') };
  const n = rec.normalized;
  if (!n) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `${channel}/${dataset} ${rec.recordId}: a new version needs its normalization outcome`);
  switch (n.outcome) {
    case 'staged': {
      const e = n.event;
      return {
        ...base,
        outcome: 'staged',
        personId: e.personId,
        event: { eventId: eventId(channel, dataset, rec.recordId), origin: e.origin, kind: e.kind, name: e.name, date: e.date, endDate: e.endDate || null, detail: e.detail },
        version: version('staged'),
      };
    }
    case 'rejected':
      return { ...base, outcome: 'rejected', reasonCode: n.reasonCode, personId: n.personId, rejection: { field: n.field, message: n.message }, version: version('rejected') };
    case 'skipped':
      return { ...base, outcome: 'skipped', reasonCode: n.reasonCode, personId: n.personId, version: version('skipped') };
    default:
      throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `${channel}/${dataset} ${rec.recordId}: unknown normalization outcome`);
  }
}

/** Inserts the new versions; those current after the page carry `delivery` (null: ordered by update time). */
async function insertVersions(tx: Queryable, page: PageToStage, inserts: NewVersion[], delivery: number | null): Promise<number[]> {
  const col = <T>(f: (v: NewVersion) => T): T[] => inserts.map(f);
  // unnest keeps the parameter count fixed whatever the page size; ORDER BY ord gives arrival
  // numbers in page order, so a later row of the page is the later arrival
  // no ON CONFLICT arbiter (017_staging_indexes.sql): under the advisory lock every version
  // inserted here was looked up absent in this transaction; the unique version key refuses the
  // impossible duplicate, and the page is refused with a coded error rather than staged half right
  const { rows } = await tx.query<{ arrival_seq: number; record_id: string; raw_hash: string }>(
    `INSERT INTO source_records (channel, dataset, record_id, raw_hash, raw, source_updated_at, received_at, pull_id,
                                 outcome, reason_code, person_id, is_current, event_id, origin, kind, name, date, end_date, detail, delivery_seq)
     SELECT $1, $2, u.record_id, u.raw_hash, u.raw::json, u.updated_at::timestamptz, $3, $4,
            u.outcome, u.reason_code, u.person_id, u.is_current, u.event_id, u.origin, u.kind, u.name, u.date::date, u.end_date::date, u.detail::jsonb,
            CASE WHEN u.is_current THEN $20::bigint END
       FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[],
                   $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
            WITH ORDINALITY AS u(record_id, raw_hash, raw, updated_at, outcome, reason_code, person_id, is_current,
                                 event_id, origin, kind, name, date, end_date, detail, ord)
      ORDER BY u.ord
     RETURNING arrival_seq, record_id, raw_hash`,
    [
      page.channel,
      page.dataset,
      page.receivedAt,
      page.pullId,
      col((v) => v.recordId),
      col((v) => v.rawHash),
      col((v) => JSON.stringify(v.raw) ?? 'null'),
      col((v) => v.updatedAt),
      col((v) => v.outcome),
      col((v) => v.reasonCode),
      col((v) => v.personId),
      col((v) => v.version.isCurrent),
      col((v) => v.event?.eventId ?? null),
      col((v) => v.event?.origin ?? null),
      col((v) => v.event?.kind ?? null),
      col((v) => (v.event ? storableText(v.event.name) : null)),
      col((v) => v.event?.date ?? null),
      col((v) => v.event?.endDate ?? null),
      col((v) => (v.event ? JSON.stringify(v.event.detail) : null)),
      delivery,
    ],
  ).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) {
      throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `${page.channel}/${page.dataset}: a version appeared concurrently; page not staged`, { cause: err });
    }
    throw err;
  });
  if (rows.length !== inserts.length) {
    throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `${page.channel}/${page.dataset}: ${inserts.length - rows.length} versions appeared concurrently; page not staged`);
  }
  const byKey = new Map(rows.map((r) => [`${r.record_id}\u0000${r.raw_hash}`, r.arrival_seq]));
  return inserts.map((v) => {
    const seq = byKey.get(`${v.recordId}\u0000${v.rawHash}`);
    if (seq === undefined) throw new MirrorError('LIFECERT_MIRROR_INVARIANT_BROKEN', `inserted version of ${v.recordId} not returned`);
    v.version.arrivalSeq = seq;
    return seq;
  });
}

async function insertRejections(tx: Queryable, page: PageToStage, inserts: NewVersion[], seqs: number[]): Promise<number> {
  const idx = inserts.map((v, i) => i).filter((i) => inserts[i].rejection !== null);
  if (idx.length === 0) return 0;
  const pick = <T>(f: (v: NewVersion, seq: number) => T): T[] => idx.map((i) => f(inserts[i], seqs[i]));
  await tx.query(
    `INSERT INTO rejections (channel, dataset, record_id, raw_hash, arrival_seq, raw, field, reason_code, message, person_id, pull_id, created_at)
     SELECT $1, $2, u.record_id, u.raw_hash, u.arrival_seq, u.raw::json, u.field, u.reason_code, u.message, u.person_id, $3, $4
       FROM unnest($5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
            AS u(record_id, raw_hash, arrival_seq, raw, field, reason_code, message, person_id)`,
    [
      page.channel,
      page.dataset,
      page.pullId,
      page.receivedAt,
      pick((v) => v.recordId),
      pick((v) => v.rawHash),
      pick((_v, seq) => seq),
      pick((v) => JSON.stringify(v.raw) ?? 'null'),
      pick((v) => v.rejection?.field ?? ''),
      pick((v) => v.reasonCode),
      pick((v) => storableText(v.rejection?.message ?? '')),
      pick((v) => v.personId),
    ],
  );
  return idx.length;
}

/** Writes the cursor of (channel, dataset); call it inside the transaction that staged what it covers. */
export async function saveCursor(tx: Queryable, channel: string, dataset: string, state: CursorState, pullId: number | null, updatedAt: string): Promise<void> {
  await tx.query(SAVE_CURSOR, [channel, dataset, JSON.stringify(state), pullId, updatedAt]);
}

// $1 channel, $2 dataset, $3 state (JSON text), $4 pull id, $5 updated at
const SAVE_CURSOR = `INSERT INTO cursors (channel, dataset, state, pull_id, updated_at) VALUES ($1, $2, $3::jsonb, $4::bigint, $5::timestamptz)
     ON CONFLICT (channel, dataset) DO UPDATE SET state = EXCLUDED.state, pull_id = EXCLUDED.pull_id, updated_at = EXCLUDED.updated_at`;

/** The last committed cursor of (channel, dataset), or null before the first pull. */
export async function loadCursor(db: Queryable, channel: string, dataset: string): Promise<CursorState | null> {
  const { rows } = await db.query<{ state: CursorState }>(`SELECT state FROM cursors WHERE channel = $1 AND dataset = $2`, [channel, dataset]);
  return rows.length === 0 ? null : rows[0].state;
}
