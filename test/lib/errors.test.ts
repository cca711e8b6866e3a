// The error registry (lib/errors.ts) after fastify's test/internals/errors.test.js: every code
// unique and well-formed, docs/errors.md generated from the table, every code raised somewhere
// in production code and every code raised there registered, and no error thrown in
// production folders without a code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ERRORS, ERROR_CODE_PATTERN, ERROR_KINDS, HTTP_STATUSES, LifecertError, createError, describeError, errorBody,
  errorCodeOf, errorsMarkdown,
} from '../../lib/errors.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { ConfigError } from '../../connectors/kit/errors/config-error.ts';
import { CivilInboxError } from '../../connectors/civil/inbox-error.ts';
import { MirrorError } from '../../mirror/errors.ts';
import { ExportError, IngestAbortedError, IngestError, IngestRunError } from '../../pipeline/errors.ts';
import { MatchInputError } from '../../matching/errors.ts';
import { HubConfigError } from '../../config/index.ts';
import { JobsError } from '../../jobs/errors.ts';
import { UnknownDatasetError } from '../../schemas/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Folders of code the hub runs in production (not the tests, benchmarks or the sandbox). */
const PRODUCTION = ['schemas', 'lib', 'connectors', 'config', 'mirror', 'matching', 'pipeline', 'feedback', 'jobs', 'gateway', 'flows', 'report', 'cli'];

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

const production = PRODUCTION.flatMap(sourceFiles).map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }));
/** The sandbox ships with the hub (`lifecert sandbox`) and keeps its own error classes; the codes they carry are registered. */
const sandbox = sourceFiles('sandbox').map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }));
const codes = Object.keys(ERRORS) as ErrorCode[];

describe('error registry: the table', () => {
  it('has unique codes of the form LIFECERT_<AREA>_<WHAT>', () => {
    // an object literal keeps the last of two equal keys silently: count them in the source
    const declared = [...fs.readFileSync(path.join(ROOT, 'lib/errors.ts'), 'utf8').matchAll(/^\s+(LIFECERT_[A-Z0-9_]+): \{/gm)].map((m) => m[1]);
    assert.deepEqual(declared, codes, 'every declared code is in the table once, in order');
    assert.equal(new Set(declared).size, declared.length);
    for (const code of codes) assert.match(code, ERROR_CODE_PATTERN);
  });

  it('gives every code a known kind, a gateway status, a retryable flag and a one-line description', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      assert.ok((ERROR_KINDS as readonly string[]).includes(spec.kind), code);
      assert.ok((HTTP_STATUSES as readonly number[]).includes(spec.httpStatus), code);
      assert.equal(typeof spec.retryable, 'boolean', code);
      assert.ok(spec.description.length > 15 && !spec.description.includes('\n'), code);
    }
  });

  it('docs/errors.md is the table as generated (`npm run docs:errors`)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');
    assert.equal(doc, errorsMarkdown(), 'docs/errors.md is stale: run `npm run docs:errors`');
    for (const code of codes) assert.equal(doc.split(`| \`${code}\` |`).length, 2, `${code} documented once`);
  });
});

describe('error registry: the source', () => {
  it('raises every code somewhere in production code or the shipped sandbox', () => {
    const raising = [...production, ...sandbox].filter((f) => f.file !== path.join('lib', 'errors.ts'));
    const unused = codes.filter((code) => !raising.some((f) => f.text.includes(`'${code}'`)));
    assert.deepEqual(unused, [], 'codes nobody raises: raise them or remove them from the table');
  });

  it('registers every code raised in production code', () => {
    const unknown = production.flatMap((f) => [...f.text.matchAll(/'(LIFECERT_[A-Z0-9_]+)'/g)].map((m) => m[1]).filter((c) => !(c in ERRORS)).map((c) => `${f.file}: ${c}`));
    assert.deepEqual(unknown, []);
  });

  it('throws no error without a code in production folders, but for a short justified list', () => {
    // file → how many uncoded constructions it may hold, and why
    const allowed: Record<string, { count: number; why: string }> = {
      [path.join('schemas', 'index.ts')]: {
        count: 5,
        why: 'schemas/ imports nothing: UnknownDatasetError carries its code by name; the four load-time checks (a schema file, a raw-record $defs entry, each not loaded or not compiling) fire only when a shipped schema is broken',
      },
      [path.join('connectors', 'kit', 'errors', 'transport-errors.ts')]: {
        count: 3,
        why: 'raw HTTP/SOAP failures that never leave the kit: classify.ts turns each into a coded ConnectorError',
      },
      [path.join('connectors', 'kit', 'xml.ts')]: {
        count: 1,
        why: 'XmlSyntaxError of the SOAP reader never leaves the connector: ministry/soap-answer.ts turns it into a MalformedBodyError (LIFECERT_CONNECTOR_BODY_MALFORMED, retried)',
      },
      [path.join('lib', 'digest-set.ts')]: {
        count: 1,
        why: 'RangeError for a digest shorter than 128 bits: its only callers pass sha-256 digests (connectors/kit/high-water.ts firstServing), so it fires only on a programming error, as a typed array\'s own RangeError would',
      },
      [path.join('connectors', 'civil', 'csv-file.ts')]: {
        count: 1,
        why: 'CsvQuoteError of the CSV reader never leaves the connector: civil/connector.ts names the file and line in a LIFECERT_CIVIL_CSV_MALFORMED error',
      },
      [path.join('lib', 'errors.ts')]: { count: 1, why: 'the base class itself' },
    };
    const uncoded = /\bnew (?:Error|TypeError|RangeError|SyntaxError|EvalError|ReferenceError|URIError|AggregateError)\(|\bextends Error\b/g;
    const found: Record<string, number> = {};
    for (const f of production) {
      const n = [...f.text.matchAll(uncoded)].length;
      if (n > 0) found[f.file] = n;
    }
    assert.deepEqual(found, Object.fromEntries(Object.entries(allowed).map(([file, a]) => [file, a.count])));
  });
});

describe('error registry: the errors', () => {
  it('createError carries the code and what follows from it, with a stable name', () => {
    const cause = new Error('inner');
    const e = createError('LIFECERT_PIPELINE_INPUT_INVALID', 'bad', { cause, details: { dataset: 'x' } });
    assert.ok(e instanceof LifecertError && e instanceof Error);
    assert.equal(e.name, 'LifecertError');
    assert.deepEqual([e.code, e.kind, e.retryable, e.httpStatus], ['LIFECERT_PIPELINE_INPUT_INVALID', 'input', false, 400]);
    assert.equal(e.cause, cause);
    assert.deepEqual(e.details, { dataset: 'x' });
  });

  it('every family of the hub is a LifecertError with its own stable name, and old instanceof checks hold', () => {
    const counts = { pulled: 0, staged: 0, rejected: 0, skipped: 0 };
    const details = { channel: 'health', dataset: 'checkups', pullId: 1, pagesCommitted: 0, counts };
    const cases: Array<[Error, string, ErrorCode, ...(abstract new (...args: never[]) => Error)[]]> = [
      [new ConnectorError('LIFECERT_HTTP_UNAVAILABLE', 'x'), 'ConnectorError', 'LIFECERT_HTTP_UNAVAILABLE'],
      [new ConfigError('police', ['/ bad']), 'ConfigError', 'LIFECERT_CONNECTOR_CONFIG_INVALID', ConnectorError],
      [new CivilInboxError('LIFECERT_CIVIL_HEADER_MISMATCH', 'x', ['a.csv']), 'CivilInboxError', 'LIFECERT_CIVIL_HEADER_MISMATCH', ConnectorError],
      [new MirrorError('LIFECERT_MIRROR_CLOSED', 'x'), 'MirrorError', 'LIFECERT_MIRROR_CLOSED'],
      [new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', 'x', details), 'IngestError', 'LIFECERT_PIPELINE_DATASET_FAILED'],
      [new IngestAbortedError(details), 'IngestAbortedError', 'LIFECERT_PIPELINE_ABORTED', IngestError],
      [new IngestRunError({}, [new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', 'x', details)]), 'IngestRunError', 'LIFECERT_PIPELINE_RUN_FAILED'],
      [new ExportError('x'), 'ExportError', 'LIFECERT_EXPORT_INPUT_INVALID'],
      [new MatchInputError('period', 'x'), 'MatchInputError', 'LIFECERT_MATCH_INPUT_INVALID'],
      [new HubConfigError('LIFECERT_CONFIG_SECRET_MISSING', 'x'), 'HubConfigError', 'LIFECERT_CONFIG_SECRET_MISSING'],
      [new JobsError('LIFECERT_JOBS_QUEUE_UNAVAILABLE', 'x'), 'JobsError', 'LIFECERT_JOBS_QUEUE_UNAVAILABLE'],
    ];
    for (const [err, name, code, ...parents] of cases) {
      assert.ok(err instanceof LifecertError, name);
      for (const parent of parents) assert.ok(err instanceof parent, `${name} is still a ${parent.name}`);
      assert.equal(err.name, name);
      assert.equal((err as LifecertError).code, code);
      assert.equal((err as LifecertError).httpStatus, ERRORS[code].httpStatus);
    }
  });

  it('an ingest failure names the code of its cause', () => {
    const cause = new ConnectorError('LIFECERT_SOAP_AUTH_FAILED', 'refused');
    const failure = new IngestError('LIFECERT_PIPELINE_DATASET_FAILED', 'ministry/DEATH failed', { channel: 'ministry', dataset: 'DEATH', pullId: 3, pagesCommitted: 2, counts: { pulled: 4, staged: 4, rejected: 0, skipped: 0 }, cause });
    assert.equal(failure.causeCode, 'LIFECERT_SOAP_AUTH_FAILED');
    const run = new IngestRunError({}, [failure]);
    assert.match(run.message, /ministry\/DEATH \(LIFECERT_SOAP_AUTH_FAILED: ministry\/DEATH failed\)/);
  });

  it('describeError reads any thrown value: its own code, the coded error of schemas/, or the fallback', () => {
    assert.equal(describeError(new MirrorError('LIFECERT_MIRROR_CLOSED', 'closed'), 'LIFECERT_CLI_UNEXPECTED').code, 'LIFECERT_MIRROR_CLOSED');
    const unknown = describeError(new UnknownDatasetError('hub', 'onsite'), 'LIFECERT_CLI_UNEXPECTED');
    assert.deepEqual([unknown.code, unknown.kind, unknown.httpStatus], ['LIFECERT_SCHEMA_DATASET_UNKNOWN', 'config', 500]);
    const plain = describeError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'LIFECERT_CLI_UNEXPECTED');
    assert.deepEqual([plain.code, plain.message, plain.retryable], ['LIFECERT_CLI_UNEXPECTED', 'read ECONNRESET', false]);
    assert.equal(describeError('a string', 'LIFECERT_CLI_UNEXPECTED').message, 'a string');
    assert.equal(errorCodeOf({ code: 'NOT_OURS' }), null);
  });

  it('gives the body api.md promises, its message masked', () => {
    assert.deepEqual(errorBody(describeError(new ExportError('period must be YYYY-MM'), 'LIFECERT_CLI_UNEXPECTED')), {
      error: { code: 'LIFECERT_EXPORT_INPUT_INVALID', message: 'period must be YYYY-MM' },
    });
    const roster = new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', 'roster entry 3 (440106194105160216): monthlyAmountFen must be an integer number of fen');
    assert.equal(errorBody(describeError(roster, 'LIFECERT_CLI_UNEXPECTED')).error.message, 'roster entry 3 (440106********0216): monthlyAmountFen must be an integer number of fen');
  });
});
