// Import batches (api.md, workflow.md article 9): operators cut a county's RECORD / RESTORE
// results into batches of at most 2,000; approvers of the batch's region approve at their
// level; the level-2 approval queues the import. Access, first failure wins: the endpoint's
// roles (403), then — before the body is validated — the approver role of the level asked and
// the batch's region (403), then creator / already approved (403), then the state (409).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { approveBatch, batchView, cutBatches } from '../../feedback/batches.ts';
import { BATCH_STATES, importBatchArea, listImportBatchPage } from '../../mirror/index.ts';
import type { ImportBatch } from '../../mirror/index.ts';
import { createError } from '../../lib/errors.ts';
import { actorOf, principalOf } from '../access.ts';
import type { Principal } from '../access.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';
import { decodeCursor, nextCursorSchema, pageOf, pagingQuery } from '../paging.ts';
import { isRegion } from '../region.ts';

const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';
const COUNTY = '^44[0-9]{4}$';

export const BATCH_SCHEMA = {
  $id: 'ImportBatch',
  type: 'object',
  required: ['batchId', 'period', 'areaCode', 'seq', 'state', 'itemCount', 'firstPersonId', 'lastPersonId', 'createdBy', 'createdAt', 'approvals', 'importAttempts', 'importedCount', 'importedAt', 'lastError', 'staleAt', 'staleReason'],
  properties: {
    batchId: { type: 'string', description: '`IMP-<period>-<county>-<chunk>`: the idempotency key of the provincial import' },
    period: { type: 'string' },
    areaCode: { type: 'string', description: 'the county' },
    seq: { type: 'integer', description: "the chunk's number within (period, county), from 1" },
    state: { type: 'string', enum: [...BATCH_STATES] },
    itemCount: { type: 'integer', minimum: 1, maximum: 2000 },
    firstPersonId: { type: 'string', description: 'the first person of the chunk (personId order), masked' },
    lastPersonId: { type: 'string', description: 'the last person of the chunk, masked' },
    createdBy: { type: 'string', description: 'the user id of the operator who cut it (or `cli:<user>`)' },
    createdAt: { type: 'string', format: 'date-time' },
    approvals: {
      type: 'array',
      items: { type: 'object', required: ['level', 'user', 'at'], properties: { level: { type: 'integer', enum: [1, 2] }, user: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
    },
    importAttempts: { type: 'integer' },
    importedCount: { type: ['integer', 'null'] },
    importedAt: { type: ['string', 'null'], format: 'date-time' },
    lastError: { type: ['string', 'null'] },
    staleAt: { type: ['string', 'null'], format: 'date-time' },
    staleReason: { type: ['string', 'null'] },
  },
} as const;

const shown = batchView;

interface CutBody {
  period: string;
  areaCode: string;
  size?: number;
}

interface ListQuery {
  period?: string;
  status?: ImportBatch['state'];
  cursor?: string;
  limit: number;
}

/** The level an approval body asks for, when it is well-formed (a malformed one is schema validation's 400). */
function levelOf(req: FastifyRequest): 1 | 2 | null {
  const level = (req.body as { level?: unknown } | undefined)?.level;
  return level === 1 || level === 2 ? level : null;
}

export const batchesRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.post<{ Body: CutBody }>(
    '/batches',
    {
      config: {
        access: {
          roles: ['operator'],
          regionRule: "the county in the body must lie in the caller's region",
          scope: (req) => {
            const areaCode = (req.body as { areaCode?: unknown } | undefined)?.areaCode;
            return isRegion(areaCode) ? [areaCode] : [];
          },
        },
        errors: [422],
      },
      schema: {
        summary: "Cut a county's RECORD / RESTORE results into import batches",
        description: 'Consecutive chunks in personId order of at most 2,000 (the last holds the rest) of the results of the period that are in no batch but a STALE one. A repeated request creates nothing and returns the existing batches (200); a request that created one answers 201. `size` (default 2,000) asks for smaller chunks; more than 2,000 is refused (422) whoever asks.',
        tags: ['batches'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['period', 'areaCode'],
          properties: {
            period: { type: 'string', pattern: PERIOD, description: 'YYYY-MM' },
            areaCode: { type: 'string', pattern: COUNTY, description: 'a 6-digit county code' },
            size: { type: 'integer', minimum: 1, description: 'persons per batch, at most 2,000' },
          },
        },
        response: {
          200: { type: 'object', required: ['batches', 'created'], properties: { batches: { type: 'array', items: { $ref: 'ImportBatch#' } }, created: { type: 'integer' } } },
          201: { type: 'object', required: ['batches', 'created'], properties: { batches: { type: 'array', items: { $ref: 'ImportBatch#' } }, created: { type: 'integer' } } },
        },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      const actor = actorOf(principal);
      const result = await cutBatches(ctx.db, {
        period: req.body.period,
        areaCode: req.body.areaCode,
        ...(req.body.size === undefined ? {} : { size: req.body.size }),
        createdBy: principal.user.userId,
        now: ctx.now(),
        audit: (r) => auditEntry(ctx, actor, 'batch.cut', `batches:${req.body.period}/${req.body.areaCode}`, {
          period: req.body.period, areaCode: req.body.areaCode, created: r.created, batchIds: r.batches.slice(-r.created).map((b) => b.batchId),
        }),
      });
      return reply.code(result.created > 0 ? 201 : 200).send({ batches: result.batches.map(shown), created: result.created });
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/batches',
    {
      config: { access: { roles: ['operator', 'approver-l1', 'approver-l2'], regionRule: "the batches of counties in the caller's region" } },
      schema: {
        summary: 'Import batches with their approvals and state',
        description: 'By period, county and chunk number. Person ids masked.',
        tags: ['batches'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            period: { type: 'string', pattern: PERIOD },
            status: { type: 'string', enum: [...BATCH_STATES] },
            ...pagingQuery,
          },
        },
        response: {
          200: { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: { $ref: 'ImportBatch#' } }, nextCursor: nextCursorSchema } },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursor('batches', q.cursor, ['string', 'string', 'number'] as const);
      const rows = await listImportBatchPage(ctx.db, { region: principalOf(req).user.region, period: q.period, state: q.status, after, limit: q.limit + 1 });
      const page = pageOf(rows, q.limit, 'batches', (b) => [b.period, b.areaCode, b.seq]);
      return { items: page.items.map(shown), nextCursor: page.nextCursor };
    },
  );

  app.post<{ Params: { batchId: string }; Body: { level: 1 | 2 } }>(
    '/batches/:batchId/approvals',
    {
      config: {
        access: {
          roles: ['approver-l1', 'approver-l2'],
          regionRule: "the batch's county must lie in the caller's region; the caller must hold the approver role of the level asked",
          scope: async (req, principal: Principal) => {
            const level = levelOf(req);
            if (level !== null && !principal.user.roles.includes(level === 1 ? 'approver-l1' : 'approver-l2')) {
              throw createError('LIFECERT_AUTH_ROLE_FORBIDDEN', `a level-${level} approval needs the role approver-l${level}; the caller holds ${principal.user.roles.join(', ')}`);
            }
            const batchId = (req.params as { batchId?: unknown }).batchId;
            const area = typeof batchId === 'string' ? await importBatchArea(ctx.db, batchId) : null;
            return area === null ? [] : [area];
          },
        },
        errors: [404, 409, 503],
      },
      schema: {
        summary: 'Approve an import batch at level 1 or 2; the second approval starts the import',
        description: 'Two approvals by two different users, neither the creator. Checks, first failure wins: the approver role of that level or the region (403); the caller created or already approved the batch (403); the batch is not OPEN (level 1) or APPROVED_L1 (level 2) (409). The level-2 approval moves the batch to IMPORTING and queues its import (the provincial system, once per person and period, the batch id reused on every retry).',
        tags: ['batches'],
        params: { type: 'object', required: ['batchId'], properties: { batchId: { type: 'string', minLength: 1, maxLength: 64 } } },
        body: { type: 'object', additionalProperties: false, required: ['level'], properties: { level: { type: 'integer', enum: [1, 2] } } },
        response: {
          200: {
            type: 'object',
            required: ['batch', 'importStarted'],
            properties: { batch: { $ref: 'ImportBatch#' }, importStarted: { type: 'boolean', description: 'true after the level-2 approval: the import is queued' } },
          },
        },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const level = req.body.level;
      // the import must be queueable before the approval that starts it is recorded
      if (level === 2 && ctx.jobs === null) {
        throw createError('LIFECERT_BATCH_IMPORT_UNAVAILABLE', 'this server runs without queues (REDIS_URL): the level-2 approval, which starts the import, cannot be taken');
      }
      const { batch, startsImport } = await approveBatch(ctx.db, {
        batchId: req.params.batchId,
        level,
        userId: principal.user.userId,
        now: ctx.now(),
        audit: (b) => auditEntry(ctx, actorOf(principal), 'batch.approve', `batch:${b.batchId}`, { batchId: b.batchId, level, state: b.state, areaCode: b.areaCode, period: b.period, items: b.itemCount }),
      });
      if (startsImport && ctx.jobs !== null) await ctx.jobs.startImport(batch.batchId);
      return { batch: shown(batch), importStarted: startsImport };
    },
  );
};
