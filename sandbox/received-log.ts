// What each feedback / import channel received, for tests and outside checks to read back
// (GET /_sandbox/received/<channel>). Every accepted request is kept, duplicates included.
import { toChinaIso } from '../lib/china-time.ts';

export interface ReceivedRequest {
  /** when the sandbox received it, ISO 8601 China time */
  at: string;
  /** the operation: `SubmitFeedback`, `SubmitCorrection`, `feedback`, `cert-import`, `feedback-file` */
  operation: string;
  /** the request's items with the channel's own field names */
  items: unknown[];
  /** request-level fields (batchId, areaCode, file name ...) beside the items */
  [field: string]: unknown;
}

export class ReceivedLog {
  private readonly byChannel = new Map<string, ReceivedRequest[]>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  record(channel: string, operation: string, items: unknown[], extra: Record<string, unknown> = {}): void {
    let list = this.byChannel.get(channel);
    if (!list) this.byChannel.set(channel, (list = []));
    list.push({ at: toChinaIso(this.now()), operation, ...extra, items });
  }

  list(channel: string): ReceivedRequest[] {
    return [...(this.byChannel.get(channel) ?? [])];
  }
}

/**
 * The items a channel holds, keyed by its idempotency key. `accept` answers the count the
 * sources answer with: every distinct item of the request the channel now holds, items it
 * had already received included (a replay answers the full count).
 */
export class IdempotentStore<T> {
  private readonly held = new Map<string, T>();

  accept(items: ReadonlyArray<{ key: string; item: T }>): number {
    const keys = new Set<string>();
    for (const { key, item } of items) {
      // the first delivery wins: a replay never overwrites what was received
      if (!this.held.has(key)) this.held.set(key, item);
      keys.add(key);
    }
    return keys.size;
  }

  get size(): number {
    return this.held.size;
  }
}
