// OAuth2 client-credentials token of one city's police endpoint, cached until shortly before
// it expires. A 401 on a data call invalidates it (the server may have restarted or rotated
// tokens early); the next call fetches a new one.
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { isRecord, joinUrl, parseJsonBody } from '../kit/http.ts';
import type { HttpClient } from '../kit/http.ts';
import { withRetry } from '../kit/retry.ts';
import type { RetryOptions } from '../kit/retry.ts';

export interface TokenSourceConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  /** renew this many seconds before expires_in runs out */
  tokenRenewSeconds: number;
}

export class OAuthTokenSource {
  private token: string | null = null;
  private expiresAtMs = 0;
  private inflight: Promise<string> | null = null;
  /** how many tokens were fetched (health metrics, tests) */
  fetched = 0;
  private readonly config: Readonly<TokenSourceConfig>;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(config: Readonly<TokenSourceConfig>, http: HttpClient, now: () => number = Date.now) {
    this.config = config;
    this.http = http;
    this.now = now;
  }

  /** A valid bearer token, fetched when none is cached or the cached one is about to expire. */
  async get(retry: RetryOptions): Promise<string> {
    if (this.token && this.now() < this.expiresAtMs) return this.token;
    // concurrent callers share one token request
    this.inflight ??= this.fetch(retry).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  invalidate(): void {
    this.token = null;
    this.expiresAtMs = 0;
  }

  private async fetch(retry: RetryOptions): Promise<string> {
    const url = joinUrl(this.config.url, '/oauth/token');
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.config.clientId, client_secret: this.config.clientSecret }).toString();
    return withRetry(async () => {
      const res = await this.http.send({
        method: 'POST',
        url,
        body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        ...(retry.signal ? { signal: retry.signal } : {}),
      });
      const json = parseJsonBody(res);
      if (!isRecord(json) || typeof json.access_token !== 'string' || json.access_token === '') {
        throw new ConnectorError('LIFECERT_CONNECTOR_RESPONSE_SHAPE', `${res.request}: the token answer lacks access_token`, { request: res.request });
      }
      const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 0);
      this.token = json.access_token;
      this.fetched++;
      const lifetimeMs = Math.max(0, (Number.isFinite(expiresIn) ? expiresIn : 0) - this.config.tokenRenewSeconds) * 1000;
      this.expiresAtMs = this.now() + lifetimeMs;
      return this.token;
      // a 401 here means the client credentials are wrong: no reauthenticate hook, so it is final
    }, { ...retry, request: `POST ${new URL(url).pathname}` });
  }
}
