// REJECTED feedback items (workflow.md): every quarantined record version becomes one item for
// its field at fault, for the channel it came through, stored PENDING in the mirror. Stored again
// it is the same item (its feedbackId), so nothing is stored twice.
import { rawFieldOf, reportedPersonIdOf } from '../connectors/normalize.ts';
import { markRejectionsFedBack, rejectionsWithoutFeedback, saveFeedbackItems } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { FeedbackItem, Rejection } from '../schemas/types.ts';
import { feedbackIdOf } from './deliver-ids.ts';

const BATCH = 2000;

/** The REJECTED item of one rejection, verified on `verifiedDate` (YYYY-MM-DD, China). */
export function rejectedItem(r: Rejection, verifiedDate: string): FeedbackItem {
  return {
    feedbackId: feedbackIdOf('REJECTED', r.source, r.dataset, r.recordId, r.rawHash, r.field),
    kind: 'REJECTED',
    channel: r.source,
    dataset: r.dataset,
    recordId: r.recordId,
    personId: reportedPersonIdOf(r.source, r.dataset, r.raw),
    field: r.field,
    reportedValue: rawFieldOf(r.source, r.dataset, r.raw, r.field),
    correctedValue: null,
    reasonCode: r.reasonCode,
    verifiedDate,
    createdAt: r.createdAt,
    state: 'PENDING',
  };
}

/**
 * Makes the REJECTED item of every rejection that has none yet, storing the items and marking
 * their rejections in one transaction per batch (so the workers' sweep and the demo never make
 * one twice, and a crash leaves nothing half done); `onRejection` sees each rejection (the demo's
 * report lists them). Returns how many items were new.
 */
export async function storeRejectedFeedback(db: Db, verifiedDateOf: (r: Rejection) => string, onRejection?: (r: Rejection) => void): Promise<number> {
  let added = 0;
  for (;;) {
    const batch = await rejectionsWithoutFeedback(db, BATCH);
    if (batch.length === 0) return added;
    added += await db.transaction(async (tx) => {
      const n = await saveFeedbackItems(tx, batch.map((r) => rejectedItem(r, verifiedDateOf(r))));
      await markRejectionsFedBack(tx, batch.map((r) => r.rejectionId));
      return n;
    });
    for (const r of batch) onRejection?.(r);
  }
}
