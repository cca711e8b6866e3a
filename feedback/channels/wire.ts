// What delivery hands a channel: the item and the raw version it was made from (civil's outbox
// row names the deceased; the others need only the item).
import type { FeedbackItem } from '../../schemas/types.ts';

export interface ItemToSend extends FeedbackItem {
  /** the raw source version the item was made from; undefined when the mirror no longer holds it */
  raw?: unknown;
}

/** One department's feedback interface (sources.md): one request per call. */
export interface FeedbackChannel {
  readonly channel: string;
  /**
   * Sends the items as one request. Resolves with the number of them the channel now holds (its
   * `acceptedCount` / `accepted`, a replay included); throws the connector's error otherwise.
   */
  send(items: readonly ItemToSend[], options?: { signal?: AbortSignal }): Promise<number>;
}

/** `2026-11-28` → `20261128` (the ministry and civil affairs write dates so). */
export const compactDate = (date: string): string => date.replaceAll('-', '');
