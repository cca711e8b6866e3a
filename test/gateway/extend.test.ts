// The seams later parts use: an Express app (Node-RED's httpAdmin / httpNode) mounted on a path
// prefix gets the raw request with its body unread; a plugin registered through `plugins` gets
// the same token, role and region checks by stating `config.access`.
import assert from 'node:assert/strict';
import express from 'express';
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayContext } from '../../gateway/context.ts';
import { principalOf } from '../../gateway/access.ts';
import { gatewaySuite } from './helpers.ts';

const flows = express();
flows.use(express.json());
flows.get('/', (_req, res) => {
  res.type('text/plain').send('editor');
});
flows.post('/echo', (req, res) => {
  res.json({ path: req.path, body: req.body as unknown });
});

const boardPlugin: FastifyPluginAsync<{ ctx: GatewayContext }> = async (app) => {
  app.get('/queues-probe', { config: { access: { roles: ['operator'], scope: () => ['44'] } }, schema: { hide: true } }, async (req) => ({ user: principalOf(req).user.userId }));
};

gatewaySuite(
  'extending the gateway',
  (h) => {
    it('hands a mounted prefix to an Express app, body unread and path stripped', async () => {
      // over a real socket: Express replaces the response's prototype, which the injector's fake response does not survive
      const base = await h.gateway().listen(0, '127.0.0.1');
      const root = await fetch(`${base}/flows`);
      assert.equal(root.status, 200);
      assert.equal(await root.text(), 'editor');
      const echo = await fetch(`${base}/flows/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deploy: ['a', 'b'] }) });
      assert.equal(echo.status, 200);
      assert.deepEqual(await echo.json(), { path: '/echo', body: { deploy: ['a', 'b'] } });
      assert.equal((await fetch(`${base}/api/v1/results?period=2026-11`)).status, 401, 'the API beside it is untouched');
      const doc = (await h.request('GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
      assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/flows')), 'mounted apps are not API routes');
    });

    it('applies the access rules to a route of a plugin', async () => {
      assert.equal((await h.request('GET', '/queues-probe')).status, 401);
      const staff = await h.caller(['county-staff'], '44');
      assert.equal((await h.request('GET', '/queues-probe', { token: staff.token })).status, 403);
      const cityOp = await h.caller(['operator'], '4401');
      assert.equal((await h.request('GET', '/queues-probe', { token: cityOp.token })).body.error?.code, 'LIFECERT_AUTH_REGION_FORBIDDEN');
      const op = await h.caller(['operator'], '44');
      const ok = await h.request('GET', '/queues-probe', { token: op.token });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.user, op.user.userId);
    });
  },
  { kinds: ['pglite'], gateway: { mounts: [{ prefix: '/flows', handler: flows }], plugins: [boardPlugin] } },
);
