// Users and tokens (api.md): an admin manages the users of its own region only.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { findUser } from '../../mirror/index.ts';
import { REGION_PATTERN, ROLES, USER_CHANNEL_PATTERN } from '../../schemas/access.ts';
import type { Role } from '../../schemas/access.ts';
import { actorOf, principalOf } from '../access.ts';
import { createError } from '../../lib/errors.ts';
import type { GatewayContext } from '../context.ts';
import { isRegion } from '../region.ts';
import { createUser, DEFAULT_TOKEN_DAYS, issueToken, MAX_TOKEN_DAYS, revokeUserToken } from '../user-admin.ts';

const userIdParam = { type: 'string', minLength: 1, maxLength: 64, description: 'the user id (`u_…`)' } as const;

const userSchema = {
  type: 'object',
  required: ['userId', 'name', 'roles', 'region', 'channel'],
  properties: {
    userId: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
    region: { type: 'string' },
    channel: { type: ['string', 'null'] },
  },
} as const;

/** The region of the user named in the path: the admin must hold it (a missing user is the handler's 404). */
async function targetUserArea(ctx: GatewayContext, req: FastifyRequest): Promise<string[]> {
  const { userId } = req.params as { userId?: unknown };
  if (typeof userId !== 'string') return [];
  const user = await findUser(ctx.db, userId);
  return user === null ? [] : [user.region];
}

export const usersRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.post<{ Body: { name: string; roles: Role[]; region: string; channel?: string } }>(
    '/users',
    {
      config: {
        access: {
          roles: ['admin'],
          regionRule: "the new user's region must lie inside the admin's",
          scope: (req) => {
            const region = (req.body as { region?: unknown } | null)?.region;
            return isRegion(region) ? [region] : [];
          },
        },
        errors: [409, 422],
      },
      schema: {
        summary: 'Create a user',
        description: 'A user has one or more roles, one region and, for `department`, one channel. `benefit-assessor` together with an approver role is refused (422).',
        tags: ['users'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'roles', 'region'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            roles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
            region: { type: 'string', pattern: REGION_PATTERN, description: 'an area-code prefix: 44, 4401, 440106' },
            channel: { type: 'string', pattern: USER_CHANNEL_PATTERN, description: "a department's own channel" },
          },
        },
        response: { 201: userSchema },
      },
    },
    async (req, reply) => {
      const user = await createUser(ctx, req.body, actorOf(principalOf(req)));
      return reply.code(201).send({ userId: user.userId, name: user.name, roles: user.roles, region: user.region, channel: user.channel });
    },
  );

  app.post<{ Params: { userId: string }; Body: { expiresInDays?: number } | undefined }>(
    '/users/:userId/tokens',
    {
      config: { access: { roles: ['admin'], regionRule: "the user must lie inside the admin's region", scope: (req) => targetUserArea(ctx, req) }, errors: [404] },
      schema: {
        summary: 'Issue a token for a user',
        description: 'The token is in this response only; the hub keeps its keyed hash.',
        tags: ['users'],
        params: { type: 'object', required: ['userId'], properties: { userId: userIdParam } },
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { expiresInDays: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_DAYS, default: DEFAULT_TOKEN_DAYS } },
        },
        response: {
          201: {
            type: 'object',
            required: ['tokenId', 'token', 'expiresAt'],
            properties: { tokenId: { type: 'string' }, token: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } },
          },
        },
      },
    },
    async (req, reply) => {
      const issued = await issueToken(ctx, req.params.userId, req.body?.expiresInDays ?? DEFAULT_TOKEN_DAYS, actorOf(principalOf(req)));
      return reply.code(201).send(issued);
    },
  );

  app.delete<{ Params: { userId: string; tokenId: string } }>(
    '/users/:userId/tokens/:tokenId',
    {
      config: { access: { roles: ['admin'], regionRule: "the user must lie inside the admin's region", scope: (req) => targetUserArea(ctx, req) }, errors: [404, 409] },
      schema: {
        summary: 'Revoke a token at once',
        tags: ['users'],
        params: { type: 'object', required: ['userId', 'tokenId'], properties: { userId: userIdParam, tokenId: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 204: { type: 'null', description: 'revoked: the token now gets 401' } },
      },
    },
    async (req, reply) => {
      if ((await findUser(ctx.db, req.params.userId)) === null) throw createError('LIFECERT_API_USER_NOT_FOUND', 'no such user');
      await revokeUserToken(ctx, req.params.userId, req.params.tokenId, actorOf(principalOf(req)));
      return reply.code(204).send();
    },
  );
};
