// What every lifecert node shares: the period and as-of date a message asks for, short
// status texts, and an error that names the node's problem with a registry code.
import { chinaDate } from '../../lib/china-time.ts';
import { createError } from '../../lib/errors.ts';
import type { LifecertError } from '../../lib/errors.ts';
import type { NodeMessage } from './red.ts';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** `msg.asOf`, else today's China date. */
export function asOfOf(msg: NodeMessage, now = Date.now()): string {
  const v = msg.asOf;
  if (v === undefined || v === null || v === '') return chinaDate(now);
  if (typeof v !== 'string' || !DATE.test(v)) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', `msg.asOf must be YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
}

/** `msg.period` (or `msg.payload.period`): the month certified, YYYY-MM. */
export function periodOf(msg: NodeMessage): string {
  const fromPayload = msg.payload !== null && typeof msg.payload === 'object' ? (msg.payload as Record<string, unknown>).period : undefined;
  const v = msg.period ?? fromPayload;
  if (typeof v !== 'string' || !PERIOD.test(v)) throw flowsError('LIFECERT_FLOWS_MESSAGE_INVALID', `msg.period must be YYYY-MM, got ${JSON.stringify(v)}`);
  return v;
}

/** `msg.runId`, else one made from the message id (every pull and result row names its run). */
export function runIdOf(msg: NodeMessage): string {
  if (typeof msg.runId === 'string' && msg.runId !== '') return msg.runId;
  return `flow-${msg._msgid ?? Date.now().toString(36)}`;
}

export function flowsError(code: 'LIFECERT_FLOWS_MESSAGE_INVALID' | 'LIFECERT_FLOWS_CONFIG_INVALID' | 'LIFECERT_FLOWS_MIRROR_UNAVAILABLE', message: string): LifecertError {
  return createError(code, message);
}

/** A number for a status text: 12345 → `12.3k` (status texts stay under 20 characters). */
export function short(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : createError('LIFECERT_FLOWS_NODE_FAILED', String(err));
}

/**
 * The messages a node is still working on. `track` keeps one piece of work until it settles;
 * `settled` waits for all of them — a node's `close` lets a transaction under way finish.
 */
export class WorkInHand {
  private readonly pending = new Set<Promise<void>>();

  track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pending]);
  }
}
