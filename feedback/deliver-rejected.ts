// REJECTED feedback items (workflow.md): every quarantined record version becomes one item per
// its field at fault, for the channel it came through, stored PENDING in the mirror. Stored again
// it is the same item (its feedbackId), so a run repeated stores nothing twice.
import { rawFieldOf, reportedPersonIdOf } from '../connectors/normalize.ts';
import { readRejections, saveFeedbackItems } from '../mirror/index.ts';
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
 * Stores a REJECTED item for every rejection in the mirror (those already stored are kept as
 * they are); `onRejection` sees each rejection (the demo's report lists them). Returns how many
 * items were new.
 */
export async function storeRejectedFeedback(db: Db, verifiedDateOf: (r: Rejection) => string, onRejection?: (r: Rejection) => void): Promise<number> {
  let added = 0;
  let batch: FeedbackItem[] = [];
  for await (const r of readRejections(db)) {
    batch.push(rejectedItem(r, verifiedDateOf(r)));
    onRejection?.(r);
    if (batch.length >= BATCH) {
      added += await saveFeedbackItems(db, batch);
      batch = [];
    }
  }
  added += await saveFeedbackItems(db, batch);
  return added;
}
