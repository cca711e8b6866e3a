// One registry of connector error codes (fastify-style): every ConnectorError carries one of
// these codes, so logs, the dashboard and the retry logic agree on what went wrong.
// A test checks that every code is unique and documented here.

export type ErrorKind = 'config' | 'transient' | 'auth' | 'rate-limited' | 'data' | 'system';

export interface ErrorCodeInfo {
  kind: ErrorKind;
  /** retried by withRetry (until the attempts are exhausted) */
  retryable: boolean;
  /** what an operator reads */
  description: string;
}

export const ERROR_CODES = {
  CONFIG_INVALID: { kind: 'config', retryable: false, description: 'the connector configuration does not match its schema' },
  DATASET_UNKNOWN: { kind: 'config', retryable: false, description: 'the connector was asked for a dataset it does not serve' },
  HTTP_NOT_FOUND: { kind: 'config', retryable: false, description: 'HTTP 404: the configured URL or path is wrong' },
  HTTP_RATE_LIMITED: { kind: 'rate-limited', retryable: true, description: 'HTTP 429: wait for Retry-After, then repeat' },
  HTTP_UNAVAILABLE: { kind: 'transient', retryable: true, description: 'HTTP 500/502/503/504: the source or its gateway is temporarily failing' },
  HTTP_UNAUTHORIZED: { kind: 'auth', retryable: false, description: 'HTTP 401: credentials refused (a token is renewed once before this is final)' },
  HTTP_FORBIDDEN: { kind: 'auth', retryable: false, description: 'HTTP 403: the credentials lack the right for this call' },
  HTTP_CLIENT_ERROR: { kind: 'system', retryable: false, description: 'another HTTP 4xx: the source refused the request as malformed' },
  HTTP_STATUS: { kind: 'system', retryable: false, description: 'an HTTP status the connector does not expect' },
  NETWORK: { kind: 'transient', retryable: true, description: 'a socket error (reset, refused, hang-up) before a full response arrived' },
  TIMEOUT: { kind: 'transient', retryable: true, description: 'no complete response within the configured timeout' },
  BODY_MALFORMED: { kind: 'transient', retryable: true, description: 'a 2xx response whose body is not the JSON/XML the interface promises (HTML, truncated)' },
  RESPONSE_SHAPE: { kind: 'system', retryable: false, description: 'a well-formed response that lacks the fields the interface defines' },
  SOAP_SYSTEM_BUSY: { kind: 'transient', retryable: true, description: 'ministry SOAP fault SYSTEM_BUSY: retried with backoff' },
  SOAP_AUTH_FAILED: { kind: 'auth', retryable: false, description: 'ministry SOAP fault AUTH_FAILED: the WS-Security token was refused' },
  SOAP_INVALID_PARAM: { kind: 'system', retryable: false, description: 'ministry SOAP fault INVALID_PARAM: the request parameters were refused' },
  SOAP_FAULT: { kind: 'system', retryable: false, description: 'another ministry SOAP fault' },
  RESULT_NOT_OK: { kind: 'system', retryable: false, description: 'the ministry answered with a resultCode other than 0000 (resultMsg says why)' },
  SOURCE_UNSTABLE: { kind: 'transient', retryable: false, description: 'the source kept changing while being paged; the pull stopped after its re-pass limit' },
  RETRY_AFTER_TOO_LONG: { kind: 'rate-limited', retryable: false, description: 'the source asked to wait longer than the configured maximum' },
  ABORTED: { kind: 'system', retryable: false, description: 'the pull was aborted by its caller; the last committed cursor stays' },
  CIVIL_HEADER_MISMATCH: { kind: 'data', retryable: false, description: 'a civil CSV whose header is not the agreed one; the file is left unread' },
  CIVIL_CSV_MALFORMED: { kind: 'data', retryable: false, description: 'a civil CSV that cannot be parsed (an unclosed quote ...); the file is left unread' },
  CIVIL_FILE_UNREADABLE: { kind: 'system', retryable: false, description: 'a civil inbox file could not be read' },
  OUTBOX_WRITE_FAILED: { kind: 'system', retryable: false, description: 'a civil feedback file could not be written to the outbox' },
  FEEDBACK_REFUSED: { kind: 'system', retryable: false, description: 'a feedback endpoint answered but did not accept the items' },
  UNEXPECTED: { kind: 'system', retryable: false, description: 'an error the connector did not anticipate' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
