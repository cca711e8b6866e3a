// The cursor of the update-time sources (ministry, big-data, police, health): the newest
// update time already committed. The next pull starts one day before it, because any source
// may add records up to one day older than what it already served (sources.md).
import { hash } from 'node:crypto';
import type { PulledRecord } from './connector.ts';
import { rawHash } from '../../lib/canonical-json.ts';
import type { DigestSet } from '../../lib/digest-set.ts';
import { endOfChinaDay, parseUpdateTime, toChinaIso } from '../../lib/china-time.ts';
import { ConnectorError } from './errors/connector-error.ts';

export type HighWaterState = {
  /** newest committed update time, ISO 8601 +08:00; null: nothing committed yet */
  highWater: string | null;
};

export const DAY_MS = 86_400_000;
/** sources.md: late-arriving data is at most this much older than what was already served */
export const LATE_ARRIVAL_MS = DAY_MS;

/** Where a pull starts: the high-water mark minus one day, or the start of the initial China day. */
export function windowStartMs(state: HighWaterState | null | undefined, initialDate: string): number {
  const hw = state?.highWater ? parseUpdateTime(state.highWater) : Number.NaN;
  if (!Number.isNaN(hw)) return hw - LATE_ARRIVAL_MS;
  return parseUpdateTime(`${initialDate}T00:00:00+08:00`);
}

/** The last instant a run takes: the end of its as-of China day. */
export function asOfEndMs(asOf: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new ConnectorError('LIFECERT_CONNECTOR_INPUT_INVALID', `asOf must be YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  return endOfChinaDay(asOf);
}

/** The later of two high-water marks (null is before everything). */
export function laterHighWater(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return parseUpdateTime(b) > parseUpdateTime(a) ? b : a;
}

/** True when `next` is not behind `prev`: cursors only move forward. */
export function isForwardHighWater(prev: HighWaterState | null, next: HighWaterState): boolean {
  if (!prev || prev.highWater === null) return true;
  if (next.highWater === null) return false;
  return parseUpdateTime(next.highWater) >= parseUpdateTime(prev.highWater);
}

/** ms → ISO +08:00 high-water string. */
export function highWaterOf(ms: number): string {
  return toChinaIso(ms);
}

/**
 * Identity of one served version: sha-256 of its record id and its raw hash (lib/canonical-json.ts:
 * the content, key order ignored). A pull keeps the first 128 bits of it for every version it served
 * (to drop the overlap of offset paging) in a DigestSet (lib/digest-set.ts): a few dozen bytes a
 * version. The record id goes into the digest, not beside it: an id cut out of a page's text (the
 * SOAP reader's) is a slice that keeps the whole page alive, and keys holding ids kept every page
 * of a pull in memory — about 1 GB at 1,000,000 persons, where the hub ran out of a 1 GiB heap.
 * The raw hash is kept on the record: staging identifies the version by it without hashing again.
 */
function versionDigest(record: PulledRecord): Buffer {
  record.rawHash ??= rawHash(record.raw);
  return hash('sha256', `${record.recordId}\u0000${record.rawHash}`, 'buffer');
}

/**
 * One served record of a page: its version's key goes into `keys` (page-local text, what the
 * paging watch compares pages by) and its digest into `seen`; true the first time the pull serves
 * this version, false for the overlap of offset paging.
 */
export function firstServing(seen: DigestSet, keys: string[], record: PulledRecord): boolean {
  const digest = versionDigest(record);
  keys.push(digest.toString('base64url', 0, 16));
  return seen.add(digest);
}
