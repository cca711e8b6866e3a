// Delivery of feedback items to the departments (workflow.md 不属实数据反馈): the ONE function
// the queue job (jobs/), the demo, `lifecert run --steps …,feedback` and the Node-RED node call. At least once, feedbackId the idempotency key:
// an item becomes SENT only after its channel accepted the whole request, so a crash before that
// sends it again, and the channel keeps it once. Transient failures (network, 5xx, 429,
// SYSTEM_BUSY, a request accepted only in part) leave the items PENDING for the caller to try
// again later — the channel is down, nothing is lost — until 72 hours after their first try,
// then FAILED; a refusal (4xx, AUTH_FAILED, INVALID_PARAM, a result code other than success)
// makes them FAILED at once.
import { createError, describeError } from '../lib/errors.ts';
import type { DescribedError } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import type { Logger } from '../lib/log.ts';
import {
  channelsWithPending, feedbackItemsById, feedbackSourceRecords, formatChinaIso, markFeedbackFailed, markFeedbackSent, pendingFeedback, recordFeedbackAttempt,
} from '../mirror/index.ts';
import type { Db, FeedbackDelivery } from '../mirror/index.ts';
import type { FeedbackChannel, ItemToSend } from './channels/index.ts';

/** How long transient failures are retried before the items are FAILED (workflow.md: 72 hours). */
export const DELIVERY_WINDOW_MS = 72 * 3600 * 1000;
/** Items per request. */
export const DELIVERY_BATCH = 200;

export interface DeliverOptions {
  /** epoch ms (default Date.now) */
  now?: () => number;
  windowMs?: number;
  batchSize?: number;
  signal?: AbortSignal;
  log?: Logger;
}

export interface DeliveryResult {
  channel: string;
  /** items the channel accepted in this pass (now SENT) */
  sent: number;
  /** items FAILED in this pass (refused, or out of time) */
  failed: number;
  /** the channel could not take them now (down, busy, partly accepted, not configured): items wait, PENDING */
  waiting: boolean;
  /** the last transient or refusal error of the pass */
  error: Pick<DescribedError, 'code' | 'message'> | null;
}

/** A transient failure (wait and try again) rather than a refusal (fail at once). */
function isTransient(e: DescribedError): boolean {
  return e.retryable || e.kind === 'transient' || e.kind === 'rate-limited';
}

/**
 * Delivers every PENDING item of one channel, in creation order, a batch per request, and
 * records what became of each. Stops at the first transient failure (the channel is down: later
 * batches would fare no better). Throws only when aborted or when the mirror fails.
 */
export async function deliverChannel(db: Db, channel: string, channels: ReadonlyMap<string, FeedbackChannel>, options: DeliverOptions = {}): Promise<DeliveryResult> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? DELIVERY_WINDOW_MS;
  const log = options.log ?? silentLogger;
  const result: DeliveryResult = { channel, sent: 0, failed: 0, waiting: false, error: null };
  let afterSeq = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = await pendingFeedback(db, channel, options.batchSize ?? DELIVERY_BATCH, afterSeq);
    if (batch.length === 0) return result;
    afterSeq = batch[batch.length - 1].seq;
    const ids = batch.map((i) => i.feedbackId);
    const target = channels.get(channel);
    if (target === undefined) {
      // nothing to send with: the items wait for the channel to be configured (never lost, never failed for it)
      const error = describeError(createError('LIFECERT_FEEDBACK_CHANNEL_UNCONFIGURED', `no connector is configured for channel ${channel}`), 'LIFECERT_FEEDBACK_CHANNEL_UNCONFIGURED');
      await recordFeedbackAttempt(db, ids, formatChinaIso(now()), `${error.code}: ${error.message}`);
      return { ...result, waiting: true, error };
    }
    // an item without a record id cannot be named to its department (every interface requires one): it fails at once, alone
    const anonymous = batch.filter((i) => i.recordId === '').map((i) => i.feedbackId);
    if (anonymous.length > 0) {
      const e = describeError(createError('LIFECERT_FEEDBACK_RECORD_ID_MISSING', 'the record carried no record id: the department cannot identify it (the item stays in its feed)'), 'LIFECERT_FEEDBACK_RECORD_ID_MISSING');
      result.failed += await markFeedbackFailed(db, anonymous, formatChinaIso(now()), `${e.code}: ${e.message}`);
      result.error = { code: e.code, message: e.message };
    }
    const named = batch.filter((i) => i.recordId !== '');
    if (named.length === 0) continue;
    const raws = await feedbackSourceRecords(db, named.map((i) => i.feedbackId));
    const items: ItemToSend[] = named.map((i) => ({ ...plain(i), raw: raws.get(i.feedbackId) }));
    const transient = await sendOrSplit(db, target, items, result, { ...options, now, log });
    if (transient === null) continue;
    // transient: items past their 72 hours fail, the others wait for the next try
    result.error = { code: transient.code, message: transient.message };
    const at = now();
    const text = `${transient.code}: ${transient.message}`;
    const still = await feedbackItemsById(db, named.map((i) => i.feedbackId));
    const pending = still.filter((i) => i.state === 'PENDING');
    const expired = pending.filter((i) => i.firstAttemptAt !== null && Date.parse(i.firstAttemptAt) + windowMs <= at).map((i) => i.feedbackId);
    if (expired.length > 0) result.failed += await markFeedbackFailed(db, expired, formatChinaIso(at), `${text} (retried for ${Math.round(windowMs / 3600_000)} hours)`);
    const waiting = pending.map((i) => i.feedbackId).filter((id) => !expired.includes(id));
    if (waiting.length > 0) await recordFeedbackAttempt(db, waiting, formatChinaIso(at), text);
    log.warn({ channel, items: waiting.length, failed: expired.length, code: transient.code }, 'feedback delivery failed for now: items wait');
    if (waiting.length > 0) return { ...result, waiting: true };
  }
}

/**
 * One request for `items`. Accepted whole: SENT. Refused: a single item FAILED; a larger request
 * is split in halves and each sent on its own, so one bad item never fails the others. Returns
 * the transient failure that stopped it (the items not yet SENT stay PENDING), or null.
 */
async function sendOrSplit(
  db: Db, target: FeedbackChannel, items: readonly ItemToSend[], result: DeliveryResult,
  options: DeliverOptions & { now: () => number; log: Logger },
): Promise<DescribedError | null> {
  let failure: DescribedError;
  try {
    const accepted = await target.send(items, { signal: options.signal });
    if (accepted >= items.length) {
      result.sent += await markFeedbackSent(db, items.map((i) => i.feedbackId), formatChinaIso(options.now()));
      options.log.info({ channel: target.channel, items: items.length }, 'feedback delivered');
      return null;
    }
    failure = describeError(createError('LIFECERT_FEEDBACK_PARTLY_ACCEPTED', `${target.channel} accepted ${accepted} of ${items.length} items; the whole request is sent again`), 'LIFECERT_FEEDBACK_PARTLY_ACCEPTED');
  } catch (err) {
    if (options.signal?.aborted) throw err;
    failure = describeError(err, 'LIFECERT_CONNECTOR_UNEXPECTED');
  }
  if (isTransient(failure)) return failure;
  if (items.length > 1) {
    const half = Math.ceil(items.length / 2);
    return (await sendOrSplit(db, target, items.slice(0, half), result, options)) ?? (await sendOrSplit(db, target, items.slice(half), result, options));
  }
  result.failed += await markFeedbackFailed(db, [items[0].feedbackId], formatChinaIso(options.now()), `${failure.code}: ${failure.message}`);
  result.error = { code: failure.code, message: failure.message };
  options.log.warn({ channel: target.channel, feedbackId: items[0].feedbackId, code: failure.code }, 'feedback refused: item FAILED');
  return null;
}

function plain(i: FeedbackDelivery): ItemToSend {
  return {
    feedbackId: i.feedbackId, kind: i.kind, channel: i.channel, dataset: i.dataset, recordId: i.recordId, personId: i.personId, field: i.field,
    reportedValue: i.reportedValue, correctedValue: i.correctedValue, reasonCode: i.reasonCode, verifiedDate: i.verifiedDate, createdAt: i.createdAt,
    state: i.state,
  };
}

/**
 * One pass over every channel with PENDING items, one after the other — the `feedback` step of
 * `lifecert run` and of the Node-RED node, where no queue waits out a channel that is down: its
 * items stay PENDING for the next pass (or a worker's sweep) until their 72 hours are spent.
 * `only` limits the pass to these channels.
 */
export async function deliverPending(db: Db, channels: ReadonlyMap<string, FeedbackChannel>, options: DeliverOptions & { only?: readonly string[] } = {}): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  for (const channel of await channelsWithPending(db)) {
    if (options.only && !options.only.includes(channel)) continue;
    results.push(await deliverChannel(db, channel, channels, options));
  }
  return results;
}

/** Capped exponential backoff between passes of a waiting channel: 30 s, 1 min, 2 min … at most 1 hour. */
export function deliveryBackoffMs(attempt: number, baseMs = 30_000, capMs = 3600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
