// Feedback items' delivery state for operators, and the resend of a FAILED item (api.md). An item
// lies in its roster entry's county, else its channel's area (workflow.md); the list masks
// identity numbers and names (workflow.md "Privacy": feedback lists mask).
import type { FastifyPluginAsync } from 'fastify';
import { feedbackAreaOf, feedbackItemsById, listFeedbackInRegion, recordAudit, resetFailedFeedback } from '../../mirror/index.ts';
import { createError } from '../../lib/errors.ts';
import { maskIdentityNumbersIn, maskValue } from '../../lib/mask.ts';
import type { FeedbackItem } from '../../schemas/types.ts';
import { actorOf, principalOf } from '../access.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';
import { decodeCursor, nextCursorSchema, pageOf, pagingQuery } from '../paging.ts';

export const CHANNEL_PATTERN = '^(ministry|bigdata|police-[0-9]{4}|civil|health)$';

export const feedbackItemSchema = {
  type: 'object',
  required: ['feedbackId', 'kind', 'channel', 'dataset', 'recordId', 'personId', 'field', 'reportedValue', 'correctedValue', 'reasonCode', 'verifiedDate', 'createdAt', 'state'],
  properties: {
    feedbackId: { type: 'string' },
    kind: { type: 'string', enum: ['REJECTED', 'CORRECTED'] },
    channel: { type: 'string' },
    dataset: { type: 'string' },
    recordId: { type: 'string' },
    personId: { type: 'string' },
    field: { type: 'string' },
    reportedValue: { type: 'string' },
    correctedValue: { type: ['string', 'null'] },
    reasonCode: { type: 'string' },
    verifiedDate: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    state: { type: 'string', enum: ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'] },
  },
} as const;

const deliverySchema = {
  ...feedbackItemSchema,
  required: [...feedbackItemSchema.required, 'areaCode', 'attempts', 'lastError', 'sentAt', 'confirmedAt', 'failedAt'],
  properties: {
    ...feedbackItemSchema.properties,
    areaCode: { type: 'string', description: "the area the item lies in (the roster entry's county, else the channel's area)" },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    sentAt: { type: ['string', 'null'], format: 'date-time' },
    confirmedAt: { type: ['string', 'null'], format: 'date-time' },
    failedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

interface FeedbackQuery {
  state?: FeedbackItem['state'];
  channel?: string;
  cursor?: string;
  limit: number;
}

export const feedbackRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: FeedbackQuery }>(
    '/feedback',
    {
      config: { access: { roles: ['operator'], regionRule: "the items lying in the caller's region (the roster entry's county, else the channel's area)" } },
      schema: {
        summary: 'Feedback items and their delivery state',
        description: 'In creation order. Identity numbers and names masked. `state=FAILED` lists what an operator may resend.',
        tags: ['feedback'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['PENDING', 'SENT', 'CONFIRMED', 'FAILED'] },
            channel: { type: 'string', pattern: CHANNEL_PATTERN },
            ...pagingQuery,
          },
        },
        response: { 200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: deliverySchema }, nextCursor: nextCursorSchema } } },
      },
    },
    async (req) => {
      const q = req.query;
      const afterSeq = q.cursor === undefined ? 0 : decodeCursor('feedback', q.cursor, ['number'] as const)[0];
      const rows = await listFeedbackInRegion(ctx.db, { state: q.state, channel: q.channel, afterSeq, limit: q.limit + 1, region: principalOf(req).user.region });
      const page = pageOf(rows, q.limit, 'feedback', (r) => [r.seq]);
      return {
        items: page.items.map((i) => ({
          ...i,
          recordId: maskIdentityNumbersIn(i.recordId),
          personId: maskValue(i.personId, 'personId') as string,
          reportedValue: maskIdentityNumbersIn(String(maskValue(i.reportedValue, i.field))),
          correctedValue: i.correctedValue === null ? null : maskIdentityNumbersIn(String(maskValue(i.correctedValue, i.field))),
          lastError: i.lastError === null ? null : maskIdentityNumbersIn(i.lastError),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post<{ Params: { feedbackId: string } }>(
    '/feedback/:feedbackId/resend',
    {
      config: {
        access: {
          roles: ['operator'],
          regionRule: "the item lies in the caller's region",
          scope: async (req) => {
            const area = await feedbackAreaOf(ctx.db, String((req.params as { feedbackId?: unknown }).feedbackId ?? ''));
            return area === null ? [] : [area];
          },
        },
        errors: [404, 409],
      },
      schema: {
        summary: 'Resend a FAILED item',
        description: 'The item is PENDING again with a fresh 72-hour window and queued for delivery. 409 for an item that is not FAILED.',
        tags: ['feedback'],
        params: { type: 'object', required: ['feedbackId'], properties: { feedbackId: { type: 'string', pattern: '^[0-9a-f]{32}$' } } },
        response: { 202: { type: 'object', required: ['feedbackId', 'state'], properties: { feedbackId: { type: 'string' }, state: { type: 'string' } } } },
      },
    },
    async (req, reply) => {
      const id = req.params.feedbackId;
      const [item] = await feedbackItemsById(ctx.db, [id]);
      if (item === undefined) throw createError('LIFECERT_FEEDBACK_NOT_FOUND', `no feedback item ${id}`);
      if (!(await resetFailedFeedback(ctx.db, id))) throw createError('LIFECERT_FEEDBACK_NOT_FAILED', `item ${id} is ${item.state}, not FAILED`);
      const actor = actorOf(principalOf(req));
      await recordAudit(ctx.db, auditEntry(ctx, actor, 'feedback.resend', `feedback:${id}`, { feedbackId: id, channel: item.channel }));
      await ctx.deliveries?.request([item.channel]).catch((err: unknown) => req.log.warn({ err }, 'delivery not queued now; the sweep takes it'));
      return reply.code(202).send({ feedbackId: id, state: 'PENDING' });
    },
  );
};
