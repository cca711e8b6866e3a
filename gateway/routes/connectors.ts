// Connector health and "pull now" (api.md). A connector lies in the area of its channel: a
// city's police connector in that city, the province-wide ones in 44.
import type { FastifyPluginAsync } from 'fastify';
import { recordAudit } from '../../mirror/index.ts';
import { chinaDate } from '../../lib/china-time.ts';
import { actorOf, principalOf } from '../access.ts';
import { createError } from '../../lib/errors.ts';
import { auditEntry } from '../audit-trail.ts';
import { readConnectorHealth } from '../connector-health.ts';
import type { ConnectorInfo, GatewayContext } from '../context.ts';
import { page, pagedQuery, pageSchema } from '../paging.ts';
import { channelArea, inRegion } from '../region.ts';


const countsSchema = {
  type: 'object',
  required: ['pulled', 'staged', 'rejected', 'skipped'],
  properties: { pulled: { type: 'integer' }, staged: { type: 'integer' }, rejected: { type: 'integer' }, skipped: { type: 'integer' } },
} as const;

const datasetHealthSchema = {
  type: 'object',
  required: ['dataset', 'lastSuccessAt', 'stale', 'lagSeconds', 'errorRate', 'recentPulls', 'records', 'lastPull'],
  properties: {
    dataset: { type: 'string' },
    lastSuccessAt: { type: ['string', 'null'], format: 'date-time' },
    stale: { type: 'boolean', description: 'no successful pull for 36 hours (or never)' },
    lagSeconds: { type: ['number', 'null'], description: 'how far the newest staged source update time lies behind now' },
    errorRate: { type: ['number', 'null'], description: 'failed / finished pulls of the last 7 days; null without any' },
    recentPulls: { type: 'integer', description: 'finished pulls of the last 7 days' },
    records: { ...countsSchema, description: 'records of the pulls of the last 7 days' },
    lastPull: {
      type: ['object', 'null'],
      required: ['status', 'startedAt', 'finishedAt', 'pulled', 'staged', 'rejected', 'skipped', 'error'],
      properties: {
        status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'aborted'] },
        startedAt: { type: 'string', format: 'date-time' },
        finishedAt: { type: ['string', 'null'], format: 'date-time' },
        pulled: { type: 'integer' },
        staged: { type: 'integer' },
        rejected: { type: 'integer' },
        skipped: { type: 'integer' },
        error: { type: ['string', 'null'] },
      },
    },
  },
} as const;

export const connectorsRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { cursor?: string; limit: number } }>(
    '/connectors',
    {
      config: { access: { roles: ['operator', 'integrator', 'admin'], regionRule: "the connectors lying in the caller's region (police-<city4>: that city; the others: 44)" } },
      schema: {
        summary: 'Connector health',
        description: 'Per configured connector (channel) and dataset: last success, lag, error rate, records.',
        tags: ['connectors'],
        querystring: pagedQuery({}),
        response: {
          200: pageSchema({
            type: 'object',
            required: ['name', 'area', 'datasets'],
            properties: { name: { type: 'string' }, area: { type: 'string' }, datasets: { type: 'array', items: datasetHealthSchema } },
          }),
        },
      },
    },
    async (req) => {
      const region = principalOf(req).user.region;
      const found = await page(req.query, {
        list: 'connectors',
        key: ['string'] as const,
        fetch: (after, limit) =>
          [...ctx.connectors]
            .filter((c) => inRegion(region, channelArea(c.channel)) && (after === undefined || c.channel > after[0]))
            .sort((a, b) => (a.channel < b.channel ? -1 : 1))
            .slice(0, limit),
        keyOf: (c: ConnectorInfo) => [c.channel],
      });
      const items = await readConnectorHealth(ctx, found.items);
      return { items, nextCursor: found.nextCursor };
    },
  );

  app.post<{ Params: { name: string } }>(
    '/connectors/:name/pull',
    {
      config: { access: { roles: ['operator', 'integrator'], regionRule: 'region 44 (a pull feeds the whole province)', scope: () => ['44'] }, errors: [404, 503] },
      schema: {
        summary: 'Pull that connector now',
        description: 'Queues a run of the pull step for this connector only.',
        tags: ['connectors'],
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 202: { type: 'object', required: ['runId'], properties: { runId: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const connector = ctx.connectors.find((c) => c.channel === req.params.name);
      if (connector === undefined) throw createError('LIFECERT_API_CONNECTOR_NOT_FOUND', `no configured connector '${req.params.name}' (configured: ${ctx.connectors.map((c) => c.channel).join(', ') || 'none'})`);
      if (ctx.jobs === null) throw createError('LIFECERT_GATEWAY_QUEUES_UNAVAILABLE', 'this server runs without queues (REDIS_URL): it cannot start a pull');
      const principal = principalOf(req);
      const now = ctx.now();
      const asOf = chinaDate(now);
      const { runId } = await ctx.jobs.startRun({ period: asOf.slice(0, 7), asOf, steps: ['pull'], connectors: [connector.channel], requestedBy: actorOf(principal) });
      await recordAudit(ctx.db, auditEntry(ctx, actorOf(principal), 'connector.pull', `run:${runId}`, { runId, connector: connector.channel, asOf }));
      return reply.code(202).send({ runId });
    },
  );
};
