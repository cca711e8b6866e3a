// One city's police household-registration API (sources.md §3).
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { createHttpClient, isRecord, joinUrl, parseJsonBody } from '../kit/http.ts';
import type { HttpClient, HttpResponse } from '../kit/http.ts';
import { withRetry } from '../kit/retry.ts';
import { pagingInteger } from '../kit/paging.ts';
import { retryOptions } from '../kit/connector-deps.ts';
import type { CallOptions, ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';
import { OAuthTokenSource } from './oauth.ts';

export interface PoliceClientConfig {
  city: string;
  url: string;
  clientId: string;
  clientSecret: string;
  tokenRenewSeconds: number;
  timeoutMs: number;
  retry: RetryConfig;
}

export type PoliceItem = Record<string, unknown>;

export interface PoliceChangesPage {
  total: number;
  items: PoliceItem[];
  body: string;
  request: string;
}

/** One item of `POST /hukou/feedback`. */
export interface PoliceFeedbackItem {
  feedbackId: string;
  id: string;
  sfzh: string;
  field: string;
  reportedValue: string;
  correctedValue: string;
  reasonCode: string;
  verifiedDate: string;
}

export class PoliceClient {
  readonly config: Readonly<PoliceClientConfig>;
  readonly tokens: OAuthTokenSource;
  private readonly http: HttpClient;
  private readonly deps: ConnectorDeps;

  constructor(config: Readonly<PoliceClientConfig>, deps: ConnectorDeps = {}, http?: HttpClient) {
    this.config = config;
    this.deps = deps;
    this.http = http ?? createHttpClient({ timeoutMs: config.timeoutMs });
    this.tokens = new OAuthTokenSource(config, this.http, deps.now);
  }

  /** `GET /hukou/changes?since=YYYY-MM-DD&offset=N&limit=M` */
  async fetchChanges(since: string, offset: number, limit: number, options: CallOptions & { maxAttempts?: number } = {}): Promise<PoliceChangesPage> {
    const query = new URLSearchParams({ since, offset: String(offset), limit: String(limit) }).toString();
    return this.authorized('GET', `/hukou/changes?${query}`, undefined, options, (res) => {
      const json = parseJsonBody(res);
      if (!isRecord(json) || !Array.isArray(json.items)) {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the answer lacks total or items`, { request: res.request });
      }
      // the total is checked before it is believed; one bad item is that record's rejection, not the page's
      return { total: pagingInteger(json.total, 'total', res.request), items: json.items as PoliceItem[], body: res.body, request: res.request };
    });
  }

  /** `POST /hukou/feedback` → the count of these items the city now holds. */
  async postFeedback(items: readonly PoliceFeedbackItem[], options: { signal?: AbortSignal } = {}): Promise<{ accepted: number }> {
    return this.authorized('POST', '/hukou/feedback', JSON.stringify(items), options, (res) => {
      const json = parseJsonBody(res);
      if (!isRecord(json) || typeof json.accepted !== 'number') {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the answer lacks accepted`, { request: res.request });
      }
      return { accepted: json.accepted };
    });
  }

  /**
   * A call with a bearer token. On 401 the token is dropped and the call repeated once with a
   * new one; a second 401 is final.
   */
  private async authorized<T>(method: 'GET' | 'POST', pathAndQuery: string, body: string | undefined, options: CallOptions & { maxAttempts?: number }, read: (res: HttpResponse) => T): Promise<T> {
    const url = joinUrl(this.config.url, pathAndQuery);
    const retry = retryOptions(this.config.retry, this.deps, options, `${method} ${new URL(url).pathname}`);
    if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
    return withRetry(
      async () => {
        // the outer loop drives the retries of the token request too
        const token = await this.tokens.get({ ...retry, maxAttempts: 1, reauthenticate: undefined });
        const res = await this.http.send({
          method,
          url,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        // parsed inside the retry: a malformed 2xx body is retried like a 503
        return read(res);
      },
      { ...retry, reauthenticate: async () => this.tokens.invalidate() },
    );
  }
}
