// /dashboard for people: log in with a token once (a signed, HttpOnly, SameSite=Strict session
// cookie follows), then a server-rendered page of sections that refreshes itself, and its JSON
// twin /dashboard/data.json. Each section shows only what the viewer's roles and region allow.
// Login and logout are written to the audit log (article 9 asks that operations out of working
// hours be monitored; a login is where they start).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit, endWebSession, findWebSession, formatChinaIso, insertWebSession } from '../../mirror/index.ts';
import { errorBody, isLifecertError } from '../../lib/errors.ts';
import type { Role } from '../../schemas/access.ts';
import { actorOf, principalForToken, principalOf } from '../access.ts';
import type { Access, Principal } from '../access.ts';
import { auditEntry } from '../audit-trail.ts';
import type { GatewayContext } from '../context.ts';
import { decodeSession, encodeSession, newSessionId, SESSION_COOKIE, SESSION_TTL_MS, sessionKey } from '../session.ts';
import { dashboardPage, loginPage, PAGE_CSP } from './page.ts';
import { sectionVisible } from './sections.ts';
import type { DashboardSection } from './sections.ts';

export interface DashboardOptions {
  ctx: GatewayContext;
  sections: readonly DashboardSection[];
  /** seconds between the page's own refreshes (default 30) */
  refreshSeconds?: number;
  /** roles that may log in besides the sections' (the queue board's operators) */
  extraRoles?: readonly Role[];
}

export const DASHBOARD_PATH = '/dashboard';
export const LOGIN_PATH = '/dashboard/login';

/** Where a login may send the browser back to: the web pages of this server only. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(dashboard|queues)(?:[/?#]|$)/.test(next) && !next.includes('//') && next.length <= 512 ? next : DASHBOARD_PATH;
}

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
}

export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const { ctx, sections } = options;
  const refreshSeconds = options.refreshSeconds ?? 30;
  const key = sessionKey(ctx.secret);
  const roles = [...new Set([...sections.flatMap((s) => s.roles), ...(options.extraRoles ?? [])])];
  const access: Access = { roles, regionRule: "each section shows the caller's region only", session: true };

  // the login form posts application/x-www-form-urlencoded (this plugin's routes only)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const load = async (principal: Principal) => {
    const viewer = { user: principal.user };
    const visible = sections.filter((s) => sectionVisible(s, principal.user));
    const loaded = await Promise.all(visible.map(async (s) => ({ section: s, data: await s.load(ctx, viewer) })));
    return { viewer, loaded, generatedAt: formatChinaIso(ctx.now()) };
  };

  app.get(DASHBOARD_PATH, { config: { access }, schema: { hide: true } }, async (req, reply) => {
    const { viewer, loaded, generatedAt } = await load(principalOf(req));
    const page = dashboardPage({
      user: viewer.user,
      sections: loaded.map(({ section, data }) => ({ id: section.id, title: section.title, body: section.render(data, viewer) })),
      generatedAt,
      refreshSeconds,
    });
    return pageHeaders(reply).send(page);
  });

  app.get(`${DASHBOARD_PATH}/data.json`, { config: { access }, schema: { hide: true } }, async (req, reply) => {
    const { viewer, loaded, generatedAt } = await load(principalOf(req));
    return reply.header('cache-control', 'no-store').send({
      generatedAt,
      refreshSeconds,
      viewer: { roles: viewer.user.roles, region: viewer.user.region },
      sections: Object.fromEntries(loaded.map(({ section, data }) => [section.id, data])),
    });
  });

  app.get<{ Querystring: { next?: string } }>(LOGIN_PATH, { config: { access: { roles: 'public' } }, schema: { hide: true } }, async (req, reply) => {
    return pageHeaders(reply).send(loginPage({ next: safeNext(req.query.next) }));
  });

  app.post<{ Body: { token?: unknown; next?: unknown } | undefined }>(LOGIN_PATH, { config: { access: { roles: 'public' } }, schema: { hide: true } }, async (req: FastifyRequest<{ Body: { token?: unknown; next?: unknown } | undefined }>, reply) => {
    const next = safeNext(req.body?.next);
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    let principal: Principal;
    try {
      principal = await principalForToken(ctx, token);
    } catch (err) {
      if (!isLifecertError(err)) throw err;
      req.log.info({ code: err.code }, 'dashboard login refused');
      return pageHeaders(reply.code(err.httpStatus)).send(loginPage({ next, error: `${errorBody(err).error.message}（${err.code}）` }));
    }
    if (!principal.user.roles.some((r) => roles.includes(r))) {
      req.log.info({ code: 'LIFECERT_AUTH_ROLE_FORBIDDEN' }, 'dashboard login refused');
      return pageHeaders(reply.code(403)).send(loginPage({ next, error: `此页面供 ${roles.join(', ')} 使用；您的角色 your roles: ${principal.user.roles.join(', ')}（LIFECERT_AUTH_ROLE_FORBIDDEN）` }));
    }
    const now = ctx.now();
    const expiresAt = Math.min(now + SESSION_TTL_MS, Date.parse(principal.expiresAt));
    const sessionId = newSessionId();
    await ctx.db.transaction(async (tx) => {
      await insertWebSession(tx, { sessionId, userId: principal.user.userId, tokenId: principal.tokenId, createdAt: formatChinaIso(now), expiresAt: formatChinaIso(expiresAt) });
      await appendAudit(tx, auditEntry(ctx, actorOf(principal), 'session.login', `session:${sessionId}`, { tokenId: principal.tokenId, expiresAt: formatChinaIso(expiresAt) }));
    });
    reply.setCookie(SESSION_COOKIE, encodeSession(key, { sessionId, expiresAt }), {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // over TLS (directly or behind a proxy that says so) the cookie never travels in clear
      secure: req.protocol === 'https',
      expires: new Date(expiresAt),
    });
    return reply.header('cache-control', 'no-store').redirect(next, 303);
  });

  app.post(`${DASHBOARD_PATH}/logout`, { config: { access: { roles: 'public' } }, schema: { hide: true } }, async (req, reply) => {
    // a valid session is logged out in the audit log; any cookie is cleared
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      const claims = decodeSession(key, cookie, ctx.now());
      const session = typeof claims === 'object' ? await findWebSession(ctx.db, claims.sessionId) : null;
      if (session !== null) {
        await ctx.db.transaction(async (tx) => {
          if (await endWebSession(tx, session.sessionId, formatChinaIso(ctx.now()))) {
            await appendAudit(tx, auditEntry(ctx, `user:${session.userId}`, 'session.logout', `session:${session.sessionId}`, { tokenId: session.tokenId }));
          }
        });
      }
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect(LOGIN_PATH, 303);
  });
};
