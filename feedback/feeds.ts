// The department feeds (api.md /feeds/{channel}): each department pulls its own channel's
// feedback items in creation order and acknowledges what it has; channel `insurance` carries the
// certification results shared with the work-injury and unemployment insurance systems (article
// 15). A position is the seq of the last item served; acknowledging never changes delivery state.
import { ackFeed, feedAck, feedEnd, feedPage, insuranceFeedEnd, insuranceFeedPage } from '../mirror/index.ts';
import type { Db, FeedbackDelivery, SharedResult } from '../mirror/index.ts';

export const INSURANCE_CHANNEL = 'insurance';

export type FeedItem = FeedbackDelivery | SharedResult;

export interface FeedPage {
  items: FeedItem[];
  /** the position after the last item served; the given position when none was */
  position: number;
}

/** Up to `limit` items of a channel's feed after `position`. */
export async function readFeed(db: Db, channel: string, position: number, limit: number): Promise<FeedPage> {
  const items: FeedItem[] = channel === INSURANCE_CHANNEL ? await insuranceFeedPage(db, position, limit) : await feedPage(db, channel, position, limit);
  return { items, position: items.length === 0 ? position : items[items.length - 1].seq };
}

/** The position after the channel's last item: a cursor beyond it was never issued. */
export function feedEndOf(db: Db, channel: string): Promise<number> {
  return channel === INSURANCE_CHANNEL ? insuranceFeedEnd(db) : feedEnd(db, channel);
}

/** Records the department's acknowledgement of every item before `position`; returns the acknowledged position (never moves back). */
export function acknowledgeFeed(db: Db, channel: string, position: number, at: string, by: string): Promise<number> {
  return ackFeed(db, channel, position, at, by);
}

export { feedAck };
