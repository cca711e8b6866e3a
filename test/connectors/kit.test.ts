import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { classifyTransportError, parseRetryAfter, TRANSPORT_RULES } from '../../connectors/kit/classify.ts';
import { createSchemaValidator, loadConnectorSchema, redactConfig, secretPaths, validateConfig } from '../../connectors/kit/config.ts';
import { ConfigError } from '../../connectors/kit/errors/config-error.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { ERROR_CODES } from '../../connectors/kit/errors/error-codes.ts';
import { HttpStatusError, MalformedBodyError, SoapFaultError } from '../../connectors/kit/errors/transport-errors.ts';
import { createHttpClient, parseJsonBody } from '../../connectors/kit/http.ts';
import { backoffDelay, withRetry } from '../../connectors/kit/retry.ts';
import { recordingSleep } from './helpers.ts';

const http = (status: number, headers: Record<string, string> = {}) => new HttpStatusError(status, headers, '', 'GET /x');

describe('kit: error registry', () => {
  it('every code is unique, documented and has a known kind', () => {
    const kinds = new Set(['config', 'transient', 'auth', 'rate-limited', 'data', 'system']);
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      assert.ok(kinds.has(info.kind), code);
      assert.ok(info.description.length > 10, code);
    }
    assert.equal(new Set(Object.keys(ERROR_CODES)).size, Object.keys(ERROR_CODES).length);
    for (const rule of TRANSPORT_RULES) assert.ok(rule.code in ERROR_CODES, rule.when);
  });

  it('errors carry a stable name, code, kind, retryable flag and cause', () => {
    const cause = new Error('inner');
    const e = new ConnectorError('HTTP_UNAVAILABLE', 'down', { cause, status: 503 });
    assert.equal(e.name, 'ConnectorError');
    assert.equal(e.kind, 'transient');
    assert.equal(e.retryable, true);
    assert.equal(e.cause, cause);
    const c = new ConfigError('bigdata', ['/ must have required property appSecret']);
    assert.equal(c.name, 'ConfigError');
    assert.equal(c.code, 'CONFIG_INVALID');
    assert.ok(c instanceof ConnectorError);
  });
});

describe('kit: classification table', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['429', http(429, { 'retry-after': '5' }), 'retry', 'HTTP_RATE_LIMITED'],
    ['500', http(500), 'retry', 'HTTP_UNAVAILABLE'],
    ['502', http(502), 'retry', 'HTTP_UNAVAILABLE'],
    ['503', http(503), 'retry', 'HTTP_UNAVAILABLE'],
    ['504', http(504), 'retry', 'HTTP_UNAVAILABLE'],
    ['401', http(401), 'reauthenticate', 'HTTP_UNAUTHORIZED'],
    ['403', http(403), 'fail', 'HTTP_FORBIDDEN'],
    ['404', http(404), 'fail', 'HTTP_NOT_FOUND'],
    ['400', http(400), 'fail', 'HTTP_CLIENT_ERROR'],
    ['422', http(422), 'fail', 'HTTP_CLIENT_ERROR'],
    ['SYSTEM_BUSY', new SoapFaultError('soap:Server', 'SYSTEM_BUSY', 500, 'q'), 'retry', 'SOAP_SYSTEM_BUSY'],
    ['AUTH_FAILED', new SoapFaultError('soap:Server', 'AUTH_FAILED', 500, 'q'), 'fail', 'SOAP_AUTH_FAILED'],
    ['INVALID_PARAM', new SoapFaultError('soap:Server', 'INVALID_PARAM', 500, 'q'), 'fail', 'SOAP_INVALID_PARAM'],
    ['malformed body', new MalformedBodyError('q', 'not JSON', '<html>'), 'retry', 'BODY_MALFORMED'],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'retry', 'NETWORK'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'retry', 'NETWORK'],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'retry', 'NETWORK'],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'retry', 'NETWORK'],
    ['socket hang up', new Error('socket hang up'), 'retry', 'NETWORK'],
    ['axios timeout', Object.assign(new Error('timeout of 100ms exceeded'), { code: 'ECONNABORTED' }), 'retry', 'TIMEOUT'],
    ['abort', Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' }), 'fail', 'ABORTED'],
    ['resultCode', new ConnectorError('RESULT_NOT_OK', 'resultCode 1001'), 'fail', 'RESULT_NOT_OK'],
    ['anything else', new TypeError('boom'), 'fail', 'UNEXPECTED'],
  ];
  for (const [label, err, action, code] of cases) {
    it(`${label} → ${action} (${code})`, () => {
      const c = classifyTransportError(err);
      assert.equal(c.action, action);
      assert.equal(c.error.code, code);
    });
  }

  it('reads Retry-After as seconds or an HTTP-date', () => {
    const now = Date.parse('2026-11-28T02:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Sat, 28 Nov 2026 02:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 28 Nov 2026 01:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(classifyTransportError(http(429, { 'retry-after': 'Sat, 28 Nov 2026 02:00:10 GMT' }), { now: () => now }).error.retryAfterMs, 10_000);
  });
});

describe('kit: withRetry', () => {
  it('backs off exponentially with full jitter, capped', () => {
    assert.equal(backoffDelay(1, 500, 30_000, () => 0.999999), 499);
    assert.equal(backoffDelay(3, 500, 30_000, () => 0.5), 1000);
    assert.equal(backoffDelay(20, 500, 30_000, () => 0.999999), 29_999);
    assert.equal(backoffDelay(4, 500, 30_000, () => 0), 0);
  });

  it('retries retryable failures up to maxAttempts, then reports the attempts', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw http(503);
      }, { maxAttempts: 4, sleep, random: () => 1 - 1e-9, baseDelayMs: 100 }),
      (e: unknown) => e instanceof ConnectorError && e.code === 'HTTP_UNAVAILABLE' && e.attempts === 4,
    );
    assert.equal(calls, 4);
    assert.deepEqual(waits, [99, 199, 399]);
  });

  it('does not retry what must fail', async () => {
    let calls = 0;
    await assert.rejects(withRetry(async () => { calls++; throw http(400); }, { sleep: recordingSleep().sleep }), /HTTP 400/);
    assert.equal(calls, 1);
  });

  it('waits exactly Retry-After and refuses one beyond the maximum', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    const out = await withRetry(async () => {
      if (calls++ === 0) throw http(429, { 'retry-after': '4' });
      return 'ok';
    }, { sleep });
    assert.equal(out, 'ok');
    assert.deepEqual(waits, [4000]);
    await assert.rejects(withRetry(async () => { throw http(429, { 'retry-after': '3600' }); }, { sleep, maxRetryAfterMs: 60_000 }), (e: unknown) => e instanceof ConnectorError && e.code === 'RETRY_AFTER_TOO_LONG');
  });

  it('re-authenticates once on 401, then fails', async () => {
    let renewals = 0;
    let calls = 0;
    await assert.rejects(
      withRetry(async () => { calls++; throw http(401); }, { sleep: recordingSleep().sleep, reauthenticate: async () => { renewals++; } }),
      (e: unknown) => e instanceof ConnectorError && e.code === 'HTTP_UNAUTHORIZED',
    );
    assert.equal(renewals, 1);
    assert.equal(calls, 2);
  });

  it('stops waiting when aborted', async function () {
    // the retry waits a minute: only an honoured abort finishes within the timeout
    this.timeout(5000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(
      withRetry(async () => { throw http(503); }, { signal: ac.signal, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 0.99 }),
      (e: unknown) => e instanceof ConnectorError && e.code === 'ABORTED',
    );
  });

  it('retries real socket resets (127.0.0.1)', async () => {
    nock.enableNetConnect('127.0.0.1');
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      if (connections < 3) return socket.destroy(); // reset before any response
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const client = createHttpClient({ timeoutMs: 5000 });
      const { sleep, waits } = recordingSleep();
      const res = await withRetry(() => client.send({ method: 'GET', url: `http://127.0.0.1:${port}/x` }), { sleep });
      assert.deepEqual(parseJsonBody(res), { ok: true });
      assert.equal(waits.length, 2);
    } finally {
      server.close();
    }
  });
});

describe('kit: configuration', () => {
  it('applies defaults, then freezes', () => {
    const schema = loadConnectorSchema('health');
    const config = validateConfig<{ pageSize: number; initialDate: string; retry: { maxAttempts: number }; datasets: string[] }>('health', schema, { url: 'http://h.test/health', apiKey: 'k' });
    assert.equal(config.pageSize, 200);
    assert.equal(config.initialDate, '2000-01-01');
    assert.equal(config.retry.maxAttempts, 5);
    assert.deepEqual(config.datasets, ['death-certificates', 'vaccinations', 'checkups']);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.retry));
  });

  it('lists every problem and rejects unknown keys', () => {
    const schema = loadConnectorSchema('police');
    assert.throws(() => validateConfig('police', schema, { city: '44011', url: 'ftp://x', clientId: 'a', clientSecret: 'b', colour: 'red' }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.problems.some((p) => p.includes('/city')));
      assert.ok(e.problems.some((p) => p.includes('/url')));
      assert.ok(e.problems.some((p) => p.includes('colour')));
      return true;
    });
  });

  it('marks secrets and redacts them', () => {
    for (const [name, secrets] of Object.entries({ ministry: ['password'], bigdata: ['appSecret'], police: ['clientSecret'], health: ['apiKey'], civil: [] })) {
      const schema = loadConnectorSchema(name);
      createSchemaValidator().compile(schema);
      assert.deepEqual(secretPaths(schema), secrets, name);
    }
    assert.deepEqual(redactConfig(loadConnectorSchema('health'), { url: 'u', apiKey: 'k' }), { url: 'u', apiKey: '***' });
  });
});
