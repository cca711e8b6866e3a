// The gateway: one fastify server with the REST API of api.md, authentication, roles and
// region scope, the audit log, /metrics, /healthz, /readyz and the OpenAPI document.
//
// fastify because its routes are declared with JSON Schemas that do three jobs at once:
// validate the request, serialize the response (nothing outside the schema leaves, which is
// what keeps unmasked fields from slipping into an answer) and generate the OpenAPI 3.1
// document (@fastify/swagger) with its docs page served from the package (@fastify/swagger-ui)
// — one source, nothing written twice. Its hooks give the access order of api.md a place per
// step (onRequest: token and role; preValidation: region; then validation), and it hosts
// Express apps (Node-RED's httpAdmin / httpNode) on a path prefix through `mounts`.
//
// Pages for people sit beside the API: /dashboard (dashboard/: sections, login, session cookie)
// and /queues (the BullMQ board); they take the session cookie as well as the token, and
// answer people with pages (a 401 sends them to the login form) and programs with JSON.
//
// Extending it: createGateway() returns the fastify instance before it listens, so later
// parts register their own plugins on it (`plugins`) and their dashboard sections
// (`dashboardSections`); a route that states `config.access` gets the same token, role and
// region checks and appears in the OpenAPI document with its roles.
import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { maskIdentityNumbersIn } from '../lib/mask.ts';
import { loadWorkingCalendar } from '../lib/working-calendar.ts';
import type { WorkingCalendar } from '../lib/working-calendar.ts';
import type { Db } from '../mirror/index.ts';
import type { Role } from '../schemas/access.ts';
import { accessPlugin } from './access.ts';
import type { Access } from './access.ts';
import { ERRORS, errorBody, isLifecertError } from '../lib/errors.ts';
import type { ErrorCode } from '../lib/errors.ts';
import type { ConnectorInfo, FeedbackDeliveries, GatewayContext, GatewayJobs, ReadinessCheck } from './context.ts';
import { createGatewayLogger } from './logging.ts';
import { createMetrics } from './metrics.ts';
import type { GatewayMetrics } from './metrics.ts';
import { adoptionRoutes } from './routes/adoption.ts';
import { auditRoutes } from './routes/audit.ts';
import { BATCH_SCHEMA, batchesRoutes } from './routes/batches.ts';
import { connectorsRoutes } from './routes/connectors.ts';
import { healthRoutes } from './routes/health.ts';
import { resultsRoutes } from './routes/results.ts';
import { RUN_STATUS_SCHEMA, runsRoutes } from './routes/runs.ts';
import { usersRoutes } from './routes/users.ts';
import { dashboardPlugin, LOGIN_PATH } from './dashboard/plugin.ts';
import { errorPage, PAGE_CSP } from './dashboard/page.ts';
import { DEFAULT_SECTIONS } from './dashboard/default-sections.ts';
import type { DashboardSection } from './dashboard/sections.ts';
import { queueBoardPlugin } from './queue-board.ts';
import { SESSION_COOKIE } from './session.ts';
import { casesRoutes } from './routes/cases.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { feedsRoutes } from './routes/feeds.ts';

export const API_PREFIX = '/api/v1';
export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;
export const DOCS_PATH = `${API_PREFIX}/docs`;

/** A plain Node request handler served under a path prefix (an Express app: Node-RED's httpAdmin / httpNode). */
export interface RawMount {
  /** `/flows`: every method on this path and below goes to `handler`, the body unread */
  prefix: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** hand the handler the URL without the prefix, as Express's app.use(prefix, sub) does (default true) */
  stripPrefix?: boolean;
}

export interface GatewayOptions {
  /** the mirror (not closed by the gateway: its owner closes it) */
  db: Db;
  /** LIFECERT_SECRET: the key of the token hashes */
  secret: string;
  /** the configured connectors (channel + datasets) */
  connectors?: readonly ConnectorInfo[];
  /** the queues; null or absent: runs and pulls answer 503 */
  jobs?: GatewayJobs | null;
  /** asks the queues to deliver new feedback items at once (case outcomes, resends); absent: the workers' sweep takes them */
  deliveries?: FeedbackDeliveries | null;
  /** readiness probes besides the database: `redis`, `queues` */
  readiness?: Record<string, ReadinessCheck>;
  /** the working calendar of the out-of-hours flag (default: the shipped one) */
  calendar?: WorkingCalendar;
  /** epoch ms (default Date.now): injected by tests */
  now?: () => number;
  /** the pino logger (default: JSON lines on stderr, identity numbers masked, secrets redacted) */
  logger?: Logger;
  /** Express or plain Node handlers beside the API */
  mounts?: readonly RawMount[];
  /** more fastify plugins, registered after the API with the shared context */
  plugins?: readonly FastifyPluginAsync<{ ctx: GatewayContext }>[];
  /** how long county-level metric readings are reused (ms, default 30 s) */
  metricsCountyCacheMs?: number;
  /** more /dashboard sections, after the built-in ones (connector health, runs, decisions, rejections, queues) */
  dashboardSections?: readonly DashboardSection[];
  /** seconds between the dashboard page's own refreshes (default 30) */
  dashboardRefreshSeconds?: number;
  /** the BullMQ queues shown at /queues (`jobs.queues`); absent: no queue board */
  boardQueues?: readonly Queue[];
}

/** A route as served: what the OpenAPI document must list (hidden: the docs page and mounts). */
export interface ServedRoute {
  method: string;
  url: string;
  hidden: boolean;
}

export interface Gateway {
  /** the fastify instance, not listening yet: register more plugins, then `listen` */
  app: FastifyInstance;
  /** every route registered so far (an index for the dashboard, a check for the OpenAPI document) */
  routes(): readonly ServedRoute[];
  ctx: GatewayContext;
  metrics: GatewayMetrics;
  /** listens and resolves with the address (`http://127.0.0.1:8080`) */
  listen(port: number, host: string): Promise<string>;
  /** stops accepting requests and closes the server (not the database or the queues) */
  close(): Promise<void>;
}

const VERSION = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
const resultSchema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'schemas', 'results.schema.json'), 'utf8')) as Record<string, unknown>;

const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', pattern: '^LIFECERT_[A-Z]+_[A-Z0-9_]+$', description: 'a code of the error registry' },
        message: { type: 'string', description: 'for people; never a full identity number, a name or a secret' },
      },
    },
  },
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input: the body, query, path or cursor',
  401: 'No, malformed, unknown, expired or revoked token',
  403: 'A role the endpoint does not list (also for an id that does not exist), or outside the caller\'s region',
  404: 'Not found',
  409: 'Conflict',
  422: 'Refused by a rule',
  503: 'A dependency (the queues) is not available',
};

/**
 * The error answer for anything thrown while serving: a coded error of the registry answers with
 * its own status and message (a 500 of it stays an internal error: its message is for the log,
 * not the caller); the framework's own refusals (schema, unreadable JSON, content type, size)
 * are bad input; anything else is internal.
 */
function toErrorAnswer(err: FastifyError | Error): { status: number; code: ErrorCode; message: string } {
  if (isLifecertError(err) && (err.httpStatus < 500 || err.httpStatus === 503)) return { status: err.httpStatus, code: err.code, message: err.message };
  const fe = err as FastifyError;
  if (!isLifecertError(err) && (fe.validation || (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500))) {
    return { status: 400, code: 'LIFECERT_API_INPUT_INVALID', message: fe.message };
  }
  return { status: 500, code: 'LIFECERT_GATEWAY_INTERNAL', message: 'internal error; the log has the details under this request id' };
}

/** The OpenAPI operation of a route, completed from its access rule: security, roles, region, error answers. */
function documentAccess(schema: Record<string, unknown>, access: Access | undefined, errors: readonly number[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  const statuses = new Set<number>(errors ?? []);
  if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined) statuses.add(400);
  if (access !== undefined && access.roles !== 'public') {
    out.security = [{ bearerAuth: [] }];
    out['x-lifecert-roles'] = [...access.roles];
    const rule = `**Roles:** ${access.roles.join(', ')}. **Region:** ${access.regionRule ?? 'not region-scoped'}.`;
    out.description = schema.description === undefined ? rule : `${String(schema.description)}\n\n${rule}`;
    statuses.add(401);
    statuses.add(403);
  }
  const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const status of [...statuses].sort()) {
    if (response[status] === undefined) response[status] = { description: STATUS_TEXT[status] ?? 'Error', $ref: 'ErrorBody#' };
  }
  out.response = response;
  return out;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createGatewayLogger({ secrets: [options.secret] });
  const ctx: GatewayContext = {
    db: options.db,
    secret: options.secret,
    now,
    calendar: options.calendar ?? loadWorkingCalendar(),
    connectors: options.connectors ?? [],
    jobs: options.jobs ?? null,
    readiness: options.readiness ?? {},
    deliveries: options.deliveries ?? null,
  };
  const metrics = createMetrics({ db: options.db, jobs: ctx.jobs, now, log: logger, countyCacheMs: options.metricsCountyCacheMs });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // documented routes are exactly the routes served: no implicit HEAD twins
    exposeHeadRoutes: false,
    // an unknown body field is refused (400), not silently dropped
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    bodyLimit: 1024 * 1024,
  });

  const served: ServedRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) served.push({ method, url: route.url, hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true });
  });

  // Node-RED's Express apps (and any plain handler) get the raw request, body unread
  for (const mount of options.mounts ?? []) {
    const prefix = mount.prefix.replace(/\/+$/, '');
    const serve = (raw: IncomingMessage, res: ServerResponse) => {
      if (mount.stripPrefix ?? true) raw.url = raw.url?.slice(prefix.length) || '/';
      if (!raw.url?.startsWith('/')) raw.url = `/${raw.url ?? ''}`;
      mount.handler(raw, res);
    };
    for (const url of [prefix, `${prefix}/*`]) {
      app.route({
        method: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'],
        url,
        schema: { hide: true },
        onRequest: (req, reply, done) => {
          reply.hijack();
          serve(req.raw, reply.raw);
          done();
        },
        handler: async () => undefined,
      });
    }
  }

  app.addSchema(errorBodySchema);
  app.addSchema({ ...resultSchema, $id: 'Result', $schema: undefined });
  app.addSchema(RUN_STATUS_SCHEMA);
  app.addSchema(BATCH_SCHEMA);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lifecert gateway',
        version: VERSION,
        description: 'The REST API of the eligibility-certification hub (api.md). Errors are `{"error":{"code":"LIFECERT_<AREA>_<WHAT>","message":"..."}}`. Lists are paged with `cursor` / `limit` and return `nextCursor`. Access is checked in this order: token (401), role (403), region (403), then the request itself (400 / 404 / 409 / 422).',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'a token from `lifecert user add` or `POST /api/v1/users/{id}/tokens`' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const config = (route.config ?? {}) as { access?: Access; errors?: readonly number[] };
      if (schema === undefined || (schema as { hide?: boolean }).hide) return { schema, url };
      return { schema: documentAccess(schema as Record<string, unknown>, config.access, config.errors) as typeof schema, url };
    },
  });
  // cookies are parsed before the access check (registered first, its hook runs first): the pages take a session
  await app.register(cookie, { hook: 'onRequest' });
  await app.register(accessPlugin, { db: options.db, secret: options.secret, now });

  const handleError = (err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const answer = toErrorAnswer(err);
    metrics.apiErrors.inc({ code: answer.code });
    if (answer.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: answer.code, statusCode: answer.status }, 'request refused');
    // errorBody masks the message (api.md: never a full identity number, a name or a secret)
    const body = errorBody(answer);
    if (req.routeOptions.config?.access?.session && (req.headers.accept ?? '').includes('text/html')) {
      // a person on a page: no or a spent session goes to the login form, anything else gets a page
      if (answer.status === 401) {
        if (req.cookies?.[SESSION_COOKIE] !== undefined) reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(req.url)}`, 303);
      }
      return reply.code(answer.status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(errorPage({ status: answer.status, ...body.error }));
    }
    return reply.code(answer.status).send(body);
  };
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    const code: ErrorCode = 'LIFECERT_API_ROUTE_UNKNOWN';
    metrics.apiErrors.inc({ code });
    return reply.code(ERRORS[code].httpStatus).send(errorBody({ code, message: `no endpoint ${req.method} ${req.url.split('?')[0]}` }));
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(healthRoutes, { ctx });
  app.get(
    '/metrics',
    {
      config: { access: { roles: 'public' } },
      schema: {
        summary: 'Prometheus metrics',
        description: 'Read from the mirror and Redis at scrape time. Bind the server to an internal address or protect this path in deployment.',
        tags: ['health'],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_req, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
  await app.register(
    async (api) => {
      await api.register(runsRoutes, { ctx });
      await api.register(resultsRoutes, { ctx });
      await api.register(connectorsRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
      await api.register(usersRoutes, { ctx });
      await api.register(batchesRoutes, { ctx });
      await api.register(adoptionRoutes, { ctx });
      await api.register(casesRoutes, { ctx });
      await api.register(feedbackRoutes, { ctx });
      await api.register(feedsRoutes, { ctx });
      api.get(
        '/openapi.json',
        {
          config: { access: { roles: 'public' } },
          schema: { summary: 'This document (OpenAPI 3.1)', tags: ['docs'], response: { 200: { type: 'object', additionalProperties: true } } },
        },
        async () => app.swagger(),
      );
    },
    { prefix: API_PREFIX },
  );
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
  await app.register(dashboardPlugin, {
    ctx,
    sections: [...DEFAULT_SECTIONS, ...(options.dashboardSections ?? [])],
    refreshSeconds: options.dashboardRefreshSeconds,
    extraRoles: options.boardQueues ? ['operator'] : [],
  });
  if (options.boardQueues) await app.register(queueBoardPlugin, { queues: options.boardQueues, errorHandler: handleError });
  for (const plugin of options.plugins ?? []) await app.register(plugin, { ctx });

  return {
    app,
    routes: () => [...served],
    ctx,
    metrics,
    async listen(port, host) {
      return app.listen({ port, host });
    },
    close: () => app.close(),
  };
}

export type { Role };
