// The audit log for auditors (api.md): not split by region, every entry with its out-of-hours
// flag; identity numbers and names masked.
import type { FastifyPluginAsync } from 'fastify';
import { listAudit } from '../../mirror/index.ts';
import { maskValue } from '../../lib/mask.ts';
import { createError } from '../../lib/errors.ts';
import type { GatewayContext } from '../context.ts';
import { page, pagedQuery, pageSchema } from '../paging.ts';

// a date (the China day's start) or a date-time with an offset
const INSTANT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';

function instant(value: string, name: string): string {
  const iso = value.length === 10 ? `${value}T00:00:00+08:00` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw createError('LIFECERT_API_INPUT_INVALID', `${name} is not a real date or time`);
  return new Date(ms).toISOString();
}

export const auditRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { from?: string; to?: string; cursor?: string; limit: number } }>(
    '/audit',
    {
      config: { access: { roles: ['auditor'], regionRule: 'none: the log is not split by region' } },
      schema: {
        summary: 'The audit log',
        description: 'Every change, in the order written, each row carrying the hash of the one before (`lifecert audit verify` checks the chain). `outOfHours`: before 08:30 or from 18:00 China time, or on a non-working day of the working calendar.',
        tags: ['audit'],
        querystring: pagedQuery({
          from: { type: 'string', pattern: INSTANT, description: 'entries at or after: a China date or an ISO 8601 date-time with offset' },
          to: { type: 'string', pattern: INSTANT, description: 'entries before: a China date or an ISO 8601 date-time with offset' },
        }),
        response: {
          200: pageSchema({
            type: 'object',
            required: ['seq', 'at', 'actor', 'action', 'target', 'details', 'outOfHours', 'hash', 'prevHash'],
            properties: {
              seq: { type: 'integer' },
              at: { type: 'string', format: 'date-time' },
              actor: { type: 'string' },
              action: { type: 'string' },
              target: { type: 'string' },
              details: { type: 'object', additionalProperties: true },
              outOfHours: { type: 'boolean' },
              hash: { type: 'string' },
              prevHash: { type: 'string' },
            },
          }),
        },
      },
    },
    async (req) => {
      const from = req.query.from === undefined ? undefined : instant(req.query.from, 'from');
      const to = req.query.to === undefined ? undefined : instant(req.query.to, 'to');
      const found = await page(req.query, {
        list: 'audit',
        key: ['number'] as const,
        fetch: (after, limit) => listAudit(ctx.db, { from, to, afterSeq: after?.[0] ?? 0, limit }),
        keyOf: (r) => [r.seq],
      });
      return { items: found.items.map((r) => ({ ...r, details: maskValue(r.details) })), nextCursor: found.nextCursor };
    },
  );
};
