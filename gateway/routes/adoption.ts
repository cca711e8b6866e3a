// Adoption feedback to the ministry (api.md, workflow.md article 14): operators see the items
// of their region that are due within 2 days or overdue, by the China date of the server clock.
import type { FastifyPluginAsync } from 'fastify';
import { adoptionItemView, listAdoption } from '../../feedback/adoption.ts';
import { ADOPTION_DATA_TYPES } from '../../mirror/index.ts';
import type { AdoptionStatus } from '../../mirror/index.ts';
import { principalOf } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { decodeCursor, nextCursorSchema, pageOf, pagingQuery } from '../paging.ts';

interface AdoptionQuery {
  status: AdoptionStatus;
  cursor?: string;
  limit: number;
}

export const adoptionRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: AdoptionQuery }>(
    '/adoption',
    {
      config: { access: { roles: ['operator'], regionRule: "the items lying in the caller's region (the roster entry's county; items of no roster person lie in 44)" } },
      schema: {
        summary: 'Ministry adoption items due within 2 days, or overdue',
        description: 'Items not yet accepted by the ministry (SubmitFeedback). `due`: the deadline (first receipt + 10 days for OVERSEAS, + 30 days for AUTH channel 06, TRAVEL, MEDICAL; China dates) is today or within the next 2 days; `overdue`: it has passed. By deadline. Identity numbers masked.',
        tags: ['feedback'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: { status: { type: 'string', enum: ['due', 'overdue'] }, ...pagingQuery },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['dataType', 'recordId', 'personId', 'areaCode', 'adopted', 'reasonCode', 'reasonMsg', 'receivedOn', 'dueOn', 'daysLeft', 'state', 'batchId'],
                  properties: {
                    dataType: { type: 'string', enum: [...ADOPTION_DATA_TYPES] },
                    recordId: { type: 'string' },
                    personId: { type: ['string', 'null'], description: 'masked' },
                    areaCode: { type: 'string' },
                    adopted: { type: 'integer', enum: [0, 1] },
                    reasonCode: { type: ['string', 'null'], enum: ['REJECTED', 'RESULT_FAIL', 'NOT_ON_ROSTER', null] },
                    reasonMsg: { type: ['string', 'null'], description: 'for REJECTED: the rejection code' },
                    receivedOn: { type: 'string', format: 'date', description: 'the China date the hub first received the record' },
                    dueOn: { type: 'string', format: 'date', description: 'the last day the feedback is in time' },
                    daysLeft: { type: 'integer', description: 'days from today to dueOn (negative: overdue)' },
                    state: { type: 'string', enum: ['PENDING', 'SENDING'] },
                    batchId: { type: ['string', 'null'], description: 'the SubmitFeedback batch it is being sent in' },
                  },
                },
              },
              nextCursor: nextCursorSchema,
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const now = ctx.now();
      const after = q.cursor === undefined ? undefined : decodeCursor(`adoption-${q.status}`, q.cursor, ['string', 'string', 'string'] as const);
      const rows = await listAdoption(ctx.db, { status: q.status, region: principalOf(req).user.region, now, ...(after ? { after } : {}), limit: q.limit + 1 });
      const page = pageOf(rows, q.limit, `adoption-${q.status}`, (i) => [i.dueOn, i.dataType, i.recordId]);
      return {
        items: page.items.map((i) => adoptionItemView(i, now)),
        nextCursor: page.nextCursor,
      };
    },
  );
};
