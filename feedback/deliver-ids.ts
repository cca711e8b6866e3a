// The feedback item's id (workflow.md): a hash of kind, channel, dataset, record id, raw-record
// hash and field — one item per record version and field, so an identical re-delivered record is
// the same item and a new version refused again is a new one. The idempotency key of delivery.
import { createHash } from 'node:crypto';

export function feedbackIdOf(kind: string, channel: string, dataset: string, recordId: string, rawHash: string, field: string): string {
  return createHash('sha256').update([kind, channel, dataset, recordId, rawHash, field].join('\u0000')).digest('hex').slice(0, 32);
}
