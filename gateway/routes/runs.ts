// Runs (api.md): an operator of region 44 starts one (a run covers the province) and follows
// its steps; the queues (jobs/) do the work. The body is schemas/run-request.schema.json — the
// schema jobs/ checks a request against — and the answer schemas/run-status.schema.json.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { recordAudit } from '../../mirror/index.ts';
import type { RunRequest } from '../../schemas/runs.ts';
import { actorOf, principalOf } from '../access.ts';
import { createError } from '../../lib/errors.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';

function schemaFile(name: string): Record<string, unknown> {
  const { $schema: _dialect, $id: _id, ...schema } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'schemas', name), 'utf8')) as Record<string, unknown>;
  return schema;
}

/** schemas/run-status.schema.json, shared under this id (the OpenAPI document names it). */
export const RUN_STATUS_SCHEMA = { ...schemaFile('run-status.schema.json'), $id: 'RunStatus' };
const runRequestSchema = schemaFile('run-request.schema.json');

export const runsRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.post<{ Body: Omit<RunRequest, 'requestedBy'> }>(
    '/runs',
    {
      config: { access: { roles: ['operator'], regionRule: 'region 44 (a run covers the province)', scope: () => ['44'] }, errors: [503] },
      schema: {
        summary: 'Start a run',
        description: 'Steps pull, match, publish (the match publishes each shard as it decides it) and feedback: as the run closes, the REJECTED items of the rejections quarantined so far are made and the delivery of every channel with PENDING feedback items is queued (the same jobs as `POST /feedback/{id}/resend` and the workers\' sweep; deliveries then back off on their own for up to 72 hours — follow them in `GET /api/v1/feedback`). Default: pull, match, publish (feedback sends data out of the hub: ask for it). A run that pulls the ministry also queues the adoption send (SubmitFeedback) as it closes. `connectors` names channels (`police-4401`) or sources (`police`: every configured city).',
        tags: ['runs'],
        body: runRequestSchema,
        response: { 202: { type: 'object', required: ['runId'], properties: { runId: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      if (ctx.jobs === null) throw createError('LIFECERT_GATEWAY_QUEUES_UNAVAILABLE', 'this server runs without queues (REDIS_URL): it cannot start a run');
      const principal = principalOf(req);
      const actor = actorOf(principal);
      const { runId } = await ctx.jobs.startRun({ ...req.body, requestedBy: actor });
      await recordAudit(ctx.db, auditEntry(ctx, actor, 'run.start', `run:${runId}`, { runId, ...req.body }));
      return reply.code(202).send({ runId });
    },
  );

  app.get<{ Params: { runId: string } }>(
    '/runs/:runId',
    {
      config: { access: { roles: ['operator'], regionRule: 'region 44 (a run covers the province)', scope: () => ['44'] }, errors: [404, 503] },
      schema: {
        summary: 'A run: state, per-step progress, per source and dataset counts',
        tags: ['runs'],
        params: { type: 'object', required: ['runId'], properties: { runId: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: { $ref: 'RunStatus#' } },
      },
    },
    async (req) => {
      if (ctx.jobs === null) throw createError('LIFECERT_GATEWAY_QUEUES_UNAVAILABLE', 'this server runs without queues (REDIS_URL)');
      const run = await ctx.jobs.getRun(req.params.runId);
      if (run === null) throw createError('LIFECERT_API_RUN_NOT_FOUND', 'no such run');
      return run;
    },
  );
};
