// One database adapter for the T+1 mirror: PostgreSQL through `pg` when DATABASE_URL is set,
// else embedded PGlite in the data folder. Callers write the same `$1`-parameter SQL for both;
// this module is the ONE place where the two drivers' differences are aligned:
//   - result types (int8/numeric → number, bytea → Buffer, timestamptz → ISO +08:00 string,
//     date → 'YYYY-MM-DD', json/jsonb → parsed value), by giving both drivers the same text parsers;
//   - parameters (objects → JSON text, Date → ISO, bigint → string);
//   - bulk load (PGlite: COPY from `/dev/blob`; pg: COPY FROM STDIN through pg-copy-streams);
//   - multi-statement scripts (PGlite `exec`, pg simple query).
// Sessions run in China time so that SQL such as `received_at::date` gives China dates.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { toChinaIsoMillis } from '../lib/china-time.ts';
import { MirrorError } from './errors.ts';
import { acquireLockFile } from './lock-file.ts';
import type { LockFile } from './lock-file.ts';
import { fillFromTemplate } from './pglite-template.ts';
import type { PgliteTemplateOptions } from './pglite-template.ts';

export type DbKind = 'pglite' | 'postgres';

export interface QueryResult<T> {
  rows: T[];
  /** rows returned, or rows changed by INSERT/UPDATE/DELETE */
  rowCount: number;
}

/** A row source for COPY: each row lists values in the order of `columns`. */
export type CopyRows = Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

/** What a transaction and the database itself can both do. */
export interface Queryable {
  readonly kind: DbKind;
  /**
   * One statement with `$n` parameters. Parameters: string, number, boolean, null/undefined,
   * bigint, Date (sent as ISO), Uint8Array/Buffer (bytea), arrays (PostgreSQL arrays), and
   * plain objects (sent as JSON text: cast with `::jsonb` where the type is not inferred).
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load through COPY (CSV). Values: null/undefined → NULL, strings, numbers, booleans,
   * Date, Uint8Array (bytea), objects/arrays as JSON text (for json/jsonb columns).
   * On the database (not a transaction) the whole load is one transaction. Returns rows loaded.
   */
  copyInto(table: string, columns: readonly string[], rows: CopyRows): Promise<number>;
}

export interface Db extends Queryable {
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, use only `tx`: on PGlite the database itself waits for the transaction to end,
   * so a query on `db` from inside `fn` would never return.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
  /** where the data lives, for logs: the URL without password, or the data folder */
  readonly location: string;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string (DATABASE_URL); when set, PGlite is not used */
  databaseUrl?: string;
  /** LIFECERT_DATA_DIR (default `./data`): PGlite lives in `<dataDir>/pglite`; `memory://` for a throw-away in-memory database */
  dataDir?: string;
  /** PostgreSQL pool size (default 10) */
  poolSize?: number;
  /**
   * Work in this schema instead of `public` (created when missing; every session's search_path).
   * `lifecert demo --database-url` keeps its tables in `lifecert_demo` so it never touches a
   * mirror's own. Lower-case letters, digits and `_`.
   */
  schema?: string;
  /**
   * PGlite on disk: a fresh data folder starts as a copy of the cached template — initialised
   * and migrated with the current migrations, built once per PGlite version and migration set
   * in a process of its own (`pglite-template.ts`) — instead of running initdb in this process
   * (about 1.1 GiB peak). The folder then already holds every current migration (`migrate()`
   * finds them present). Default off: a fresh folder is initdb'd here, empty.
   */
  template?: boolean | PgliteTemplateOptions;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkSchemaName(schema: string | undefined): void {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `schema name must be lower-case letters, digits and _ (at most 63), got '${schema}'`);
  }
}

export const MEMORY_DATA_DIR = 'memory://';
const SESSION_TIME_ZONE = 'Asia/Shanghai';

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Db> {
  checkSchemaName(options.schema);
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.schema);
  }
  return openPglite(options.dataDir ?? './data', options.schema, options.template);
}

/** The same options from the environment (api.md "Configuration"). */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenDatabaseOptions {
  const databaseUrl = env.DATABASE_URL?.trim();
  return databaseUrl ? { databaseUrl } : { dataDir: env.LIFECERT_DATA_DIR?.trim() || './data' };
}

// ---------------------------------------------------------------------------------------
// result types: the same text parsers for both drivers

const OID = {
  BYTEA: 17,
  INT8: 20,
  JSON: 114,
  DATE: 1082,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  NUMERIC: 1700,
  JSONB: 3802,
} as const;

const TEXT_PARSERS: Record<number, (text: string) => unknown> = {
  // counts and serials: numbers (beyond 2^53 they lose precision; nothing in this domain gets there)
  [OID.INT8]: (t) => Number(t),
  [OID.NUMERIC]: (t) => Number(t),
  [OID.BYTEA]: parseByteaText,
  [OID.JSON]: (t) => JSON.parse(t) as unknown,
  [OID.JSONB]: (t) => JSON.parse(t) as unknown,
  [OID.DATE]: (t) => t,
  [OID.TIMESTAMP]: (t) => t.replace(' ', 'T'),
  [OID.TIMESTAMPTZ]: timestamptzToChinaIso,
};

function parseByteaText(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `bytea in escape format is not supported (set bytea_output = 'hex'): ${text.slice(0, 20)}`);
}

const TIMESTAMPTZ_TEXT = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?$/;

/**
 * `2026-11-20 01:12:45+00` (any session time zone) → `2026-11-20T09:12:45+08:00`; the
 * milliseconds appear only when not zero, so a stored `…:45+08:00` reads back byte-identical.
 */
export function timestamptzToChinaIso(text: string): string {
  const m = TIMESTAMPTZ_TEXT.exec(text);
  if (!m) return text; // 'infinity', '-infinity', BC dates: passed through as PostgreSQL wrote them
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((frac ?? '0').padEnd(3, '0').slice(0, 3)));
  const offsetMs = (sign === '-' ? -1 : 1) * ((Number(oh) * 60 + Number(om ?? '0')) * 60 + Number(os ?? '0')) * 1000;
  return formatChinaIso(ms - offsetMs);
}

/** An instant as ISO 8601 in China time, with milliseconds only when not zero (lib/china-time.ts toChinaIsoMillis). */
export const formatChinaIso = toChinaIsoMillis;

/**
 * An array of strings, numbers, booleans and nulls only: what the staging's column arrays are
 * (fifteen of a page's length per statement), passed on as they are rather than copied element by element.
 */
function plainArray(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}

function prepareParam(value: unknown, kind: DbKind): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return kind === 'postgres' && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
  if (Array.isArray(value)) return plainArray(value) ? value : value.map((v: unknown) => prepareParam(v, kind));
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

// ---------------------------------------------------------------------------------------
// COPY: one CSV encoder for both drivers

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` or `schema.name`, validated and double-quoted: table names may come from configuration. */
export function quoteIdentifier(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new MirrorError('LIFECERT_MIRROR_IDENTIFIER_INVALID', `not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''; // unquoted empty = NULL in CSV COPY
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `cannot COPY the number ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (value instanceof Uint8Array) text = `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  else text = JSON.stringify(value);
  return `"${text.replaceAll('"', '""')}"`;
}

function csvLine(row: readonly unknown[], width: number): string {
  if (row.length !== width) {
    throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `COPY row has ${row.length} values for ${width} columns`);
  }
  return `${row.map(csvField).join(',')}\n`;
}

/** Groups rows into CSV chunks of at most `maxRows` rows or about `maxChars` characters. */
async function* csvChunks(rows: CopyRows, width: number, maxRows: number, maxChars: number): AsyncGenerator<{ text: string; count: number }> {
  let parts: string[] = [];
  let chars = 0;
  for await (const row of rows) {
    const line = csvLine(row, width);
    parts.push(line);
    chars += line.length;
    if (parts.length >= maxRows || chars >= maxChars) {
      yield { text: parts.join(''), count: parts.length };
      parts = [];
      chars = 0;
    }
  }
  if (parts.length > 0) yield { text: parts.join(''), count: parts.length };
}

function copySql(table: string, columns: readonly string[], source: string): string {
  if (columns.length === 0) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', 'COPY needs at least one column');
  return `COPY ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

// ---------------------------------------------------------------------------------------
// PGlite

interface PgliteRunner {
  query<T>(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function pgliteQueryable(runner: PgliteRunner): Queryable {
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const res = await runner.query<T>(sql, params.map((p) => prepareParam(p, 'pglite')));
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await runner.exec(sql);
    },
    async copyInto(table, columns, rows): Promise<number> {
      const sql = copySql(table, columns, `'/dev/blob'`);
      let total = 0;
      // PGlite copies from an in-memory blob: chunk so memory stays bounded on large loads
      for await (const chunk of csvChunks(rows, columns.length, 50_000, 16 * 1024 * 1024)) {
        await runner.query(sql, [], { blob: new Blob([chunk.text]) });
        total += chunk.count;
      }
      return total;
    },
  };
}

/**
 * The embedded server's memory settings. initdb writes `shared_buffers = 128MB` (a server's
 * default), and PGlite's single-user postgres touches the whole buffer pool at start inside its
 * WebAssembly memory, which never shrinks: 128 MB there is ~150 MiB resident from the first
 * statement on (measured: PGlite opened on the template copy, 151 MiB resident in its memory
 * mapping at 128MB, 29 MiB at 16MB; VmRSS 289 → 173 MiB). The embedded mirror is one process
 * with one session; the operating system's page cache sits under it either way, so a smaller
 * pool costs reads through it, not results. wal_buffers follows (1/32 of it). Only the embedded
 * mirror: a PostgreSQL server keeps its own configuration.
 */
export const PGLITE_SHARED_BUFFERS = '16MB';
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];

async function openPglite(dataDir: string, schema: string | undefined, template: OpenDatabaseOptions['template']): Promise<Db> {
  const inMemory = dataDir === MEMORY_DATA_DIR;
  let lock: LockFile | null = null;
  let location = MEMORY_DATA_DIR;
  if (!inMemory) {
    const root = path.resolve(dataDir);
    try {
      fs.mkdirSync(root, { recursive: true });
    } catch (err) {
      throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `cannot create the data folder ${root}: ${(err as Error).message}`, { cause: err });
    }
    lock = acquireLockFile(path.join(root, 'pglite.lock'));
    location = path.join(root, 'pglite');
    if (template && isFreshFolder(location)) {
      const options = template === true ? {} : template;
      try {
        await fillFromTemplate(location, options);
      } catch (err) {
        // the template is a shortcut, never a requirement: initdb here as before
        (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`lifecert: the embedded database template cannot be used (${(err as Error).message}): initialising ${location} in this process`);
      }
    }
  }
  let pglite: PGlite;
  try {
    pglite = new PGlite(inMemory ? MEMORY_DATA_DIR : location, { parsers: TEXT_PARSERS, startParams: PGLITE_START_PARAMS });
    await pglite.waitReady;
    await pglite.exec(`SET TIME ZONE '${SESSION_TIME_ZONE}'`);
    // one session: the search_path set here holds for every later statement
    if (schema) await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  } catch (err) {
    lock?.release();
    throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `cannot open the embedded database in ${location}: ${(err as Error).message}`, { cause: err });
  }
  return guardedDb({
    kind: 'pglite',
    location,
    base: pgliteQueryable(pglite as unknown as PgliteRunner),
    copyInto: (table, columns, rows) => pglite.transaction((tx) => pgliteQueryable(tx as unknown as PgliteRunner).copyInto(table, columns, rows)),
    transaction: (fn) => pglite.transaction((tx) => fn(pgliteQueryable(tx as unknown as PgliteRunner))),
    async close() {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  });
}

/** No folder, or an empty one: nothing there that a template copy could overwrite. */
function isFreshFolder(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'; // anything else: PGlite reports it
  }
}

/** What one driver provides; guardedDb adds the closed state and its checks. */
interface DbParts {
  kind: DbKind;
  location: string;
  /** statements outside a transaction */
  base: Queryable;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** a COPY as one transaction of its own */
  copyInto(table: string, columns: readonly string[], rows: CopyRows): Promise<number>;
  close(): Promise<void>;
}

/** A Db over a driver's parts: every call after close() fails with LIFECERT_MIRROR_CLOSED; close() is idempotent. */
function guardedDb(parts: DbParts): Db {
  let closed = false;
  const guard = (): void => {
    if (closed) throw new MirrorError('LIFECERT_MIRROR_CLOSED', `the database ${parts.location} is closed`);
  };
  return {
    kind: parts.kind,
    location: parts.location,
    get closed() {
      return closed;
    },
    query(sql, params) {
      guard();
      return parts.base.query(sql, params);
    },
    exec(sql) {
      guard();
      return parts.base.exec(sql);
    },
    copyInto(table, columns, rows) {
      guard();
      return parts.copyInto(table, columns, rows);
    },
    transaction(fn) {
      guard();
      return parts.transaction(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      await parts.close();
    },
  };
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

type PgTypeParser = (text: string) => unknown;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): PgTypeParser {
    const own = TEXT_PARSERS[oid];
    if (own && (format === undefined || format === 'text')) return own;
    return (pg.types.getTypeParser as (oid: number, format?: string) => PgTypeParser)(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

function pgQueryable(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    kind: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const res = await client.query(sql, params.map((p) => prepareParam(p, 'postgres')));
      const rows = res.rows as T[];
      return { rows, rowCount: res.rowCount ?? rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
    async copyInto(table, columns, rows): Promise<number> {
      if (!('release' in client)) throw new MirrorError('LIFECERT_MIRROR_INVARIANT_BROKEN', 'copyInto needs a dedicated connection');
      const sql = copySql(table, columns, 'STDIN');
      let total = 0;
      const source = Readable.from(
        (async function* () {
          for await (const chunk of csvChunks(rows, columns.length, 1_000, 1024 * 1024)) {
            total += chunk.count;
            yield chunk.text;
          }
        })(),
      );
      await pipeline(source, client.query(copyFrom(sql)));
      return total;
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

async function openPostgres(databaseUrl: string, poolSize: number, schema: string | undefined): Promise<Db> {
  const location = schema ? `${redactUrl(databaseUrl)} (schema ${schema})` : redactUrl(databaseUrl);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    types: pgTypes,
    // startup options hold for every pooled session, including ones reopened later
    options: `-c TimeZone=${SESSION_TIME_ZONE}${schema ? ` -c search_path=${schema}` : ''}`,
    application_name: 'lifecert',
  });
  // An idle connection dropped by the server is removed from the pool and reopened on
  // demand; without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  try {
    const probe = await pool.connect();
    try {
      if (schema) await probe.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      probe.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new MirrorError('LIFECERT_MIRROR_CONFIG_INVALID', `cannot connect to PostgreSQL at ${location}: ${(err as Error).message}`, { cause: err });
  }
  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(pgQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr as Error; // the connection is unusable: destroy it, do not pool it
      }
      throw err;
    } finally {
      client.release(broken);
    }
  };
  return guardedDb({
    kind: 'postgres',
    location,
    base: pgQueryable(pool),
    copyInto: (table, columns, rows) => transaction((tx) => tx.copyInto(table, columns, rows)),
    transaction,
    close: () => pool.end(),
  });
}
