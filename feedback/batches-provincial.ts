// The provincial system's certification import (省集中式城乡居保信息系统, sources.md §6):
// `POST /provincial/v1/cert-imports`, signed like the big-data center with the provincial app id
// and secret. One attempt per call: the import job's backoff does the waiting, and the request
// carries the batch id on which the provincial system is idempotent.
import { signRequest, randomNonce } from '../connectors/bigdata/signer.ts';
import { classifyTransportError } from '../connectors/kit/classify.ts';
import { createHttpClient, isRecord, joinUrl, parseJsonBody } from '../connectors/kit/http.ts';
import type { HttpClient } from '../connectors/kit/http.ts';
import { createError } from '../lib/errors.ts';
import type { BatchApproval, ImportItem } from '../mirror/index.ts';

export const PROVINCIAL_IMPORT_PATH = '/provincial/v1/cert-imports';

export interface ProvincialImportRequest {
  batchId: string;
  areaCode: string;
  period: string;
  approvals: readonly BatchApproval[];
  items: readonly ImportItem[];
}

export interface ProvincialImporter {
  /** Resolves with the count the provincial system answered; throws a retryable error for a transient fault, LIFECERT_BATCH_IMPORT_REFUSED for a refusal. */
  importBatch(req: ProvincialImportRequest, options?: { signal?: AbortSignal }): Promise<{ imported: number }>;
}

export interface ProvincialConfig {
  /** the base URL; the import path is appended (`https://province.example` → `…/provincial/v1/cert-imports`) */
  url: string;
  appId: string;
  appSecret: string;
  /** default 30 000 */
  timeoutMs?: number;
}

export interface ProvincialDeps {
  now?: () => number;
  nonce?: () => string;
  http?: HttpClient;
}

export function createProvincialImporter(config: ProvincialConfig, deps: ProvincialDeps = {}): ProvincialImporter {
  const http = deps.http ?? createHttpClient({ timeoutMs: config.timeoutMs ?? 30_000, userAgent: 'lifecert-import' });
  const now = deps.now ?? Date.now;
  const nonce = deps.nonce ?? (() => randomNonce());
  const url = joinUrl(config.url, PROVINCIAL_IMPORT_PATH);
  const path = new URL(url).pathname;
  return {
    async importBatch(req, options = {}) {
      const body = JSON.stringify({
        batchId: req.batchId,
        areaCode: req.areaCode,
        period: req.period,
        approvals: req.approvals.map((a) => ({ level: a.level, user: a.user, at: a.at })),
        items: req.items.map((i) => ({ personId: i.personId, action: i.action, certifiedMonth: i.certifiedMonth, certifiedUntil: i.certifiedUntil, basis: i.basis })),
      });
      const signed = signRequest({ appId: config.appId, appSecret: config.appSecret }, { method: 'POST', path, body, timestamp: now(), nonce: nonce() });
      let answer: unknown;
      const request = `POST ${path} ${req.batchId}`;
      try {
        const res = await http.send({ method: 'POST', url, body, headers: { ...signed.headers, 'Content-Type': 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
        answer = parseJsonBody(res);
      } catch (err) {
        const classified = classifyTransportError(err, { request, now });
        if (classified.action === 'retry') throw classified.error;
        throw createError('LIFECERT_BATCH_IMPORT_REFUSED', `the provincial system refused ${req.batchId}: ${classified.error.message}`, { cause: classified.error });
      }
      const data = isRecord(answer) && isRecord(answer.data) ? answer.data : null;
      if (!isRecord(answer) || answer.code !== '0' || data === null || typeof data.imported !== 'number') {
        throw createError('LIFECERT_BATCH_IMPORT_REFUSED', `the provincial system answered ${req.batchId} with ${JSON.stringify(answer).slice(0, 200)}`);
      }
      return { imported: data.imported };
    },
  };
}
