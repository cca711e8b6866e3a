// The OpenAPI document: valid OpenAPI 3.1 (checked against the OpenAPI Initiative's own JSON
// Schema for 3.1 documents, test/data/openapi-3.1.schema.json — schemas/v3.1/schema.json
// 2022-10-07 of github.com/OAI/OpenAPI-Specification, Apache-2.0), listing exactly the routes
// the server serves; the docs page is served from the package, with no outside address.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { gatewaySuite } from './helpers.ts';

const oas31 = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'data', 'openapi-3.1.schema.json'), 'utf8')) as Record<string, unknown>;

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
}

gatewaySuite(
  'OpenAPI document',
  (h) => {
    let doc: OpenApiDoc;
    before(async () => {
      const res = await h.request('GET', '/api/v1/openapi.json');
      assert.equal(res.status, 200);
      doc = res.body as unknown as OpenApiDoc;
    });

    it('validates as OpenAPI 3.1', () => {
      const ajv = new Ajv2020.default({ strict: false, allErrors: true });
      addFormats.default(ajv);
      // RFC 9110 media ranges (`application/json`, `*/*`) in content maps
      ajv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+/);
      // ajv resolves `$dynamicRef: #meta` against the wrong scope; in this schema (schema objects
      // not validated) it means exactly `$ref: #/$defs/schema`, the only `$dynamicAnchor: meta`
      const validate = ajv.compile(JSON.parse(JSON.stringify(oas31).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}')) as object);
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
      // and the check itself rejects a broken document
      assert.equal(validate({ ...doc, paths: { '/x': { get: { responses: 'none' } } } }), false);
      assert.equal(validate({ ...doc, openapi: '3.0.3' }), false);
    });

    it('lists exactly the routes served (the docs page aside)', () => {
      const served = h
        .gateway()
        .routes()
        .filter((r) => !r.hidden)
        .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`)
        .sort();
      const documented = Object.entries(doc.paths)
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
        .sort();
      assert.deepEqual(documented, served);
      assert.ok(served.length >= 14);
    });

    it('documents the token and the error answers of every protected operation', () => {
      for (const [p, ops] of Object.entries(doc.paths)) {
        for (const [m, op] of Object.entries(ops)) {
          if (op.security === undefined) continue;
          for (const status of ['401', '403']) assert.ok(op.responses[status], `${m} ${p} documents ${status}`);
        }
      }
      assert.ok(doc.paths['/api/v1/users'].post.responses['422']);
      assert.ok(doc.paths['/api/v1/users/{userId}/tokens/{tokenId}'].delete.responses['409']);
    });

    it('serves the docs page and its assets from the package, no outside address', async () => {
      const page = await h.gateway().app.inject({ method: 'GET', url: '/api/v1/docs/' });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-type'] ?? '', /text\/html/);
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(assets.length > 0);
      for (const asset of assets) {
        assert.ok(!/^(https?:)?\/\//.test(asset), `${asset} is local`);
        const res = await h.gateway().app.inject({ method: 'GET', url: new URL(asset, 'http://x/api/v1/docs/').pathname });
        assert.equal(res.statusCode, 200, asset);
      }
      const init = await h.gateway().app.inject({ method: 'GET', url: '/api/v1/docs/static/swagger-initializer.js' });
      assert.equal(init.statusCode, 200);
      // the document comes from this server, and swagger-ui's online validator is off
      assert.match(init.body, /url: resolveUrl\('\.\/json'\)/);
      assert.match(init.body, /validatorUrl: null/);
    });
  },
  { kinds: ['pglite'] },
);
