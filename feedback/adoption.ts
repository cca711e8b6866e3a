// Adoption feedback to the ministry (采纳情况反馈, workflow.md article 14): the items ingest
// derived are cut into SubmitFeedback batches and sent, each batch once — a retry sends the
// same batch id with the same items and feedback date, on which the ministry is idempotent.
// "Potential duplication over potential loss": a batch stays SENDING until the ministry
// answers that it holds every item of it; a partial answer sends the batch again whole.
import { randomBytes } from 'node:crypto';
import { chinaDate } from '../lib/china-time.ts';
import { createError } from '../lib/errors.ts';
import { silentLogger } from '../lib/log.ts';
import { maskIdentityNumbersIn, maskPersonId } from '../lib/mask.ts';
import type { Logger } from '../lib/log.ts';
import {
  adoptionBatchItems, adoptionCounts, cutAdoptionBatches, deriveAdoptionItems, listAdoptionPage, markAdoptionBatchSent,
  recordAdoptionAttemptFailed, unsentAdoptionBatches,
} from '../mirror/index.ts';
import type { AdoptionCounts, AdoptionItem, AdoptionStatus, AdoptionWireItem, Db } from '../mirror/index.ts';

/** The ministry's SubmitFeedback as adoption needs it (connectors/ministry's connector has it). */
export interface AdoptionChannel {
  submitFeedback(batchId: string, items: readonly AdoptionWireItem[]): Promise<{ acceptedCount: number }>;
}

/** Items per SubmitFeedback request. */
export const ADOPTION_BATCH_SIZE = 500;

export interface SendAdoptionOptions {
  db: Db;
  channel: AdoptionChannel;
  /** the wall clock (ms); its China date is a new batch's feedbackDate */
  now?: () => number;
  /** items per request (default 500) */
  maxItems?: number;
  /** the roster table or view the decisions read (default t1_recipients) */
  rosterTable?: string;
  log?: Logger;
}

export interface SentBatch {
  batchId: string;
  items: number;
  /** an earlier attempt had cut it (this is a retry with the same id) */
  retried: boolean;
}

export interface SendAdoptionReport {
  /** items decided again against the current roster and versions before cutting */
  redecided: number;
  /** batches cut by this call */
  cut: number;
  /** batches the ministry accepted whole during this call */
  sent: SentBatch[];
}

/** `ADP-20261120-<12 hex>`: unique, and the date says when it was cut. */
export function newAdoptionBatchId(now: number): string {
  return `ADP-${chinaDate(now).replaceAll('-', '')}-${randomBytes(6).toString('hex')}`;
}

/**
 * One send: decide again the items not yet in a batch (the roster may have been loaded or
 * changed since the pull), cut them into batches, then send every batch not yet accepted —
 * oldest first, so a retry sends the batches an earlier attempt cut, with their ids. Throws the
 * first failure (the batch keeps SENDING and its id; later batches wait): the job retries.
 */
export async function sendAdoptionFeedback(options: SendAdoptionOptions): Promise<SendAdoptionReport> {
  const { db, channel } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const maxItems = options.maxItems ?? ADOPTION_BATCH_SIZE;
  const redecided = await deriveAdoptionItems(db, { pending: true }, { now: now(), ...(options.rosterTable ? { rosterTable: options.rosterTable } : {}) });
  const cut = await cutAdoptionBatches(db, { now: now(), maxItems, newBatchId: () => newAdoptionBatchId(now()) });
  const fresh = new Set(cut.map((b) => b.batchId));
  const sent: SentBatch[] = [];
  for (const batch of await unsentAdoptionBatches(db)) {
    const items = await adoptionBatchItems(db, batch);
    try {
      const { acceptedCount } = await channel.submitFeedback(batch.batchId, items);
      if (!(acceptedCount >= items.length)) {
        throw createError('LIFECERT_ADOPTION_PARTIAL', `the ministry holds ${acceptedCount} of the ${items.length} items of ${batch.batchId}: sent again whole`);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await recordAdoptionAttemptFailed(db, batch.batchId, message);
      log.warn({ event: 'adoption.send.failed', batchId: batch.batchId, items: items.length, err }, `SubmitFeedback ${batch.batchId} failed: ${message}`);
      throw err;
    }
    await markAdoptionBatchSent(db, batch.batchId, now());
    log.info({ event: 'adoption.sent', batchId: batch.batchId, items: items.length }, `SubmitFeedback ${batch.batchId}: ${items.length} items accepted`);
    sent.push({ batchId: batch.batchId, items: items.length, retried: !fresh.has(batch.batchId) });
  }
  return { redecided, cut: cut.length, sent };
}

/** The China date of an instant, for the due / overdue lists. */
export function chinaToday(now: number): string {
  return chinaDate(now);
}

export interface AdoptionListQuery {
  status: AdoptionStatus;
  /** the caller's region (an area-code prefix) */
  region: string;
  /** ms: "today" is its China date */
  now: number;
  after?: readonly [string, string, string];
  limit: number;
}

/** Items due within 2 days or overdue on the China date of `now`, inside the region. */
export function listAdoption(db: Db, q: AdoptionListQuery): Promise<AdoptionItem[]> {
  return listAdoptionPage(db, { status: q.status, today: chinaDate(q.now), region: q.region, ...(q.after ? { after: q.after } : {}), limit: q.limit });
}

/** An item as the API and `lifecert adoption list` show it: identity numbers masked, days left to its deadline. */
export interface AdoptionItemView {
  dataType: AdoptionItem['dataType'];
  recordId: string;
  personId: string | null;
  areaCode: string;
  adopted: 0 | 1;
  reasonCode: AdoptionItem['reasonCode'];
  reasonMsg: string | null;
  receivedOn: string;
  dueOn: string;
  /** days from today (the China date of `now`) to dueOn; negative: overdue */
  daysLeft: number;
  state: AdoptionItem['state'];
  batchId: string | null;
}

const DAY_MS = 86_400_000;

export function adoptionItemView(i: AdoptionItem, now: number): AdoptionItemView {
  const today = Date.parse(`${chinaDate(now)}T00:00:00Z`);
  return {
    dataType: i.dataType,
    recordId: maskIdentityNumbersIn(i.recordId),
    personId: i.personId === null ? null : maskPersonId(i.personId),
    areaCode: i.areaCode,
    adopted: i.adopted ? 1 : 0,
    reasonCode: i.reasonCode,
    reasonMsg: i.reasonMsg,
    receivedOn: i.receivedOn,
    dueOn: i.dueOn,
    daysLeft: Math.round((Date.parse(`${i.dueOn}T00:00:00Z`) - today) / DAY_MS),
    state: i.state,
    batchId: i.batchId,
  };
}

/** The dashboard's numbers (issue 10 item 7): adoption items due within 2 days and overdue, per region. */
export function adoptionBacklog(db: Db, now: number, region = '44'): Promise<AdoptionCounts> {
  return adoptionCounts(db, chinaDate(now), region);
}
