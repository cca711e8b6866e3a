// Liveness and readiness (api.md): /healthz answers while the process serves; /readyz only
// when the database, Redis and the queues answer too — a load balancer sends traffic then.
import type { FastifyPluginAsync } from 'fastify';
import { createError } from '../../lib/errors.ts';
import type { ErrorCode } from '../../lib/errors.ts';
import { maskText } from '../../lib/mask.ts';
import type { GatewayContext } from '../context.ts';

const CHECK_TIMEOUT_MS = 2000;

async function withTimeout(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(createError('LIFECERT_GATEWAY_NOT_READY', `no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return maskText(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      config: { access: { roles: 'public' } },
      schema: {
        summary: 'Liveness',
        tags: ['health'],
        response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const checksSchema = { type: 'object', additionalProperties: { type: 'string' }, description: '`ok`, or why not, per dependency' } as const;
  app.get(
    '/readyz',
    {
      config: { access: { roles: 'public' } },
      schema: {
        summary: 'Readiness: database, Redis, queues',
        tags: ['health'],
        response: {
          200: { type: 'object', required: ['status', 'checks'], properties: { status: { type: 'string', const: 'ready' }, checks: checksSchema } },
          503: {
            type: 'object',
            required: ['error', 'checks'],
            properties: { error: { $ref: 'ErrorBody#/properties/error' }, checks: checksSchema },
          },
        },
      },
    },
    async (_req, reply) => {
      const probes: Record<string, () => Promise<void>> = {
        database: async () => {
          await ctx.db.query('SELECT 1');
        },
        ...ctx.readiness,
      };
      const names = Object.keys(probes);
      const results = await Promise.all(names.map((n) => withTimeout(probes[n])));
      const checks = Object.fromEntries(names.map((n, i) => [n, results[i]]));
      const failing = names.filter((n) => checks[n] !== 'ok');
      if (failing.length === 0) return { status: 'ready', checks };
      return reply.code(503).send({
        error: { code: 'LIFECERT_GATEWAY_NOT_READY' satisfies ErrorCode, message: failing.map((n) => `${n}: ${checks[n]}`).join('; ') },
        checks,
      });
    },
  );
};
