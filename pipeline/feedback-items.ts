// The feedback items still waiting for delivery (workflow.md 不属实数据反馈): what the
// Node-RED `lifecert feedback` node hands on until feedback/ (issue 10) delivers them itself.
import { readFeedbackItems } from '../mirror/index.ts';
import type { Db } from '../mirror/index.ts';
import type { FeedbackItem } from '../schemas/types.ts';

/** The PENDING items of `channel` (default every channel) in creation order, at most `limit`. */
export async function pendingFeedbackItems(db: Db, options: { channel?: string; limit?: number } = {}): Promise<FeedbackItem[]> {
  const out: FeedbackItem[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for await (const item of readFeedbackItems(db, options.channel === undefined ? {} : { channel: options.channel })) {
    if (item.state !== 'PENDING') continue;
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
