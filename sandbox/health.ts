// Simulator of the health commission API (卫生健康委, sources.md §5): API key, page/size paging
// over (updatedAt, record id), HTML 500s from the gateway in front, feedback answered 202.
import type { ServerResponse } from 'node:http';
import { parseUpdateTime } from '../lib/china-time.ts';
import { isNthCall, type FaultBoard } from './faults.ts';
import {
  codeError,
  formQuery,
  HttpError,
  intParam,
  isPlainObject,
  parseJsonBody,
  sendJson,
  sendJsonText,
  type SandboxRequest,
} from './http.ts';
import { IdempotentStore, type ReceivedLog } from './received-log.ts';
import type { RecordStore } from './record-store.ts';
import type { ServedWorld } from './served-world.ts';
import { HEALTH_DATASETS, SANDBOX_CREDENTIALS, type SourceRow } from './world.ts';

export const HEALTH_PREFIX = '/health';
export const HEALTH_ID_FIELDS: Record<(typeof HEALTH_DATASETS)[number], string> = {
  'death-certificates': 'certificateNo',
  vaccinations: 'vaccinationId',
  checkups: 'checkupId',
};
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const DEFAULT_SIZE = 20;

/** What the gateway in front of the service answers when the service behind it fails. */
export const GATEWAY_ERROR_HTML =
  '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export class HealthSimulator {
  readonly datasets = new Map<string, RecordStore>();
  private readonly faults: FaultBoard;
  private readonly log: ReceivedLog;
  private readonly feedback = new IdempotentStore<Record<string, unknown>>();

  constructor(world: ServedWorld, faults: FaultBoard, log: ReceivedLog) {
    this.faults = faults;
    this.log = log;
    for (const name of HEALTH_DATASETS) {
      this.datasets.set(name, world.records('health', name, HEALTH_ID_FIELDS[name], 'updatedAt'));
    }
  }

  handle(req: SandboxRequest, res: ServerResponse): void {
    const m = /^\/health\/v2\/([^/]+)$/.exec(req.path);
    const resource = m?.[1] ?? '';
    const isFeedback = resource === 'feedback';
    if (!isFeedback && !this.datasets.has(resource)) throw codeError(404, 'NOT_FOUND', `no such resource ${req.path}`);
    const wanted = isFeedback ? 'POST' : 'GET';
    if (req.method !== wanted) throw codeError(405, 'METHOD_NOT_ALLOWED', `${req.path} answers ${wanted} only`);

    const f = this.faults.health;
    if (f.down) throw codeError(503, 'SERVICE_UNAVAILABLE', 'the health commission service is unavailable');
    f.calls++;
    if (isNthCall(f.calls, f.htmlErrorEveryNthCall)) {
      throw new HttpError(500, GATEWAY_ERROR_HTML, { contentType: 'text/html', message: 'gateway HTML error' });
    }
    const key = req.headers['x-api-key'];
    if (key !== SANDBOX_CREDENTIALS.health.apiKey) {
      throw codeError(401, 'UNAUTHORIZED', key === undefined ? 'X-Api-Key is missing' : 'unknown API key');
    }
    if (isFeedback) this.acceptFeedback(req, res);
    else this.page(resource, req, res);
  }

  putRecord(dataset: string, row: SourceRow): 'replaced' | 'added' {
    const records = this.datasets.get(dataset);
    if (!records) throw codeError(404, 'NOT_FOUND', `health has no dataset '${dataset}' (${HEALTH_DATASETS.join(', ')})`);
    return records.upsert(row);
  }

  private page(dataset: string, req: SandboxRequest, res: ServerResponse): void {
    const records = this.datasets.get(dataset) as RecordStore;
    const q = formQuery(req.rawQuery);
    const page = intParam(q.get('page'), 'page', 1, Number.MAX_SAFE_INTEGER, 1, invalid);
    const size = intParam(q.get('size'), 'size', 1, 200, DEFAULT_SIZE, invalid);
    const from = q.get('updatedFrom');
    let first = 0;
    if (from !== null) {
      const ms = ISO_WITH_OFFSET.test(from) ? parseUpdateTime(from) : Number.NaN;
      if (Number.isNaN(ms)) {
        const hint = from.includes(' ') ? " (a '+' in a query must be sent as %2B, or it reads as a space)" : '';
        throw invalid(`updatedFrom must be ISO 8601 with an offset, got '${from}'${hint}`);
      }
      first = records.firstAtOrAfter(ms);
    }
    const total = records.length - first;
    const start = Math.min(first + (page - 1) * size, records.length);
    const data = records.jsonSlice(start, Math.min(start + size, records.length));
    // JSON.stringify({ page, size, total, data }), the records as the store renders them
    sendJsonText(res, 200, `{"page":${page},"size":${size},"total":${total},"data":${data}}`);
  }

  private acceptFeedback(req: SandboxRequest, res: ServerResponse): void {
    const body = parseJsonBody(req);
    if (!isPlainObject(body) || !Array.isArray(body.items) || body.items.length === 0) {
      throw invalid('the body must be {"items":[...]} with at least one item');
    }
    const accepted = body.items.map((item: unknown, i: number) => {
      const where = `items[${i}]`;
      if (!isPlainObject(item)) throw invalid(`${where} must be an object`);
      for (const f of ['feedbackId', 'recordType', 'recordId', 'field', 'reasonCode', 'verifiedDate']) {
        if (typeof item[f] !== 'string' || item[f] === '') throw invalid(`${where}.${f} is required`);
      }
      for (const f of ['idNumber', 'reportedValue', 'correctedValue']) {
        if (item[f] !== undefined && item[f] !== null && typeof item[f] !== 'string') throw invalid(`${where}.${f} must be a string`);
      }
      if (!this.datasets.has(item.recordType as string)) {
        throw invalid(`${where}.recordType '${String(item.recordType)}' is not one of ${HEALTH_DATASETS.join(', ')}`);
      }
      return { key: item.feedbackId as string, item };
    });
    const count = this.feedback.accept(accepted);
    this.log.record('health', 'feedback', body.items);
    sendJson(res, 202, { accepted: count });
  }
}

function invalid(message: string): HttpError {
  return codeError(400, 'INVALID_PARAM', message);
}
