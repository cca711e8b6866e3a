// The health commission's API-key REST client (sources.md §5).
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { createHttpClient, isRecord, joinUrl, parseJsonBody } from '../kit/http.ts';
import type { HttpClient, HttpResponse } from '../kit/http.ts';
import { withRetry } from '../kit/retry.ts';
import { checkEchoedPage, pagingInteger } from '../kit/paging.ts';
import { retryOptions } from '../kit/connector-deps.ts';
import type { CallOptions, ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';

export interface HealthClientConfig {
  url: string;
  apiKey: string;
  timeoutMs: number;
  retry: RetryConfig;
}

/** One element of `data` as sent: an object of fields, or (from a misbehaving source) anything else, which normalization rejects. */
export type HealthItem = unknown;

export interface HealthPage {
  page: number;
  size: number;
  total: number;
  data: HealthItem[];
  body: string;
  request: string;
}

/** One item of `POST /v2/feedback` (`recordType` = the dataset name). */
export interface HealthFeedbackItem {
  feedbackId: string;
  recordType: string;
  recordId: string;
  idNumber: string;
  field: string;
  reportedValue: string;
  correctedValue: string;
  reasonCode: string;
  verifiedDate: string;
}

export class HealthClient {
  readonly config: Readonly<HealthClientConfig>;
  private readonly http: HttpClient;
  private readonly deps: ConnectorDeps;

  constructor(config: Readonly<HealthClientConfig>, deps: ConnectorDeps = {}, http?: HttpClient) {
    this.config = config;
    this.deps = deps;
    this.http = http ?? createHttpClient({ timeoutMs: config.timeoutMs });
  }

  /** `GET /v2/<dataset>?updatedFrom=...&page=P&size=S` (page from 1). */
  async fetchPage(dataset: string, updatedFrom: string, page: number, size: number, options: CallOptions & { maxAttempts?: number } = {}): Promise<HealthPage> {
    const query = new URLSearchParams({ updatedFrom, page: String(page), size: String(size) }).toString();
    return this.send('GET', `/v2/${encodeURIComponent(dataset)}?${query}`, undefined, options, (res) => {
      // parsed inside the retry: an HTML page from the gateway on a 2xx is retried too
      const json = parseJsonBody(res);
      if (!isRecord(json) || !Array.isArray(json.data)) {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the answer lacks total or data`, { request: res.request });
      }
      // paging fields are checked before they are believed; one bad item in data is that record's rejection, not the page's
      const total = pagingInteger(json.total, 'total', res.request);
      checkEchoedPage(json.page, 'page', page, res.request);
      if (json.size !== undefined) pagingInteger(json.size, 'size', res.request);
      return {
        page,
        size: typeof json.size === 'number' ? json.size : size,
        total,
        data: json.data as HealthItem[],
        body: res.body,
        request: res.request,
      };
    });
  }

  /** `POST /v2/feedback` → 202: every item accepted. */
  async postFeedback(items: readonly HealthFeedbackItem[], options: { signal?: AbortSignal } = {}): Promise<{ accepted: number }> {
    const res = await this.send('POST', '/v2/feedback', JSON.stringify({ items }), options, (r) => r);
    if (res.status !== 202 && res.status !== 200) {
      throw new ConnectorError('LIFECERT_CONNECTOR_FEEDBACK_REFUSED', `${res.request}: answered ${res.status}, not 202`, { request: res.request, status: res.status });
    }
    return { accepted: items.length };
  }

  private async send<T>(method: 'GET' | 'POST', pathAndQuery: string, body: string | undefined, options: CallOptions & { maxAttempts?: number }, read: (res: HttpResponse) => T): Promise<T> {
    const url = joinUrl(this.config.url, pathAndQuery);
    const retry = retryOptions(this.config.retry, this.deps, options, `${method} ${new URL(url).pathname}`);
    if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
    return withRetry(async () => {
      const res = await this.http.send({
        method,
        url,
        headers: {
          'X-Api-Key': this.config.apiKey,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return read(res);
    }, retry);
  }
}
