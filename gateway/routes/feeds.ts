// The department feeds (api.md): a department pulls its own channel's feedback items in creation
// order, with full values, and acknowledges them; `insurance` carries the certification results
// shared with the work-injury and unemployment insurance systems (article 15). A department sees
// its own channel whatever the region of the items; another channel is a 403.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { formatChinaIso, recordAudit } from '../../mirror/index.ts';
import { acknowledgeFeed, feedEndOf, readFeed } from '../../feedback/feeds.ts';
import { createError, isLifecertError } from '../../lib/errors.ts';
import { USER_CHANNEL_PATTERN } from '../../schemas/access.ts';
import { actorOf, principalOf } from '../access.ts';
import type { Principal } from '../access.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';
import { decodeCursor, encodeCursor, pagingQuery } from '../paging.ts';
import { feedbackItemSchema } from './feedback.ts';

const sharedResultSchema = {
  type: 'object',
  required: ['period', 'personId', 'areaCode', 'decision', 'action', 'reasons', 'lossDate', 'certifiedMonth', 'certifiedUntil', 'sharedAt'],
  properties: {
    period: { type: 'string' }, personId: { type: 'string' }, areaCode: { type: 'string' }, decision: { type: 'string' }, action: { type: 'string' },
    reasons: { type: 'array', items: { type: 'string' } }, lossDate: { type: ['string', 'null'] }, certifiedMonth: { type: ['string', 'null'] },
    certifiedUntil: { type: ['string', 'null'] }, sharedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const channelParams = { type: 'object', required: ['channel'], properties: { channel: { type: 'string', pattern: USER_CHANNEL_PATTERN } } } as const;

/** A department reads and acknowledges only its own channel (checked before the request itself, like a region). */
function ownChannel(req: FastifyRequest, principal: Principal): readonly string[] {
  const channel = (req.params as { channel?: unknown }).channel;
  if (principal.user.channel !== channel) {
    throw createError('LIFECERT_FEED_CHANNEL_FORBIDDEN', `this department's feed is ${principal.user.channel ?? '(none)'}, not ${String(channel)}`);
  }
  return [];
}

const feedTag = (channel: string) => `feed:${channel}`;

/** The position in a cursor this feed issued; LIFECERT_FEED_CURSOR_UNKNOWN (400) otherwise. */
async function positionOf(ctx: GatewayContext, channel: string, cursor: string): Promise<number> {
  let position: number;
  try {
    [position] = decodeCursor(feedTag(channel), cursor, ['number'] as const);
  } catch (err) {
    if (isLifecertError(err)) throw createError('LIFECERT_FEED_CURSOR_UNKNOWN', `the cursor is not one the ${channel} feed issued`);
    throw err;
  }
  if (!Number.isInteger(position) || position < 0 || position > (await feedEndOf(ctx.db, channel))) {
    throw createError('LIFECERT_FEED_CURSOR_UNKNOWN', `the cursor is not one the ${channel} feed issued`);
  }
  return position;
}

export const feedsRoutes: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app, { ctx }) => {
  app.get<{ Params: { channel: string }; Querystring: { cursor?: string; limit: number } }>(
    '/feeds/:channel/items',
    {
      config: { access: { roles: ['department'], regionRule: "the department's own channel only, whatever the region of its items", scope: ownChannel } },
      schema: {
        summary: "A department's feed: its items in creation order",
        description: 'Full values. `nextCursor` is always present: at the end of the feed it is the position after the last item, so the next call returns the items created since. Channel `insurance`: the certification results shared with the work-injury and unemployment insurance systems (article 15).',
        tags: ['feeds'],
        params: channelParams,
        querystring: { type: 'object', additionalProperties: false, properties: { ...pagingQuery } },
        response: {
          200: {
            type: 'object',
            required: ['items', 'nextCursor'],
            properties: {
              items: { type: 'array', items: { anyOf: [feedbackItemSchema, sharedResultSchema] } },
              nextCursor: { type: 'string', description: 'the position after the last item returned' },
            },
          },
        },
      },
    },
    async (req) => {
      const { channel } = req.params;
      const from = req.query.cursor === undefined ? 0 : await positionOf(ctx, channel, req.query.cursor);
      const page = await readFeed(ctx.db, channel, from, req.query.limit);
      return { items: page.items, nextCursor: encodeCursor(feedTag(channel), [page.position]) };
    },
  );

  app.post<{ Params: { channel: string }; Body: { upTo: string } }>(
    '/feeds/:channel/ack',
    {
      config: { access: { roles: ['department'], regionRule: "the department's own channel only", scope: ownChannel } },
      schema: {
        summary: 'Acknowledge every item before a position',
        description: '`upTo` is a `nextCursor` the department was given; an unknown cursor is a 400. Acknowledging does not change the delivery state.',
        tags: ['feeds'],
        params: channelParams,
        body: { type: 'object', additionalProperties: false, required: ['upTo'], properties: { upTo: { type: 'string', minLength: 1, maxLength: 512 } } },
        response: { 200: { type: 'object', required: ['ackedUpTo'], properties: { ackedUpTo: { type: 'string' } } } },
      },
    },
    async (req) => {
      const { channel } = req.params;
      const position = await positionOf(ctx, channel, req.body.upTo);
      const actor = actorOf(principalOf(req));
      const acked = await acknowledgeFeed(ctx.db, channel, position, formatChinaIso(ctx.now()), actor);
      await recordAudit(ctx.db, auditEntry(ctx, actor, 'feed.ack', `feed:${channel}`, { channel, upTo: position }));
      return { ackedUpTo: encodeCursor(feedTag(channel), [acked]) };
    },
  );
};
