// Structured logs (lib/log.ts) read back as JSON lines: levels and formats from the
// environment, errors with their codes, and no secret, identity number or name unmasked —
// wherever a caller or a source put it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../lib/log.ts';
import { maskText } from '../../lib/mask.ts';
import type { LogOptions } from '../../lib/log.ts';
import { LifecertError } from '../../lib/errors.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { MatchInputError } from '../../matching/errors.ts';

const ID = '440106194105160216';
const ID_X = '44010619410516021X';
const NAME = '张三丰';
const SECRETS = ['s3cr3t-pass', 'app-secret-42', 'client-secret-7', 'api-key-9', 'tok.en.123'];

/** A logger whose lines land in `lines`, as written. */
function capture(options: Omit<LogOptions, 'destination'> = {}): { log: ReturnType<typeof createLogger>; lines: string[]; json: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = createLogger({ format: 'json', level: 'debug', env: {}, ...options, destination: { write: (s: string) => void lines.push(s) } });
  return { log, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function assertNothingUnmasked(text: string): void {
  for (const raw of [ID, ID_X, NAME, ...SECRETS]) assert.ok(!text.includes(raw), `${raw} leaked: ${text}`);
}

describe('logs: lines, levels and formats', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const { log, lines, json } = capture();
    log.info({ event: 'run.start', period: '2026-11' }, 'run started');
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith('\n'));
    const [line] = json();
    assert.equal(line.level, 'info');
    assert.equal(line.event, 'run.start');
    assert.equal(line.msg, 'run started');
    assert.ok(!Number.isNaN(Date.parse(String(line.time))));
  });

  it('takes LIFECERT_LOG_LEVEL, and refuses a level or format it does not know', () => {
    const { log, json } = capture({ level: undefined, env: { LIFECERT_LOG_LEVEL: 'warn' } });
    log.info('hidden');
    log.warn('shown');
    assert.deepEqual(json().map((l) => l.msg), ['shown']);
    const refused = (e: unknown) => e instanceof LifecertError && e.code === 'LIFECERT_CONFIG_ENV_INVALID';
    assert.throws(() => createLogger({ env: { LIFECERT_LOG_LEVEL: 'verbose' }, destination: { write: () => {} } }), refused);
    assert.throws(() => createLogger({ env: { LIFECERT_LOG_FORMAT: 'xml' }, destination: { write: () => {} } }), refused);
  });

  it('is JSON for a pipe or file and human-readable for a terminal or LIFECERT_LOG_FORMAT=pretty, masked either way', () => {
    const terminal: string[] = [];
    const tty = { isTTY: true, write: (s: string) => void terminal.push(s) };
    createLogger({ env: {}, destination: tty }).warn({ code: 'LIFECERT_HTTP_UNAVAILABLE', personId: ID, name: NAME }, `retry for ${ID_X}`);
    const pretty: string[] = [];
    createLogger({ env: { LIFECERT_LOG_FORMAT: 'pretty' }, destination: { write: (s: string) => void pretty.push(s) } }).warn({ code: 'LIFECERT_HTTP_UNAVAILABLE', xm: NAME }, 'retry');
    for (const text of [terminal.join(''), pretty.join('')]) {
      assert.throws(() => JSON.parse(text), 'not JSON');
      assert.match(text, /WARN/);
      assert.match(text, /LIFECERT_HTTP_UNAVAILABLE/);
      assertNothingUnmasked(text);
    }
    assert.match(terminal.join(''), /440106\*{8}0216/);
  });

  it('appends to a file when given a path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-log-'));
    try {
      const file = path.join(dir, 'sub', 'hub.log');
      createLogger({ env: {}, destination: file }).info({ event: 'a' }, 'first');
      createLogger({ env: {}, destination: file }).info({ event: 'b' }, 'second');
      const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event);
      assert.deepEqual(events, ['a', 'b']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('logs: errors', () => {
  it('logs an error with its code, kind, retryable flag, HTTP status, fields and the code of its cause', () => {
    const { log, json } = capture();
    const cause = new ConnectorError('LIFECERT_SOAP_SYSTEM_BUSY', 'busy', { request: 'POST /ws QueryCertData' });
    log.error({ err: new LifecertError('LIFECERT_PIPELINE_DATASET_FAILED', 'ministry/DEATH failed', { cause, details: { pagesCommitted: 2 } }) }, 'pull failed');
    const err = json()[0].err as Record<string, unknown>;
    assert.deepEqual(
      [err.type, err.code, err.kind, err.retryable, err.httpStatus, err.message],
      ['LifecertError', 'LIFECERT_PIPELINE_DATASET_FAILED', 'system', false, 500, 'ministry/DEATH failed'],
    );
    assert.deepEqual(err.details, { pagesCommitted: 2 });
    assert.match(String(err.stack), /LifecertError: ministry\/DEATH failed/);
    const c = err.cause as Record<string, unknown>;
    assert.deepEqual([c.type, c.code, c.retryable, c.request], ['ConnectorError', 'LIFECERT_SOAP_SYSTEM_BUSY', true, 'POST /ws QueryCertData']);
  });
});

describe('logs: errors from libraries', () => {
  it('log an error whose fields are circular or library objects without failing the caller', () => {
    const { log, json } = capture();
    const config: Record<string, unknown> = { url: 'http://x', timeout: 5 };
    config.self = config;
    class Socket {
      readonly owner = this;
    }
    const err = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', config, request: new Socket(), chain: [config] });
    assert.doesNotThrow(() => log.error({ err: new ConnectorError('LIFECERT_CONNECTOR_NETWORK', 'socket hang up', { cause: err }) }, 'pull failed'));
    const cause = (json()[0].err as Record<string, Record<string, unknown>>).cause;
    assert.equal(cause.code, 'ECONNRESET');
    assert.equal((cause.config as Record<string, unknown>).url, 'http://x');
    assert.equal(cause.request, undefined, 'a class instance is no log field');
  });
});

describe('logs: nothing personal or secret leaves unmasked', () => {
  it('redacts secrets in fields at any depth, in headers, query strings, bearer tokens and WS-Security', () => {
    const { log, lines } = capture();
    const [pass, appSecret, clientSecret, apiKey, token] = SECRETS;
    log.info({
      password: pass,
      config: { sources: { bigdata: { appId: 'a', appSecret }, police: [{ city: '4401', clientSecret }], health: { apiKey } } },
      headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey },
      request: `GET /v2/checkups?apiKey=${apiKey}&page=1`,
    }, `token answer {"access_token":"${token}"} and <wsse:Password Type="x">${pass}</wsse:Password>`);
    const text = lines.join('');
    assertNothingUnmasked(text);
    assert.match(text, /\[Redacted\]/);
    assert.match(text, /"appId":"a"/, 'what is not secret stays');
    assert.match(text, /page=1/);
  });

  it('masks identity numbers and names in fields, records, messages and quoted source answers', () => {
    const { log, lines, json } = capture();
    log.warn(
      { personId: ID, raw: { aac002: ID_X, aac003: NAME, sfzh: ID, xm: NAME, 身份证号码: ID, 逝者姓名: NAME, idNumber: ID, name: NAME } },
      `record of ${ID} (${ID_X}) answered {"name":"${NAME}","GMSFHM":"${ID}"} / <aac003>${NAME}</aac003>`,
    );
    const text = lines.join('');
    assertNothingUnmasked(text);
    const line = json()[0];
    assert.equal(line.personId, '440106********0216');
    assert.deepEqual((line.raw as Record<string, string>).aac003, '张**');
    assert.match(String(line.msg), /record of 440106\*{8}0216 \(440106\*{8}021X\)/);
  });

  it('masks what an error carries: its message, a quoted response body, its details and its causes', () => {
    const { log, lines } = capture();
    const body = JSON.stringify({ code: 'E', data: [{ GMSFHM: ID, XM: NAME }], appSecret: SECRETS[1] });
    const http = new ConnectorError('LIFECERT_HTTP_CLIENT_ERROR', `HTTP 400 from POST /feedback: ${body}`, { request: `POST /feedback?token=${SECRETS[4]}` });
    const wrapped = new LifecertError('LIFECERT_PIPELINE_DATASET_FAILED', `bigdata/death failed on ${ID}`, {
      cause: http,
      details: { record: { GMSFHM: ID, XM: NAME }, credentials: { password: SECRETS[0] } },
    });
    log.error({ err: wrapped }, 'pull failed');
    log.error({ err: new MatchInputError('birthDate', 'expected YYYY-MM-DD', ID) }, 'match refused');
    const text = lines.join('');
    assertNothingUnmasked(text);
    assert.match(text, /LIFECERT_HTTP_CLIENT_ERROR/);
    assert.match(text, /roster entry 440106\*{8}0216: birthDate/);
  });

  it('maskText is the same masking for text printed outside the log (the command line)', () => {
    const masked = maskText(`lifecert: roster entry 3 (${ID}) {"xm":"${NAME}"} Bearer ${SECRETS[4]}`);
    assertNothingUnmasked(masked);
    assert.equal(masked, 'lifecert: roster entry 3 (440106********0216) {"xm":"张**"} Bearer [Redacted]');
  });
});
