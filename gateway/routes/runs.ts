// Runs (api.md): an operator of region 44 starts one (a run covers the province) and follows
// its steps; the queues (jobs/) do the work.
import type { FastifyPluginAsync } from 'fastify';
import { recordAudit } from '../../mirror/audit.ts';
import { actorOf, principalOf } from '../access.ts';
import { gatewayError } from '../gateway-error.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext, RunStepName } from '../context.ts';

const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

interface RunBody {
  period: string;
  asOf?: string;
  steps?: RunStepName[];
  connectors?: string[];
}

export const runsRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.post<{ Body: RunBody }>(
    '/runs',
    {
      config: { access: { roles: ['operator'], regionRule: 'region 44 (a run covers the province)', scope: () => ['44'] }, errors: [503] },
      schema: {
        summary: 'Start a run',
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['period'],
          properties: {
            period: { type: 'string', pattern: PERIOD, description: 'YYYY-MM' },
            asOf: { type: 'string', pattern: DATE, description: 'the data cut-off date (default: today, China time)' },
            steps: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['pull', 'match', 'publish'] }, description: 'default: all' },
            connectors: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'limit the pull to these connectors (default: all configured)' },
          },
        },
        response: { 202: { type: 'object', required: ['runId'], properties: { runId: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const unknown = (body.connectors ?? []).filter((n) => !ctx.connectors.some((c) => c.channel === n));
      if (unknown.length > 0) {
        throw gatewayError('LIFECERT_API_INPUT_INVALID', `unknown connector ${unknown.map((n) => `'${n}'`).join(', ')} (configured: ${ctx.connectors.map((c) => c.channel).join(', ') || 'none'})`);
      }
      if (body.asOf !== undefined && !isRealDate(body.asOf)) throw gatewayError('LIFECERT_API_INPUT_INVALID', 'asOf is not a real date');
      if (ctx.jobs === null) throw gatewayError('LIFECERT_GATEWAY_QUEUES_UNAVAILABLE', 'this server runs without queues (REDIS_URL): it cannot start a run');
      const principal = principalOf(req);
      const { runId } = await ctx.jobs.startRun({ ...body, requestedBy: principal.user.userId });
      await recordAudit(ctx.db, auditEntry(ctx, actorOf(principal), 'run.start', `run:${runId}`, { runId, ...body }));
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
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (req) => {
      if (ctx.jobs === null) throw gatewayError('LIFECERT_GATEWAY_QUEUES_UNAVAILABLE', 'this server runs without queues (REDIS_URL)');
      const run = await ctx.jobs.getRun(req.params.runId);
      if (run === null || run === undefined) throw gatewayError('LIFECERT_API_RUN_NOT_FOUND', 'no such run');
      return run;
    },
  );
};
