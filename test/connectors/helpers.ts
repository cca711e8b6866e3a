// Shared test helpers for the connector tests.
import nock from 'nock';
import type { CursorState, Page } from '../../connectors/kit/connector.ts';

/** A sleep that records the waits and returns at once. */
export function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number, signal?: AbortSignal) => {
      waits.push(ms);
      if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    },
  };
}

/** Every page of a pull; rethrows after keeping what was yielded before the failure. */
export async function collect<S extends CursorState>(pages: AsyncIterable<Page<S>>): Promise<Page<S>[]> {
  const out: Page<S>[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/** Pages up to a failure, plus the failure. */
export async function collectUntilError<S extends CursorState>(pages: AsyncIterable<Page<S>>): Promise<{ pages: Page<S>[]; error: unknown }> {
  const out: Page<S>[] = [];
  try {
    for await (const p of pages) out.push(p);
  } catch (error) {
    return { pages: out, error };
  }
  return { pages: out, error: undefined };
}

export function ids<S extends CursorState>(pages: Page<S>[]): string[] {
  return pages.flatMap((p) => p.records.filter((r) => !r.withdrawn).map((r) => r.recordId));
}

/** Fresh nock state per test: real sockets stay closed except 127.0.0.1 when a test allows them. */
export function useNock(): void {
  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    if (pending.length) throw new Error(`unused HTTP mocks: ${pending.join(', ')}`);
  });
}

export const fixedRandom = (): number => 0.5;

export interface SeenRequest {
  /** path with query as sent */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

type ReplyTuple = [number, unknown?, Record<string, string>?];

/**
 * nock 15 hands a full-reply function the fetch Request; this adapts it to a handler that sees
 * the path, headers and raw body.
 */
export function replyWith(handler: (req: SeenRequest) => ReplyTuple | Promise<ReplyTuple>): (req: Request) => Promise<ReplyTuple> {
  return async (req: Request) => {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
    return handler({ path: `${url.pathname}${url.search}`, method: req.method, headers, body });
  };
}
