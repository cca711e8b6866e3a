// The one error registry of the hub (after fastify's lib/errors.js): every error the hub
// raises has a code `LIFECERT_<AREA>_<WHAT>` listed here with its kind, whether it is worth
// repeating, the HTTP status the gateway answers with it and a line for the operator. Callers
// (the retry loop, the CLI, the logs, the gateway, the jobs) read these fields and never parse
// messages. docs/errors.md is generated from this table (`npm run docs:errors`); a test holds
// the two together and checks that every code is raised somewhere.
//
// Not here, because they are contracts rather than hub errors: the rejection reason codes of
// normalization.md (ID_FORMAT, REQUIRED_MISSING ...) and the sources' own wire faults
// (SYSTEM_BUSY, AUTH_FAILED ...), which classify.ts maps onto codes of this table.
import { maskText } from './mask.ts';

export const ERROR_KINDS = ['config', 'transient', 'auth', 'rate-limited', 'data', 'system', 'input', 'conflict', 'not-found'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What the gateway answers (api.md): 4xx the caller's request, 5xx the hub or a source behind it. */
export const HTTP_STATUSES = [400, 401, 403, 404, 409, 422, 500, 502, 503] as const;
export type HttpStatus = (typeof HTTP_STATUSES)[number];

export interface ErrorSpec {
  kind: ErrorKind;
  /** repeating the same call may succeed: withRetry retries these (until its attempts run out) */
  retryable: boolean;
  httpStatus: HttpStatus;
  /** one line, for the operator */
  description: string;
}

export const ERRORS = {
  // connectors: the kit and every source
  LIFECERT_CONNECTOR_CONFIG_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'the connector configuration does not match its schema' },
  LIFECERT_CONNECTOR_DEFINITION_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'a source definition the registry cannot take: a bad or repeated name or channel, a dataset without its raw schema, a connector for another source\'s channel' },
  LIFECERT_CONNECTOR_DATASET_UNKNOWN: { kind: 'config', retryable: false, httpStatus: 404, description: 'the connector was asked for a dataset it does not serve' },
  LIFECERT_CONNECTOR_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a connector was called with a malformed argument (an as-of date that is not YYYY-MM-DD)' },
  LIFECERT_CONNECTOR_NETWORK: { kind: 'transient', retryable: true, httpStatus: 503, description: 'a socket error (reset, refused, hang-up) before a full response arrived' },
  LIFECERT_CONNECTOR_TIMEOUT: { kind: 'transient', retryable: true, httpStatus: 503, description: 'no complete response within the configured timeout' },
  LIFECERT_CONNECTOR_BODY_MALFORMED: { kind: 'transient', retryable: true, httpStatus: 502, description: 'a 2xx response whose body is not the JSON/XML the interface promises (HTML, truncated)' },
  LIFECERT_CONNECTOR_RESPONSE_SHAPE: { kind: 'system', retryable: false, httpStatus: 502, description: 'a well-formed response that lacks the fields the interface defines' },
  LIFECERT_CONNECTOR_RESULT_NOT_OK: { kind: 'system', retryable: false, httpStatus: 502, description: 'the source answered with a result code other than success (its message says why)' },
  LIFECERT_CONNECTOR_PAGING_INVALID: { kind: 'transient', retryable: true, httpStatus: 502, description: 'a paging field (total, page number, size, cursor) is not the non-negative integer (or string cursor) the interface documents, or names another page than the one asked for; the cursor stays where it was' },
  LIFECERT_CONNECTOR_PAGING_REPEAT: { kind: 'transient', retryable: true, httpStatus: 502, description: 'a page repeated the records of the page before it, or a cursor came back that was already followed; the pull stops, the cursor stays where it was' },
  LIFECERT_CONNECTOR_PAGING_STALLED: { kind: 'transient', retryable: true, httpStatus: 502, description: 'paging went on past every record already seen without a new one; the pull stops, the cursor stays where it was' },
  LIFECERT_CONNECTOR_SOURCE_UNSTABLE: { kind: 'transient', retryable: true, httpStatus: 503, description: 'the source kept changing while being paged; the pull stopped after its re-pass limit' },
  LIFECERT_CONNECTOR_RETRY_AFTER_TOO_LONG: { kind: 'rate-limited', retryable: false, httpStatus: 503, description: 'the source asked to wait longer than the configured maximum' },
  LIFECERT_CONNECTOR_ABORTED: { kind: 'system', retryable: false, httpStatus: 503, description: 'the pull was aborted by its caller; the last committed cursor stays' },
  LIFECERT_CONNECTOR_FEEDBACK_REFUSED: { kind: 'system', retryable: false, httpStatus: 502, description: 'a feedback endpoint answered but did not accept the items' },
  LIFECERT_CONNECTOR_UNEXPECTED: { kind: 'system', retryable: false, httpStatus: 500, description: 'an error the connector did not anticipate' },
  // HTTP statuses of the REST sources (big-data center, police, health)
  LIFECERT_HTTP_NOT_FOUND: { kind: 'config', retryable: false, httpStatus: 502, description: 'HTTP 404 from a source: the configured URL or path is wrong' },
  LIFECERT_HTTP_RATE_LIMITED: { kind: 'rate-limited', retryable: true, httpStatus: 503, description: 'HTTP 429 from a source: wait for Retry-After, then repeat' },
  LIFECERT_HTTP_UNAVAILABLE: { kind: 'transient', retryable: true, httpStatus: 503, description: 'HTTP 500/502/503/504 from a source: it or its gateway is temporarily failing' },
  LIFECERT_HTTP_UNAUTHORIZED: { kind: 'auth', retryable: false, httpStatus: 502, description: 'HTTP 401 from a source: credentials refused (a token is renewed once before this is final)' },
  LIFECERT_HTTP_FORBIDDEN: { kind: 'auth', retryable: false, httpStatus: 502, description: 'HTTP 403 from a source: the credentials lack the right for this call' },
  LIFECERT_HTTP_CLIENT_ERROR: { kind: 'system', retryable: false, httpStatus: 502, description: 'another HTTP 4xx from a source: it refused the request as malformed' },
  LIFECERT_HTTP_STATUS_UNEXPECTED: { kind: 'system', retryable: false, httpStatus: 502, description: 'an HTTP status from a source that the connector does not expect' },
  // the ministry's SOAP faults (faultstring)
  LIFECERT_SOAP_SYSTEM_BUSY: { kind: 'transient', retryable: true, httpStatus: 503, description: 'ministry SOAP fault SYSTEM_BUSY: retried with backoff' },
  LIFECERT_SOAP_AUTH_FAILED: { kind: 'auth', retryable: false, httpStatus: 502, description: 'ministry SOAP fault AUTH_FAILED: the WS-Security token was refused' },
  LIFECERT_SOAP_INVALID_PARAM: { kind: 'system', retryable: false, httpStatus: 502, description: 'ministry SOAP fault INVALID_PARAM: the request parameters were refused' },
  LIFECERT_SOAP_FAULT: { kind: 'system', retryable: false, httpStatus: 502, description: 'another ministry SOAP fault' },
  // the civil-affairs file drop
  LIFECERT_CIVIL_HEADER_MISMATCH: { kind: 'data', retryable: false, httpStatus: 422, description: 'a civil CSV whose header is not the agreed one; the file is left unread' },
  LIFECERT_CIVIL_CSV_MALFORMED: { kind: 'data', retryable: false, httpStatus: 422, description: 'a civil CSV that cannot be parsed (an unclosed quote ...); the file is left unread' },
  LIFECERT_CIVIL_FILE_UNREADABLE: { kind: 'system', retryable: false, httpStatus: 500, description: 'a civil inbox or outbox file or folder could not be read' },
  LIFECERT_CIVIL_OUTBOX_WRITE_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'a civil feedback file could not be written to the outbox' },
  // the record schemas
  LIFECERT_SCHEMA_DATASET_UNKNOWN: { kind: 'config', retryable: false, httpStatus: 500, description: 'a (channel, dataset) pair that sources.md does not define reached normalization (a wiring error, not bad data)' },
  // the T+1 mirror
  LIFECERT_MIRROR_DATA_DIR_LOCKED: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'the embedded data folder is held by another live process (its lock file)' },
  LIFECERT_MIRROR_CONFIG_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'DATABASE_URL, the schema name or the data folder is missing or unusable' },
  LIFECERT_MIRROR_MIGRATION_CHANGED: { kind: 'config', retryable: false, httpStatus: 500, description: 'an applied migration file was edited afterwards: the schema no longer matches the files' },
  LIFECERT_MIRROR_MIGRATION_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'a migration failed; nothing of that migrate() call was applied' },
  LIFECERT_MIRROR_IDENTIFIER_INVALID: { kind: 'system', retryable: false, httpStatus: 500, description: 'a table or column name that is not a plain SQL identifier' },
  LIFECERT_MIRROR_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a value the store refuses (roster entry, page, batch size) before touching the database' },
  LIFECERT_MIRROR_CLOSED: { kind: 'system', retryable: false, httpStatus: 500, description: 'the database was used after close()' },
  LIFECERT_MIRROR_TEMPLATE_FAILED: { kind: 'system', retryable: true, httpStatus: 500, description: 'the embedded database template (an initialised, migrated PGlite folder in the cache) could not be built or stayed corrupt after a rebuild' },
  LIFECERT_MIRROR_INVARIANT_BROKEN: { kind: 'system', retryable: false, httpStatus: 500, description: 'the database or a driver answered against an assumption of the store (a bug)' },
  // the decision engine
  LIFECERT_MATCH_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 422, description: 'a roster entry or match option the rules cannot be applied to; nothing is guessed' },
  // ingest, match and export
  LIFECERT_PIPELINE_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a pull was asked for with a bad argument (unknown dataset, malformed as-of date)' },
  LIFECERT_PIPELINE_DATASET_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'the connector, normalization or the database failed a pull; pages before it stay committed (the cause has its own code)' },
  LIFECERT_PIPELINE_ABORTED: { kind: 'system', retryable: false, httpStatus: 503, description: 'the caller stopped the pull between pages; the next pull resumes from the last committed cursor' },
  LIFECERT_PIPELINE_RUN_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'one or more datasets of a run failed; the others finished' },
  LIFECERT_PIPELINE_NORMALIZATION_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'normalization threw on a record instead of staging, rejecting or skipping it (a bug); the page is not staged' },
  LIFECERT_EXPORT_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'an export was asked for with a bad period, list or format' },
  // the report
  LIFECERT_REPORT_VALUE_INVALID: { kind: 'data', retryable: false, httpStatus: 500, description: 'a result or number that the report cannot show truthfully (wrong period, unknown decision, not a whole number)' },
  // queues and workers (jobs/)
  LIFECERT_JOBS_REQUEST_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a run request that is malformed: period, as-of date, steps, connectors or who asked' },
  LIFECERT_JOBS_CONNECTOR_UNKNOWN: { kind: 'config', retryable: false, httpStatus: 400, description: 'a connector the configuration does not have (a worker without it fails the job for good)' },
  LIFECERT_JOBS_SCHEDULE_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'a configured schedule BullMQ cannot schedule (cron pattern, time zone): a configuration error at start' },
  LIFECERT_JOBS_QUEUE_UNAVAILABLE: { kind: 'transient', retryable: true, httpStatus: 503, description: 'Redis could not be reached or refused the flow' },
  LIFECERT_JOBS_DATASET_BUSY: { kind: 'conflict', retryable: true, httpStatus: 409, description: 'another pull holds the dataset and this job cannot wait for it in the queue' },
  LIFECERT_JOBS_WORKER_STOPPING: { kind: 'transient', retryable: true, httpStatus: 503, description: 'the worker is shutting down; its pulls stop after the page in hand and go back to the queue' },
  LIFECERT_JOBS_JOB_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'a job failed for a reason that carried no code of its own' },
  LIFECERT_JOBS_OPTIONS_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'worker options or REDIS_URL out of range (a programming or command-line error)' },
  // the gateway (api.md): the token, the caller's role and region, the request, the server
  LIFECERT_AUTH_TOKEN_MISSING: { kind: 'auth', retryable: false, httpStatus: 401, description: 'a request to a protected endpoint without an `Authorization: Bearer <token>` header' },
  LIFECERT_AUTH_TOKEN_MALFORMED: { kind: 'auth', retryable: false, httpStatus: 401, description: 'the Authorization header or the token is not of the form the hub issues' },
  LIFECERT_AUTH_TOKEN_UNKNOWN: { kind: 'auth', retryable: false, httpStatus: 401, description: 'a well-formed token the hub never issued (or issued under another LIFECERT_SECRET)' },
  LIFECERT_AUTH_TOKEN_EXPIRED: { kind: 'auth', retryable: false, httpStatus: 401, description: 'the token is past its expiry: an administrator issues a new one' },
  LIFECERT_AUTH_TOKEN_REVOKED: { kind: 'auth', retryable: false, httpStatus: 401, description: 'the token was revoked' },
  LIFECERT_AUTH_SESSION_INVALID: { kind: 'auth', retryable: false, httpStatus: 401, description: 'a web session cookie (/dashboard, /queues) that is malformed or not signed with this LIFECERT_SECRET: log in again' },
  LIFECERT_AUTH_SESSION_EXPIRED: { kind: 'auth', retryable: false, httpStatus: 401, description: 'the web session is past its expiry (8 hours, or its token\'s expiry if sooner): log in again' },
  LIFECERT_AUTH_SESSION_ENDED: { kind: 'auth', retryable: false, httpStatus: 401, description: 'the web session was ended by logging out: log in again' },
  LIFECERT_AUTH_ROLE_FORBIDDEN: { kind: 'auth', retryable: false, httpStatus: 403, description: "the endpoint does not list any of the caller's roles (also for an id that does not exist)" },
  LIFECERT_AUTH_REGION_FORBIDDEN: { kind: 'auth', retryable: false, httpStatus: 403, description: "the resource, filter or body lies outside the caller's region or channel" },
  LIFECERT_API_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: "the body, query or path does not match the endpoint's schema (or is not JSON)" },
  LIFECERT_API_CURSOR_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a paging cursor this endpoint did not issue' },
  LIFECERT_API_ROUTE_UNKNOWN: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no endpoint at that method and path' },
  LIFECERT_API_USER_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no user with that id (or name, on the command line)' },
  LIFECERT_API_TOKEN_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'that user has no token with that id' },
  LIFECERT_API_RUN_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no run with that id' },
  LIFECERT_API_CONNECTOR_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no configured connector of that name' },
  LIFECERT_API_USER_EXISTS: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'a user of that name exists' },
  LIFECERT_API_TOKEN_REVOKED: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'the token was revoked already' },
  LIFECERT_API_ROLES_INCOMPATIBLE: { kind: 'input', retryable: false, httpStatus: 422, description: 'benefit-assessor together with an approver role (待遇核定人员不得兼任资格认证相关工作)' },
  LIFECERT_GATEWAY_SECRET_MISSING: { kind: 'config', retryable: false, httpStatus: 500, description: '`lifecert serve` and `lifecert user` refuse to start without LIFECERT_SECRET, the key of the token hashes' },
  LIFECERT_GATEWAY_QUEUES_UNAVAILABLE: { kind: 'config', retryable: false, httpStatus: 503, description: 'runs and pulls need the queues, and this server was built without them' },
  LIFECERT_GATEWAY_NOT_READY: { kind: 'transient', retryable: true, httpStatus: 503, description: 'readiness: the database, Redis or the queues do not answer' },
  LIFECERT_GATEWAY_INTERNAL: { kind: 'system', retryable: false, httpStatus: 500, description: 'an unexpected failure while serving; the log has it under the request id' },
  // the roster import and the working calendar
  LIFECERT_ROSTER_INPUT_INVALID: { kind: 'data', retryable: false, httpStatus: 400, description: 'a roster file with bad lines (each named with its number), a person twice, or no entries; nothing was loaded' },
  LIFECERT_CONFIG_CALENDAR_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'the working-calendar file cannot be read or has impossible dates (the out-of-hours flag depends on it)' },
  // suspect cases and on-site certifications (workflow.md 疑点核查)
  LIFECERT_CASE_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no case with this id' },
  LIFECERT_CASE_CLOSED: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'the case is already closed: an outcome is recorded once' },
  LIFECERT_CASE_OUTCOME_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'an outcome or on-site certification with a missing or malformed field (evidence, a date, a falseEvent naming no event of the case ...)' },
  LIFECERT_CASE_PERSON_UNKNOWN: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'the roster holds no person with this identity number' },
  // feedback items and their delivery to the departments (workflow.md 不属实数据反馈)
  LIFECERT_FEEDBACK_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no feedback item with this id' },
  LIFECERT_FEEDBACK_NOT_FAILED: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'only a FAILED feedback item can be resent' },
  LIFECERT_FEEDBACK_PARTLY_ACCEPTED: { kind: 'transient', retryable: true, httpStatus: 502, description: 'the channel accepted only part of a request; the whole request is sent again' },
  LIFECERT_FEEDBACK_RECORD_ID_MISSING: { kind: 'data', retryable: false, httpStatus: 422, description: 'a REJECTED item of a record that carried no record id: no department interface can name it, so it is FAILED at once and stays in the feed' },
  LIFECERT_FEEDBACK_CHANNEL_UNCONFIGURED: { kind: 'config', retryable: true, httpStatus: 503, description: 'items wait for a channel with no configured connector (they stay PENDING until one is configured)' },
  // the department feed (api.md /feeds)
  LIFECERT_FEED_CHANNEL_FORBIDDEN: { kind: 'auth', retryable: false, httpStatus: 403, description: "a department asked for another channel's feed" },
  LIFECERT_FEED_CURSOR_UNKNOWN: { kind: 'input', retryable: false, httpStatus: 400, description: 'an ack or a page with a cursor this feed never issued' },
  // the hub configuration file
  LIFECERT_CONFIG_UNREADABLE: { kind: 'config', retryable: false, httpStatus: 500, description: 'the configuration file cannot be read or is not JSON' },
  LIFECERT_CONFIG_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'the configuration does not match config.schema.json' },
  LIFECERT_CONFIG_SECRET_INLINE: { kind: 'config', retryable: false, httpStatus: 500, description: 'a secret written in the configuration file instead of {"env": "VARIABLE"}' },
  LIFECERT_CONFIG_SECRET_MISSING: { kind: 'config', retryable: false, httpStatus: 500, description: 'a secret reference that is malformed or names an environment variable that is not set' },
  LIFECERT_CONFIG_ENV_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'an environment setting (LIFECERT_LOG_LEVEL, LIFECERT_LOG_FORMAT) has a value the hub does not know' },
  // the command line
  LIFECERT_CLI_COMMAND_UNKNOWN: { kind: 'input', retryable: false, httpStatus: 400, description: 'lifecert was called with a command it does not have' },
  LIFECERT_CLI_ARGUMENT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a missing, unknown or malformed command-line option' },
  LIFECERT_CLI_MIRROR_MISSING: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'a reading command found no mirror where it was pointed (it never creates one)' },
  LIFECERT_CLI_RESULTS_MISSING: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'the mirror holds no results table, or no results for the period asked for' },
  LIFECERT_CLI_UNEXPECTED: { kind: 'system', retryable: false, httpStatus: 500, description: 'an error without a code of this table reached the command line (a bug: give it a code)' },
  // Node-RED: the embedded editor and the lifecert nodes (flows/)
  LIFECERT_FLOWS_CONFIG_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'a lifecert node is configured incompletely or wrongly (no mirror or source chosen, a field mapping or cron pattern that cannot be used); fix it in the editor' },
  LIFECERT_FLOWS_MESSAGE_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a message reached a lifecert node without what it needs (a period YYYY-MM, an as-of date, records, results); the node did nothing' },
  LIFECERT_FLOWS_MIRROR_UNAVAILABLE: { kind: 'config', retryable: false, httpStatus: 503, description: 'a mirror configuration node set to the hub\'s mirror runs outside lifecert serve, or its own database could not be opened' },
  LIFECERT_FLOWS_NODE_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'a lifecert node caught something that was not an error (a thrown string); its message says what' },
  LIFECERT_FLOWS_SETTINGS_INVALID: { kind: 'config', retryable: false, httpStatus: 500, description: 'the embedded Node-RED cannot start: its folder is not writable or LIFECERT_SECRET is missing' },
  LIFECERT_FLOWS_AUDIT_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'a flow deploy could not be written to the audit log (the deploy itself stands; the log says who and when)' },
  // import batches (article 9) and adoption feedback to the ministry (article 14)
  LIFECERT_BATCH_INPUT_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'an import batch request with a bad period, county or batch size, or results that cannot be imported as they are' },
  LIFECERT_BATCH_TOO_LARGE: { kind: 'input', retryable: false, httpStatus: 422, description: 'more than 2,000 persons in one import batch: refused whoever asks' },
  LIFECERT_BATCH_NOT_FOUND: { kind: 'not-found', retryable: false, httpStatus: 404, description: 'no import batch with that id' },
  LIFECERT_BATCH_APPROVER_FORBIDDEN: { kind: 'auth', retryable: false, httpStatus: 403, description: 'the approver created the batch or already approved it: two approvals need two users, neither the creator' },
  LIFECERT_BATCH_STATE_CONFLICT: { kind: 'conflict', retryable: false, httpStatus: 409, description: 'the batch is not in the state the step needs (level 1: OPEN, level 2: APPROVED_L1, import: IMPORTING, retry: IMPORT_FAILED)' },
  LIFECERT_BATCH_IMPORT_UNAVAILABLE: { kind: 'config', retryable: false, httpStatus: 503, description: 'the provincial import endpoint is not configured (`provincial` in the configuration) or the queues are missing' },
  LIFECERT_BATCH_IMPORT_REFUSED: { kind: 'system', retryable: false, httpStatus: 502, description: 'the provincial system refused the batch (a 4xx answer or a code other than 0); it is IMPORT_FAILED until retried' },
  LIFECERT_ADOPTION_CHANNEL_MISSING: { kind: 'config', retryable: false, httpStatus: 503, description: 'adoption feedback needs the ministry connector, which this configuration lacks' },
  LIFECERT_ADOPTION_PARTIAL: { kind: 'transient', retryable: true, httpStatus: 502, description: 'the ministry accepted fewer items than SubmitFeedback sent: the batch is sent again whole, with the same batch id' },
  // the sandbox, as the command line sees it (its simulators keep their own protocol errors)
  LIFECERT_SANDBOX_FAILED: { kind: 'system', retryable: false, httpStatus: 500, description: 'the sandbox could not generate, read or serve a world (its message says why)' },
  LIFECERT_SANDBOX_WORLD_INVALID: { kind: 'input', retryable: false, httpStatus: 400, description: 'a world file the sandbox cannot serve: not JSON (the message names the byte), a record that is not an object of string values, or not following world.schema.json' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes of one area: `CodeOf<'MIRROR'>` is every `LIFECERT_MIRROR_*`. */
export type CodeOf<Area extends string> = Extract<ErrorCode, `LIFECERT_${Area}_${string}`>;

export const ERROR_CODE_PATTERN = /^LIFECERT_[A-Z]+_[A-Z0-9_]+$/;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

export interface LifecertErrorOptions {
  cause?: unknown;
  /** facts for the operator and the logs (ids, counts, the request); never a secret */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The base of every hub error: `code` from the registry, and `kind`, `retryable`, `httpStatus`
 * following from it. Subclasses (ConnectorError, MirrorError, IngestError ...) keep their own
 * fields and a stable `name`, so existing `instanceof` checks keep working.
 */
export class LifecertError extends Error {
  override readonly name: string = 'LifecertError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly httpStatus: HttpStatus;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: LifecertErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorSpec = ERRORS[code];
    this.code = code;
    this.kind = spec.kind;
    this.retryable = spec.retryable;
    this.httpStatus = spec.httpStatus;
    this.details = options.details ?? {};
  }
}

/** A LifecertError of `code`: for places that need no fields beyond the registry's. */
export function createError(code: ErrorCode, message: string, options: LifecertErrorOptions = {}): LifecertError {
  return new LifecertError(code, message, options);
}

export function isLifecertError(err: unknown): err is LifecertError {
  return err instanceof LifecertError;
}

/**
 * The registry code a thrown value carries, or null: a LifecertError, or the one coded error
 * of schemas/ (which imports nothing and so cannot extend the base).
 */
export function errorCodeOf(err: unknown): ErrorCode | null {
  const own = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return isErrorCode(own) ? own : null;
}

export interface DescribedError extends ErrorSpec {
  code: ErrorCode;
  message: string;
}

/** The registry's view of any thrown value: its own code, else `fallback` — the code of the place that caught it. */
export function describeError(err: unknown, fallback: ErrorCode): DescribedError {
  const code = errorCodeOf(err) ?? fallback;
  const message = err instanceof Error ? err.message || err.name : String(err);
  return { code, message, ...ERRORS[code] };
}

/**
 * The body api.md gives every error: `{"error":{"code":"LIFECERT_<AREA>_<WHAT>","message":"..."}}`,
 * the message masked (api.md: never a full identity number, a name or a secret).
 */
export function errorBody(described: Pick<DescribedError, 'code' | 'message'>): { error: { code: ErrorCode; message: string } } {
  return { error: { code: described.code, message: maskText(described.message) } };
}

/** docs/errors.md, generated from the table (`npm run docs:errors`). */
export function errorsMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = (Object.entries(ERRORS) as [ErrorCode, ErrorSpec][]).map(
    ([code, s]) => `| \`${code}\` | ${s.kind} | ${s.retryable ? 'yes' : 'no'} | ${s.httpStatus} | ${cell(s.description)} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- generated from lib/errors.ts by `npm run docs:errors`; do not edit by hand -->',
    '',
    'Every error the hub raises carries one of these codes. The gateway answers',
    '`{"error":{"code":"LIFECERT_<AREA>_<WHAT>","message":"..."}}` with the HTTP status shown; the',
    'command line prints `lifecert: <code>: <message>` and exits non-zero; the logs carry the code.',
    '*Retryable* means repeating the same call may succeed: connectors retry these with backoff.',
    '',
    'Rejection reason codes of records (`ID_FORMAT`, `REQUIRED_MISSING` ...) are data outcomes, not',
    'errors: they are listed in normalization.md.',
    '',
    '| code | kind | retryable | HTTP status | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
