// Simulator of the provincial government big-data center (省政务大数据中心, sources.md §2):
// HMAC-signed REST, cursor paging over (GXSJ, JLID), feedback idempotent on feedbackId.
import type { ServerResponse } from 'node:http';
import { parseUpdateTime } from '../lib/china-time.ts';
import { isNthCall, type FaultBoard } from './faults.ts';
import {
  codeError,
  HttpError,
  intParam,
  isPlainObject,
  parseJsonBody,
  sendJson,
  sendJsonText,
  type SandboxRequest,
} from './http.ts';
import { IdempotentStore, type ReceivedLog } from './received-log.ts';
import { SignatureGuard, singleValuedQuery } from './signed-request.ts';
import type { RecordStore } from './record-store.ts';
import type { ServedWorld } from './served-world.ts';
import { BIGDATA_DATASETS, SANDBOX_CREDENTIALS, type SourceRow } from './world.ts';

export const BIGDATA_PREFIX = '/bigdata';
const RECORDS_PATH = /^\/api\/v1\/datasets\/([^/]+)\/records$/;
const FEEDBACK_PATH = '/api/v1/feedback';
/** `YYYY-MM-DDTHH:mm:ss` with an explicit offset, e.g. `2026-11-01T00:00:00+08:00` */
const UPDATED_SINCE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
const DEFAULT_LIMIT = 100;

interface CursorState {
  /** dataset */
  d: string;
  /** updatedSince the sequence was started with ('' when none) */
  s: string;
  /** update time (epoch ms) and id of the last record served */
  t: number;
  i: string;
}

export class BigdataSimulator {
  readonly datasets = new Map<string, RecordStore>();
  private readonly faults: FaultBoard;
  private readonly log: ReceivedLog;
  private readonly guard: SignatureGuard;
  private readonly feedback = new IdempotentStore<Record<string, unknown>>();

  constructor(world: ServedWorld, faults: FaultBoard, log: ReceivedLog, now: () => number) {
    this.faults = faults;
    this.log = log;
    this.guard = new SignatureGuard(SANDBOX_CREDENTIALS.bigdata, now);
    for (const name of BIGDATA_DATASETS) {
      this.datasets.set(name, world.records('bigdata', name, 'JLID', 'GXSJ'));
    }
  }

  handle(req: SandboxRequest, res: ServerResponse): void {
    const local = req.path.slice(BIGDATA_PREFIX.length);
    const recordsMatch = RECORDS_PATH.exec(local);
    if (!recordsMatch && local !== FEEDBACK_PATH) throw codeError(404, 'NOT_FOUND', `no such resource ${req.path}`);
    const wanted = recordsMatch ? 'GET' : 'POST';
    if (req.method !== wanted) throw codeError(405, 'METHOD_NOT_ALLOWED', `${req.path} answers ${wanted} only`);

    this.gateway();
    const pairs = this.guard.verify(req);
    if (recordsMatch) this.records(decodeSegment(recordsMatch[1]), pairs, res);
    else this.acceptFeedback(req, res);
  }

  /** Replace or add a record as the center would (PUT /_sandbox/records/bigdata/...). */
  putRecord(dataset: string, row: SourceRow): 'replaced' | 'added' {
    const records = this.datasets.get(dataset);
    if (!records) throw codeError(404, 'NOT_FOUND', `big-data has no dataset '${dataset}' (${BIGDATA_DATASETS.join(', ')})`);
    return records.upsert(row);
  }

  /** The gateway in front of the center: down, rate limiting and outages come before auth. */
  private gateway(): void {
    const f = this.faults.bigdata;
    if (f.down) throw codeError(503, 'SERVICE_UNAVAILABLE', 'the big-data center is unavailable');
    f.calls++;
    if (isNthCall(f.calls, f.rateLimitEveryNthCall)) {
      throw codeError(429, 'RATE_LIMITED', 'too many requests; retry after 1 s', { 'Retry-After': '1' });
    }
    if (isNthCall(f.calls, f.unavailableEveryNthCall)) {
      throw codeError(503, 'SERVICE_UNAVAILABLE', 'the big-data center is temporarily unavailable');
    }
  }

  private records(dataset: string, pairs: Array<[string, string]>, res: ServerResponse): void {
    const records = this.datasets.get(dataset);
    if (!records) throw codeError(404, 'DATASET_NOT_FOUND', `no dataset '${dataset}' (${BIGDATA_DATASETS.join(', ')})`);
    const q = singleValuedQuery(pairs);
    for (const name of q.keys()) {
      if (name !== 'updatedSince' && name !== 'cursor' && name !== 'limit') {
        throw invalid(`unknown query parameter '${name}' (updatedSince, cursor, limit)`);
      }
    }
    const limit = intParam(q.get('limit') ?? null, 'limit', 1, 1000, DEFAULT_LIMIT, invalid);
    const since = q.get('updatedSince');
    let start = 0;
    if (since !== undefined) {
      const ms = UPDATED_SINCE.test(since) ? parseUpdateTime(since) : Number.NaN;
      if (Number.isNaN(ms)) throw invalid(`updatedSince must be YYYY-MM-DDTHH:mm:ss+08:00, got '${since}'`);
      start = records.firstAtOrAfter(ms);
    }
    const cursorText = q.get('cursor');
    if (cursorText !== undefined) {
      const cursor = decodeCursor(cursorText);
      if (!cursor || cursor.d !== dataset) throw codeError(400, 'CURSOR_INVALID', 'the cursor is not one this center issued for this dataset');
      if (cursor.s !== (since ?? '')) {
        throw codeError(400, 'CURSOR_INVALID', 'the cursor belongs to a paging sequence with another updatedSince');
      }
      start = Math.max(start, records.firstAfterKey(cursor.t, cursor.i));
    }
    const end = Math.min(start + limit, records.length);
    const page = records.jsonSlice(start, end);
    const nextCursor =
      end < records.length
        ? encodeCursor({ d: dataset, s: since ?? '', t: records.timeAt(end - 1), i: records.idAt(end - 1) })
        : null;
    // JSON.stringify({ code: '0', data: { records, nextCursor } }), the records as the store renders them
    sendJsonText(res, 200, `{"code":"0","data":{"records":${page},"nextCursor":${JSON.stringify(nextCursor)}}}`);
  }

  private acceptFeedback(req: SandboxRequest, res: ServerResponse): void {
    const body = parseJsonBody(req);
    if (!isPlainObject(body) || !Array.isArray(body.items) || body.items.length === 0) {
      throw invalid('the body must be {"items":[...]} with at least one item');
    }
    const accepted: Array<{ key: string; item: Record<string, unknown> }> = [];
    body.items.forEach((item: unknown, i: number) => {
      const where = `items[${i}]`;
      if (!isPlainObject(item)) throw invalid(`${where} must be an object`);
      for (const f of ['feedbackId', 'dataset', 'JLID', 'field', 'reasonCode', 'verifiedDate']) {
        if (typeof item[f] !== 'string' || item[f] === '') throw invalid(`${where}.${f} is required`);
      }
      for (const f of ['GMSFHM', 'reportedValue', 'correctedValue']) {
        if (item[f] !== undefined && item[f] !== null && typeof item[f] !== 'string') throw invalid(`${where}.${f} must be a string`);
      }
      if (!(BIGDATA_DATASETS as readonly string[]).includes(item.dataset as string)) {
        throw invalid(`${where}.dataset '${String(item.dataset)}' is not one of ${BIGDATA_DATASETS.join(', ')}`);
      }
      accepted.push({ key: item.feedbackId as string, item });
    });
    const count = this.feedback.accept(accepted);
    this.log.record('bigdata', 'feedback', body.items);
    sendJson(res, 200, { code: '0', data: { accepted: count } });
  }
}

function invalid(message: string): HttpError {
  return codeError(400, 'INVALID_PARAM', message);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function decodeCursor(text: string): CursorState | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (isPlainObject(v) && typeof v.d === 'string' && typeof v.s === 'string' && typeof v.t === 'number' && typeof v.i === 'string') {
      return { d: v.d, s: v.s, t: v.t, i: v.i };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return undefined;
}
