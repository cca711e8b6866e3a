// Suspect cases for county staff (api.md): the cases of their region with age and overdue flag
// (当月清零), closing one with an outcome, and on-site certification without a case. A case lies in
// its roster entry's county; a person in their roster county. Every change is audited.
import type { FastifyPluginAsync } from 'fastify';
import { caseAreaOf, formatChinaIso, listCasePage, recordAudit, rosterAreaOf } from '../../mirror/index.ts';
import { closeCaseWithOutcome, FALSE_DATA_REASONS, INSURANCE_TYPES, OUTCOMES, parseOnsite, parseOutcome, recordOnsite } from '../../feedback/cases.ts';
import { REGION_PATTERN } from '../../schemas/access.ts';
import type { Case } from '../../schemas/types.ts';
import { actorOf, principalOf } from '../access.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';
import { decodeCursor, nextCursorSchema, pageOf, pagingQuery } from '../paging.ts';
import { areaRange, isRegion } from '../region.ts';

const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';
const DATE = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' } as const;
const PERSON_ID = '^[0-9]{17}[0-9X]$';
const evidenceSchema = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 256 }, description: 'photo ids or file hashes (对具备待遇领取资格的人员应留存图片等佐证资料)' } as const;

const caseSchema = {
  type: 'object',
  required: ['caseId', 'period', 'personId', 'areaCode', 'reasons', 'evidence', 'status', 'openedAt', 'closedAt', 'ageDays', 'overdue'],
  properties: {
    caseId: { type: 'string' },
    period: { type: 'string' },
    personId: { type: 'string', description: "full: a county's own cases (workflow.md \"Privacy\")" },
    areaCode: { type: 'string' },
    reasons: { type: 'array', items: { type: 'string' } },
    evidence: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'dataset', 'recordId', 'origin'],
        properties: {
          source: { type: 'string' }, dataset: { type: 'string' }, recordId: { type: 'string' }, origin: { type: 'string' },
          eventId: { type: 'string', description: 'what falseEvents name' }, kind: { type: 'string' }, date: { type: 'string' },
          fields: { type: ['object', 'null'], additionalProperties: true, description: 'the record as the source sent it (civil: the row)' },
        },
      },
    },
    status: { type: 'string', enum: ['OPEN', 'CLOSED'] },
    openedAt: { type: 'string', format: 'date-time' },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    ageDays: { type: 'integer', description: 'whole days since it was opened' },
    overdue: { type: 'boolean', description: 'open past the end of the month in which it was opened (当月清零)' },
    outcome: { type: ['object', 'null'], additionalProperties: true },
    closedBy: { type: ['string', 'null'] },
  },
} as const;

interface CasesQuery {
  period?: string;
  status?: Case['status'];
  areaCode?: string;
  overdue?: boolean;
  cursor?: string;
  limit: number;
}

export const casesRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: CasesQuery }>(
    '/cases',
    {
      config: {
        access: {
          roles: ['county-staff'],
          regionRule: "the cases of the caller's region; an areaCode filter outside it is a 403",
          scope: (req) => {
            const areaCode = (req.query as { areaCode?: unknown }).areaCode;
            return isRegion(areaCode) ? [areaCode] : [];
          },
        },
      },
      schema: {
        summary: "Suspect cases of the caller's region, with age and overdue flag",
        description: '`overdue=true` is the month-end list (当月清零): open cases opened in a month that has ended. In (area code, case id) order.',
        tags: ['cases'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            period: { type: 'string', pattern: PERIOD, description: 'YYYY-MM' },
            status: { type: 'string', enum: ['OPEN', 'CLOSED'] },
            areaCode: { type: 'string', pattern: REGION_PATTERN, description: "a county, a city or 44; inside the caller's region" },
            overdue: { type: 'boolean', description: 'only overdue cases' },
            ...pagingQuery,
          },
        },
        response: { 200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: caseSchema }, nextCursor: nextCursorSchema } } },
      },
    },
    async (req) => {
      const q = req.query;
      const { from, to } = areaRange(q.areaCode ?? principalOf(req).user.region);
      const after = q.cursor === undefined ? undefined : decodeCursor('cases', q.cursor, ['string', 'string'] as const);
      const rows = await listCasePage(ctx.db, {
        areaFrom: from, areaTo: to, period: q.period, status: q.status, overdueOnly: q.overdue === true, now: formatChinaIso(ctx.now()), after, limit: q.limit + 1,
      });
      return pageOf(rows, q.limit, 'cases', (c) => [c.areaCode, c.caseId]);
    },
  );

  app.post<{ Params: { caseId: string }; Body: unknown }>(
    '/cases/:caseId/outcome',
    {
      config: {
        access: {
          roles: ['county-staff'],
          regionRule: "the case's county lies in the caller's region",
          scope: async (req) => {
            const area = await caseAreaOf(ctx.db, String((req.params as { caseId?: unknown }).caseId ?? ''));
            return area === null ? [] : [area];
          },
        },
        errors: [404, 409],
      },
      schema: {
        summary: 'Close a case with an outcome',
        description: 'The outcome becomes a hub event the next match counts (workflow.md). `falseEvents` name events of the case\'s evidence (`eventId`) and the source\'s own field: that version stops counting and a CORRECTED item goes to its channel. 409 for a closed case; 400 for a missing or malformed field (required per outcome: CONFIRMED_ALIVE verifiedDate; CONFIRMED_DEAD deathDate; CONFIRMED_IMPRISONED startDate, endDate?; CONFIRMED_DUPLICATE insuranceType, province, startDate, endDate?).',
        tags: ['cases'],
        params: { type: 'object', required: ['caseId'], properties: { caseId: { type: 'string', minLength: 1, maxLength: 64 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['outcome', 'evidence'],
          properties: {
            outcome: { type: 'string', enum: [...OUTCOMES] },
            evidence: evidenceSchema,
            verifiedDate: DATE, deathDate: DATE, startDate: DATE, endDate: DATE,
            insuranceType: { type: 'string', enum: [...INSURANCE_TYPES] },
            province: { type: 'string', pattern: '^[0-9]{6}$' },
            falseEvents: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['eventId', 'field', 'reasonCode'],
                properties: {
                  eventId: { type: 'string', minLength: 1 }, field: { type: 'string', minLength: 1 }, correctedValue: { type: 'string' },
                  reasonCode: { type: 'string', enum: [...FALSE_DATA_REASONS] },
                },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['case', 'eventId', 'corrections'],
            properties: {
              case: caseSchema,
              eventId: { type: 'string', description: 'the hub event the outcome became' },
              corrections: { type: 'array', items: { type: 'string' }, description: 'the feedbackIds of the CORRECTED items made' },
            },
          },
        },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const actor = actorOf(principal);
      const outcome = parseOutcome(req.body);
      const nowMs = ctx.now();
      const closed = await closeCaseWithOutcome(ctx.db, req.params.caseId, outcome, actor, nowMs);
      await recordAudit(ctx.db, auditEntry(ctx, actor, 'case.outcome', `case:${req.params.caseId}`, {
        caseId: req.params.caseId, outcome: outcome.outcome, eventId: closed.event.eventId, corrections: closed.corrections.map((c) => c.feedbackId),
        falseEvents: outcome.falseEvents ?? [], evidence: outcome.evidence,
      }));
      const channels = [...new Set(closed.corrections.map((c) => c.channel))];
      if (channels.length > 0) await ctx.deliveries?.request(channels).catch((err: unknown) => req.log.warn({ err }, 'delivery not queued now; the sweep takes it'));
      return {
        case: { ...closed.case, ageDays: 0, overdue: false },
        eventId: closed.event.eventId,
        corrections: closed.corrections.map((c) => c.feedbackId),
      };
    },
  );

  app.post<{ Params: { personId: string }; Body: unknown }>(
    '/persons/:personId/onsite',
    {
      config: {
        access: {
          roles: ['county-staff'],
          regionRule: "the person's roster county lies in the caller's region",
          scope: async (req) => {
            const area = await rosterAreaOf(ctx.db, String((req.params as { personId?: unknown }).personId ?? ''));
            return area === null ? [] : [area];
          },
        },
        errors: [404],
      },
      schema: {
        summary: 'Record an on-site certification without a case (上门认证 / 现场认证)',
        description: 'An ONSITE strong ALIVE hub event dated verifiedDate: how a suspended person who cannot use face recognition is certified again. The same request repeated is the same event (201 the first time, 200 after).',
        tags: ['cases'],
        params: { type: 'object', required: ['personId'], properties: { personId: { type: 'string', pattern: PERSON_ID } } },
        body: { type: 'object', additionalProperties: false, required: ['verifiedDate', 'evidence'], properties: { verifiedDate: DATE, evidence: evidenceSchema } },
        response: {
          201: { type: 'object', required: ['eventId', 'personId', 'date'], properties: { eventId: { type: 'string' }, personId: { type: 'string' }, date: { type: 'string' } } },
          200: { type: 'object', required: ['eventId', 'personId', 'date'], properties: { eventId: { type: 'string' }, personId: { type: 'string' }, date: { type: 'string' } } },
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(principalOf(req));
      const cert = parseOnsite(req.body);
      const { event, created } = await recordOnsite(ctx.db, req.params.personId, cert, actor, ctx.now());
      if (created) {
        await recordAudit(ctx.db, auditEntry(ctx, actor, 'person.onsite', `person:${req.params.personId}`, { personId: req.params.personId, eventId: event.eventId, ...cert }));
      }
      return reply.code(created ? 201 : 200).send({ eventId: event.eventId, personId: event.personId, date: event.date });
    },
  );
};
