// The big-data center's signed REST client (sources.md §2). Every attempt is signed afresh:
// the nonce is single-use and the timestamp must be within 300 s of the server clock.
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { createHttpClient, isRecord, joinUrl, parseJsonBody } from '../kit/http.ts';
import type { HttpClient } from '../kit/http.ts';
import { withRetry } from '../kit/retry.ts';
import { retryOptions } from '../kit/connector-deps.ts';
import type { CallOptions, ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';
import { randomNonce, signRequest } from './signer.ts';

export interface BigdataClientConfig {
  url: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  retry: RetryConfig;
}

/** One element of `data.records` as sent: an object of fields, or anything else, which normalization rejects. */
export type BigdataRecord = unknown;

export interface BigdataRecordsPage {
  records: BigdataRecord[];
  nextCursor: string | null;
  body: string;
  request: string;
}

/** One item of `POST /api/v1/feedback` (the center's own field names). */
export interface BigdataFeedbackItem {
  feedbackId: string;
  dataset: string;
  JLID: string;
  GMSFHM: string;
  field: string;
  reportedValue: string;
  correctedValue: string;
  reasonCode: string;
  verifiedDate: string;
}

export interface BigdataClientDeps extends ConnectorDeps {
  /** nonce source; default 32 random [A-Za-z0-9] */
  nonce?: () => string;
}

export class BigdataClient {
  readonly config: Readonly<BigdataClientConfig>;
  private readonly http: HttpClient;
  private readonly deps: BigdataClientDeps;
  private readonly basePath: string;

  constructor(config: Readonly<BigdataClientConfig>, deps: BigdataClientDeps = {}, http?: HttpClient) {
    this.config = config;
    this.deps = deps;
    this.http = http ?? createHttpClient({ timeoutMs: config.timeoutMs });
    this.basePath = new URL(config.url).pathname.replace(/\/+$/, '');
  }

  /** One page of `GET /api/v1/datasets/{dataset}/records`; retried per classify.ts. */
  async fetchRecords(
    dataset: string,
    query: { updatedSince: string; cursor?: string; limit: number },
    options: CallOptions & { maxAttempts?: number } = {},
  ): Promise<BigdataRecordsPage> {
    const path = `/api/v1/datasets/${encodeURIComponent(dataset)}/records`;
    const params = { updatedSince: query.updatedSince, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
    return this.call('GET', path, params, undefined, options, (json, body, request) => {
      const data = json.data;
      if (!isRecord(data) || !Array.isArray(data.records)) {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${request}: the answer lacks data.records`, { request });
      }
      // the cursor is checked before it is believed: a string, or null at the end
      const next = data.nextCursor;
      if (next !== null && typeof next !== 'string') {
        throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_INVALID', `${request}: data.nextCursor is ${next === undefined ? 'missing' : `a ${Array.isArray(next) ? 'list' : typeof next}`}, neither a string nor null; the page is not believed`, { request });
      }
      return { records: data.records as BigdataRecord[], nextCursor: next ? next : null, body, request };
    });
  }

  /** `POST /api/v1/feedback`; answers the count the center now holds of these items. */
  async postFeedback(items: readonly BigdataFeedbackItem[], options: { signal?: AbortSignal } = {}): Promise<{ accepted: number; body: string }> {
    const body = JSON.stringify({ items });
    return this.call('POST', '/api/v1/feedback', {}, body, options, (json, raw, request) => {
      const data = json.data;
      if (!isRecord(data) || typeof data.accepted !== 'number') {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${request}: the answer lacks data.accepted`, { request });
      }
      return { accepted: data.accepted, body: raw };
    });
  }

  private async call<T>(
    method: 'GET' | 'POST',
    apiPath: string,
    query: Record<string, string | number | undefined>,
    body: string | undefined,
    options: CallOptions & { maxAttempts?: number },
    read: (json: Record<string, unknown>, body: string, request: string) => T,
  ): Promise<T> {
    const path = `${this.basePath}${apiPath}`;
    const retry = retryOptions(this.config.retry, this.deps, options, `${method} ${path}`);
    if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
    return withRetry(async () => {
      const signed = signRequest(this.config, {
        method,
        path,
        query,
        body: body ?? '',
        timestamp: (this.deps.now ?? Date.now)(),
        nonce: (this.deps.nonce ?? randomNonce)(),
      });
      const url = joinUrl(new URL(this.config.url).origin, signed.pathWithQuery);
      const res = await this.http.send({
        method,
        url,
        headers: {
          ...signed.headers,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const json = parseJsonBody(res);
      if (!isRecord(json)) throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the answer is not a JSON object`, { request: res.request });
      if (json.code !== '0' && json.code !== 0) {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESULT_NOT_OK', `${res.request}: code ${String(json.code)} ${String(json.message ?? '')}`.trim(), { request: res.request });
      }
      return read(json, res.body, res.request);
    }, retry);
  }
}
