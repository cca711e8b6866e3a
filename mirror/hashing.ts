// Identity of source records and their versions. The event id names a source record for
// ever (all its versions share it); the raw hash tells its versions apart and must not depend
// on the order in which a source happened to serialize keys.
import { sha256Hex } from '../lib/canonical-json.ts';

export { canonicalJson, rawHash, sha256Hex } from '../lib/canonical-json.ts';

/** Stable per source record: the first 32 hex digits of sha-256 of channel, dataset and record id. */
export function eventId(channel: string, dataset: string, recordId: string): string {
  return sha256Hex(`${channel}\u0000${dataset}\u0000${recordId}`).slice(0, 32);
}
