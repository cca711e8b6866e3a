// Results and rejections for operators (api.md), inside the caller's region only.
import type { FastifyPluginAsync } from 'fastify';
import { listRejectionPage, listResultPage } from '../../mirror/index.ts';
import { maskIdentityNumbersIn, maskPersonId, maskValue } from '../../lib/mask.ts';
import { REGION_PATTERN } from '../../schemas/access.ts';
import type { Result } from '../../schemas/types.ts';
import { principalOf } from '../access.ts';
import type { GatewayContext } from '../context.ts';
import { areaRange, isRegion } from '../region.ts';
import { page, pagedQuery, pageSchema } from '../paging.ts';

const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';

interface ResultsQuery {
  period: string;
  decision?: Result['decision'];
  action?: Result['action'];
  areaCode?: string;
  cursor?: string;
  limit: number;
}

interface RejectionsQuery {
  source?: string;
  dataset?: string;
  cursor?: string;
  limit: number;
}

export const resultsRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: ResultsQuery }>(
    '/results',
    {
      config: {
        access: {
          roles: ['operator'],
          regionRule: "the results of the caller's region; an areaCode filter outside it is a 403",
          scope: (req) => {
            const areaCode = (req.query as { areaCode?: unknown }).areaCode;
            return isRegion(areaCode) ? [areaCode] : [];
          },
        },
      },
      schema: {
        summary: "A period's results in the caller's region",
        description: 'In (area code, person) order. Full identity numbers: the results of their own region are what operators work with (workflow.md "Privacy").',
        tags: ['results'],
        querystring: pagedQuery(
          {
            period: { type: 'string', pattern: PERIOD, description: 'YYYY-MM' },
            decision: { type: 'string', enum: ['eligible', 'ineligible', 'suspect', 'excluded'] },
            action: { type: 'string', enum: ['NONE', 'RECORD', 'RESTORE', 'STOP', 'VERIFY', 'SEAL'] },
            areaCode: { type: 'string', pattern: REGION_PATTERN, description: 'a county, a city or 44; inside the caller\'s region' },
          },
          ['period'],
        ),
        response: { 200: pageSchema({ $ref: 'Result#' }) },
      },
    },
    async (req) => {
      const q = req.query;
      const { from, to } = areaRange(q.areaCode ?? principalOf(req).user.region);
      return page(q, {
        list: 'results',
        key: ['string', 'string'] as const,
        fetch: (after, limit) => listResultPage(ctx.db, { period: q.period, areaFrom: from, areaTo: to, decision: q.decision, action: q.action, after, limit }),
        keyOf: (r) => [r.areaCode, r.personId],
      });
    },
  );

  app.get<{ Querystring: RejectionsQuery }>(
    '/rejections',
    {
      config: { access: { roles: ['operator'], regionRule: "the rejections lying in the caller's region (the roster entry's county, else the channel's area)" } },
      schema: {
        summary: 'Quarantined records with their reasons',
        description: 'The raw record as the source sent it. Full values for province-wide operators (region 44) only; for every other region identity numbers and names are masked.',
        tags: ['results'],
        querystring: pagedQuery({
          source: { type: 'string', pattern: '^(ministry|bigdata|police-[0-9]{4}|civil|health)$', description: 'the channel' },
          dataset: { type: 'string', minLength: 1, maxLength: 64 },
        }),
        response: {
          200: pageSchema({
            type: 'object',
            required: ['rejectionId', 'source', 'dataset', 'recordId', 'field', 'reasonCode', 'message', 'personId', 'areaCode', 'raw', 'createdAt'],
            properties: {
              rejectionId: { type: 'integer' },
              source: { type: 'string' },
              dataset: { type: 'string' },
              recordId: { type: 'string' },
              field: { type: 'string' },
              reasonCode: { type: 'string' },
              message: { type: 'string' },
              personId: { type: ['string', 'null'] },
              areaCode: { type: 'string' },
              raw: { description: 'the raw record (civil: {file, line, row})' },
              createdAt: { type: 'string', format: 'date-time' },
            },
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const region = principalOf(req).user.region;
      const found = await page(q, {
        list: 'rejections',
        key: ['number'] as const,
        fetch: (after, limit) => listRejectionPage(ctx.db, { channel: q.source, dataset: q.dataset, region, afterId: after?.[0], limit }),
        keyOf: (r) => [r.rejectionId],
      });
      const full = region === '44';
      return {
        items: found.items.map((r) => ({
          rejectionId: r.rejectionId,
          source: r.source,
          dataset: r.dataset,
          recordId: full ? r.recordId : maskIdentityNumbersIn(r.recordId),
          field: r.field,
          reasonCode: r.reasonCode,
          message: full ? r.message : maskIdentityNumbersIn(r.message),
          personId: r.personId === null || full ? r.personId : maskPersonId(r.personId),
          areaCode: r.areaCode,
          raw: full ? r.raw : maskValue(r.raw),
          createdAt: r.createdAt,
        })),
        nextCursor: found.nextCursor,
      };
    },
  );
};
