// /queues: the BullMQ board (@bull-board) for operators of region 44 — the queues are the
// province's, and the board can retry, remove and pause jobs. Every route of the board (its page,
// its API, its static files, all served from the package) gets the gateway's access rule and
// error answers; the one outside address of its page (a web font) is taken out, and a content
// security policy keeps the page to this server.
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Access } from './access.ts';

export const QUEUES_PATH = '/queues';

export const QUEUE_BOARD_ACCESS: Access = {
  roles: ['operator'],
  regionRule: 'region 44 (the queues serve the whole province)',
  scope: () => ['44'],
  session: true,
};

const BOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

export interface QueueBoardOptions {
  queues: readonly Queue[];
  /** the gateway's error answer (JSON for the board's API, a page for people) */
  errorHandler: (err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => unknown;
}

export const queueBoardPlugin: FastifyPluginAsync<QueueBoardOptions> = async (app, options) => {
  app.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...(route.config as object), access: QUEUE_BOARD_ACCESS } as RouteOptions['config'];
    route.schema = { ...route.schema, hide: true } as RouteOptions['schema'];
    // the board sets its own error handler; access refusals and failures answer as everywhere else
    route.errorHandler = options.errorHandler as RouteOptions['errorHandler'];
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) return payload;
    reply.header('content-security-policy', BOARD_CSP).header('cache-control', 'no-store');
    return typeof payload === 'string' ? payload.replace(/<link[^>]+fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g, '') : payload;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: options.queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'lifecert 队列 queues' } },
  });
  await app.register(serverAdapter.registerPlugin() as FastifyPluginAsync, { prefix: QUEUES_PATH });
};
