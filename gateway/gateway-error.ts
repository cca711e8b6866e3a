// The gateway's errors: one code per refusal, with the HTTP status the API answers
// (api.md: `{"error":{"code":"LIFECERT_<AREA>_<WHAT>","message":"..."}}`).
// TODO(errors): these rows move into lib/errors.ts, the hub's one registry, when it lands.

export const GATEWAY_ERRORS = {
  LIFECERT_AUTH_TOKEN_MISSING: { status: 401, description: 'no `Authorization: Bearer <token>` header' },
  LIFECERT_AUTH_TOKEN_MALFORMED: { status: 401, description: 'the Authorization header or the token is not of the form the hub issues' },
  LIFECERT_AUTH_TOKEN_UNKNOWN: { status: 401, description: 'no such token' },
  LIFECERT_AUTH_TOKEN_EXPIRED: { status: 401, description: 'the token is past its expiry' },
  LIFECERT_AUTH_TOKEN_REVOKED: { status: 401, description: 'the token was revoked' },
  LIFECERT_AUTH_ROLE_FORBIDDEN: { status: 403, description: 'the endpoint does not list any of the caller\'s roles' },
  LIFECERT_AUTH_REGION_FORBIDDEN: { status: 403, description: 'the resource, filter or body lies outside the caller\'s region or channel' },
  LIFECERT_API_INPUT_INVALID: { status: 400, description: 'the body, query or path does not match the endpoint\'s schema' },
  LIFECERT_API_CURSOR_INVALID: { status: 400, description: 'the paging cursor was not issued by this endpoint' },
  LIFECERT_API_ROUTE_UNKNOWN: { status: 404, description: 'no such endpoint' },
  LIFECERT_API_USER_NOT_FOUND: { status: 404, description: 'no such user' },
  LIFECERT_API_TOKEN_NOT_FOUND: { status: 404, description: 'no such token of that user' },
  LIFECERT_API_RUN_NOT_FOUND: { status: 404, description: 'no such run' },
  LIFECERT_API_CONNECTOR_NOT_FOUND: { status: 404, description: 'no configured connector of that name' },
  LIFECERT_API_USER_EXISTS: { status: 409, description: 'a user of that name exists' },
  LIFECERT_API_TOKEN_REVOKED: { status: 409, description: 'the token was already revoked' },
  LIFECERT_API_ROLES_INCOMPATIBLE: { status: 422, description: 'benefit-assessor together with an approver role (待遇核定人员不得兼任资格认证相关工作)' },
  LIFECERT_GATEWAY_INTERNAL: { status: 500, description: 'an unexpected failure; the log has the details under the request id' },
  LIFECERT_GATEWAY_NOT_READY: { status: 503, description: 'the database, Redis or the queues do not answer' },
  LIFECERT_GATEWAY_SECRET_MISSING: { status: 500, description: '`lifecert serve` and `lifecert user` refuse to start without LIFECERT_SECRET (the key of the token hashes)' },
  LIFECERT_GATEWAY_QUEUES_UNAVAILABLE: { status: 503, description: 'runs need the queues (REDIS_URL), which this server was started without' },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly httpStatus: number;

  constructor(code: GatewayErrorCode, message: string) {
    super(message);
    this.code = code;
    this.httpStatus = GATEWAY_ERRORS[code].status;
  }
}

export function gatewayError(code: GatewayErrorCode, message: string): GatewayError {
  return new GatewayError(code, message);
}
