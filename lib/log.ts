// Structured logs: pino JSON lines, one event per line, each with its registry code when it
// reports an error. Every line passes one masking step (lib/mask.ts `maskValue`) just before it
// is written — secrets redacted, identity numbers shown as `440106********123X`, names as `张*`
// — whether they sit in a field, deep inside an error's details, or inside a message or a
// source's response body quoted in one. pino's `redact` removes the known secret paths before
// anything is serialized; the masking step is the net under it for whatever a caller or a
// source put elsewhere.
//
// Lines go to stderr (stdout stays the commands' own output) or to a file; on a terminal, or
// with LIFECERT_LOG_FORMAT=pretty, pino-pretty turns them into readable lines.
import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { ERRORS, createError, errorCodeOf } from './errors.ts';
import { REDACTED, maskText, maskValue } from './mask.ts';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** A writable the lines go to: a Node stream (tests read it), a pino destination. */
export type LogStream = DestinationStream | NodeJS.WritableStream;

export interface LogOptions {
  /** default LIFECERT_LOG_LEVEL, else `info` */
  level?: string;
  /** default LIFECERT_LOG_FORMAT, else `pretty` when the lines go to a terminal and `json` otherwise */
  format?: string;
  /** a stream, or a file path (appended, folders created); default stderr */
  destination?: LogStream | string;
  /** fields bound to every line (`runId`, `component` ...) */
  bindings?: Record<string, unknown>;
  /** where LIFECERT_LOG_LEVEL and LIFECERT_LOG_FORMAT are read; default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The secret paths pino removes before serializing (the masking step catches the rest). */
export const REDACT_PATHS: readonly string[] = [
  'password', 'appSecret', 'clientSecret', 'apiKey', 'token', 'accessToken', 'access_token',
  'authorization', 'headers.authorization', 'headers.Authorization', 'headers["x-api-key"]',
  'headers["X-Api-Key"]', 'headers["X-Signature"]', 'headers.cookie',
  '*.password', '*.appSecret', '*.clientSecret', '*.apiKey', '*.token', '*.access_token', '*.authorization',
  '*.headers.authorization', '*.headers.Authorization', '*.headers["x-api-key"]',
];


/**
 * A logger after the options and the environment. Throws LIFECERT_CONFIG_ENV_INVALID for a
 * level or format it does not know, rather than logging at a level nobody asked for.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? (env.LIFECERT_LOG_LEVEL || 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw createError('LIFECERT_CONFIG_ENV_INVALID', `LIFECERT_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
  }
  const requested = options.format ?? (env.LIFECERT_LOG_FORMAT || undefined);
  if (requested !== undefined && !(LOG_FORMATS as readonly string[]).includes(requested)) {
    throw createError('LIFECERT_CONFIG_ENV_INVALID', `LIFECERT_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got '${requested}'`);
  }
  const target = openDestination(options.destination);
  const format: LogFormat = (requested as LogFormat | undefined) ?? (isTerminal(target) ? 'pretty' : 'json');
  const stream: LogStream = format === 'pretty' ? prettyStream(target) : target;
  const logger = pino({ ...baseOptions(), level }, stream as DestinationStream);
  return options.bindings ? logger.child(options.bindings) : logger;
}

/** A logger that writes nothing: the default of library functions whose caller passes none. */
export const silentLogger: Logger = pino({ ...baseOptions(), level: 'silent' });

function baseOptions(): LoggerOptions {
  return {
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: serializeError },
    formatters: { level: (label) => ({ level: label }) },
    hooks: { streamWrite: maskLine },
  };
}

/** pino-pretty's formatter in the writing path itself: a line is on the terminal when the call returns. */
function prettyStream(target: LogStream): DestinationStream {
  const pretty = prettyFactory({ colorize: isTerminal(target), translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' });
  return { write: (line: string) => void target.write(pretty(line)) };
}

function openDestination(destination: LogStream | string | undefined): LogStream {
  if (destination === undefined) return pino.destination({ dest: 2, sync: true });
  if (typeof destination === 'string') return pino.destination({ dest: destination, sync: true, mkdir: true, append: true });
  return destination;
}

function isTerminal(stream: LogStream): boolean {
  // pino's own stderr destination hides the fd; stderr's TTY flag answers for it
  if ((stream as { fd?: unknown }).fd === 2) return Boolean(process.stderr.isTTY);
  return Boolean((stream as { isTTY?: unknown }).isTTY);
}

// ---------------------------------------------------------------------------------------------
// Errors as log fields

const ERROR_FIELDS_SKIPPED = new Set(['name', 'message', 'stack', 'cause', 'code']);
const MAX_STRING = 2000;

/**
 * An error as a log field: its type, registry code with kind, retryable and HTTP status, the
 * message, its own fields (request, counts, details ...), the stack, and its causes.
 */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  try {
    return errorFields(err, depth);
  } catch {
    // a log line never fails the work it reports on
    return { type: err.name, message: err.message };
  }
}

function errorFields(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message };
  const code = errorCodeOf(err);
  const raw = (err as { code?: unknown }).code;
  if (code) {
    const spec = ERRORS[code];
    Object.assign(out, { code, kind: spec.kind, retryable: spec.retryable, httpStatus: spec.httpStatus });
  } else if (typeof raw === 'string' || typeof raw === 'number') {
    // a system error's own code (ECONNRESET, 23505 ...)
    out.code = raw;
  }
  for (const [key, value] of Object.entries(err)) {
    if (ERROR_FIELDS_SKIPPED.has(key) || key in out) continue;
    if (key === 'details' && value !== null && typeof value === 'object' && Object.keys(value).length === 0) continue;
    const field = plainField(value, depth);
    if (field !== undefined) out[key] = field;
  }
  if (depth === 0 && err.stack) out.stack = err.stack;
  if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** how deep plain objects and arrays inside an error are followed (a cycle ends here too) */
const MAX_NESTING = 6;

function plainField(value: unknown, depth: number, nesting = 0): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value instanceof Error) return depth < 4 ? serializeError(value, depth + 1) : undefined;
  if (value instanceof Uint8Array) return `(${value.byteLength} bytes)`;
  if (nesting >= MAX_NESTING) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => plainField(v, depth, nesting + 1) ?? null);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const field = plainField(v, depth, nesting + 1);
      if (field !== undefined) out[k] = field;
    }
    return out;
  }
  // class instances an HTTP library hangs on its errors (requests, sockets, configs) are no log fields
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** pino's last step before a line is written: mask it as a whole. */
function maskLine(line: string): string {
  const end = line.endsWith('\n') ? '\n' : '';
  try {
    return `${JSON.stringify(maskValue(JSON.parse(line)))}${end}`;
  } catch {
    // not JSON (never from pino itself): still no identity number or secret leaves
    return maskText(line);
  }
}
