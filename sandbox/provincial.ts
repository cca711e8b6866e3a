// Simulator of the provincial system's certification import endpoint (省集中式城乡居保信息系统,
// sources.md §6): signed like the big-data center, at most 2,000 items, idempotent on batchId.
import type { ServerResponse } from 'node:http';
import type { FaultBoard } from './faults.ts';
import { codeError, type HttpError, isPlainObject, parseJsonBody, sendJson, type SandboxRequest } from './http.ts';
import type { ReceivedLog } from './received-log.ts';
import { SignatureGuard } from './signed-request.ts';
import { SANDBOX_CREDENTIALS } from './world.ts';

export const PROVINCIAL_PATH = '/provincial/v1/cert-imports';
export const MAX_IMPORT_ITEMS = 2000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const ACTIONS = ['RECORD', 'RESTORE'];
const BASES = ['DEFERRED', 'RELEASED', 'RECERTIFIED'];

export class ProvincialSimulator {
  private readonly faults: FaultBoard;
  private readonly log: ReceivedLog;
  private readonly guard: SignatureGuard;
  /** batchId → the count answered when it was first imported */
  private readonly imported = new Map<string, number>();

  constructor(faults: FaultBoard, log: ReceivedLog, now: () => number) {
    this.faults = faults;
    this.log = log;
    this.guard = new SignatureGuard(SANDBOX_CREDENTIALS.provincial, now);
  }

  handle(req: SandboxRequest, res: ServerResponse): void {
    if (req.path !== PROVINCIAL_PATH) throw codeError(404, 'NOT_FOUND', `no such resource ${req.path}`);
    if (req.method !== 'POST') throw codeError(405, 'METHOD_NOT_ALLOWED', `${req.path} answers POST only`);
    if (this.faults.provincial.down) throw codeError(503, 'SERVICE_UNAVAILABLE', 'the provincial system is unavailable');
    this.guard.verify(req);

    const body = parseJsonBody(req);
    if (!isPlainObject(body)) throw invalid('the body must be a JSON object');
    if (Array.isArray(body.items) && body.items.length > MAX_IMPORT_ITEMS) {
      throw codeError(422, 'BATCH_TOO_LARGE', `a batch holds at most ${MAX_IMPORT_ITEMS} items, this one ${body.items.length}`);
    }
    const batch = validateBatch(body);
    let count = this.imported.get(batch.batchId);
    if (count === undefined) {
      count = batch.items.length;
      this.imported.set(batch.batchId, count);
    }
    const { items, ...header } = body;
    this.log.record('provincial', 'cert-import', items as unknown[], header);
    sendJson(res, 200, { code: '0', data: { imported: count } });
  }
}

function validateBatch(body: Record<string, unknown>): { batchId: string; items: unknown[] } {
  if (typeof body.batchId !== 'string' || body.batchId === '') throw invalid('batchId is required');
  if (typeof body.areaCode !== 'string' || !/^\d{6}$/.test(body.areaCode)) throw invalid('areaCode must be 6 digits');
  if (typeof body.period !== 'string' || !MONTH.test(body.period)) throw invalid('period must be YYYY-MM');
  if (!Array.isArray(body.approvals) || body.approvals.length !== 2) throw invalid('approvals must hold the level 1 and level 2 approval');
  body.approvals.forEach((a: unknown, i: number) => {
    if (!isPlainObject(a)) throw invalid(`approvals[${i}] must be an object`);
    if (a.level !== i + 1) throw invalid(`approvals[${i}].level must be ${i + 1}`);
    if (typeof a.user !== 'string' || a.user === '') throw invalid(`approvals[${i}].user is required`);
    if (typeof a.at !== 'string' || !ISO_WITH_OFFSET.test(a.at)) throw invalid(`approvals[${i}].at must be ISO 8601 with an offset`);
  });
  if (!Array.isArray(body.items) || body.items.length === 0) throw invalid('items must hold at least one item');
  body.items.forEach((item: unknown, i: number) => {
    const where = `items[${i}]`;
    if (!isPlainObject(item)) throw invalid(`${where} must be an object`);
    if (typeof item.personId !== 'string' || !/^\d{17}[\dX]$/.test(item.personId)) throw invalid(`${where}.personId must be an 18-character identity number`);
    if (typeof item.action !== 'string' || !ACTIONS.includes(item.action)) throw invalid(`${where}.action must be RECORD or RESTORE`);
    if (typeof item.certifiedMonth !== 'string' || !MONTH.test(item.certifiedMonth)) throw invalid(`${where}.certifiedMonth must be YYYY-MM`);
    if (typeof item.certifiedUntil !== 'string' || !MONTH.test(item.certifiedUntil)) throw invalid(`${where}.certifiedUntil must be YYYY-MM`);
    if (typeof item.basis !== 'string' || !BASES.includes(item.basis)) throw invalid(`${where}.basis must be one of ${BASES.join(', ')}`);
  });
  return { batchId: body.batchId, items: body.items };
}

function invalid(message: string): HttpError {
  return codeError(400, 'INVALID_PARAM', message);
}
