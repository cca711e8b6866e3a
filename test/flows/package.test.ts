// The package side of the nodes: what package.json → node-red declares exists with its editor
// half, help and both message catalogs; source config nodes keep exactly the schema's secrets
// as credentials; the shipped flows are in examples/ as they are in flows/ and hold no secret field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sourceKinds } from '../../pipeline/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };

describe('flows: the node package', () => {
  it('every declared node has its .js, .ts, .html (palette lifecert or a config node, with help) and en-US / zh-CN catalogs with the same keys', () => {
    const keys = (o: unknown, p = ''): string[] => (o !== null && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => keys(v, `${p}${k}.`)) : [p]);
    for (const [name, file] of Object.entries(pkg['node-red'].nodes)) {
      const base = path.join(ROOT, file.replace(/\.js$/, ''));
      for (const ext of ['.js', '.ts', '.html']) assert.ok(fs.existsSync(base + ext), `${name}${ext}`);
      const html = fs.readFileSync(`${base}.html`, 'utf8');
      assert.match(html, /category: '(lifecert|config)'/, name);
      assert.ok(html.includes('data-help-name='), `${name} has help`);
      const dir = path.join(path.dirname(base), 'locales');
      const en = JSON.parse(fs.readFileSync(path.join(dir, 'en-US', `${name}.json`), 'utf8')) as unknown;
      const zh = JSON.parse(fs.readFileSync(path.join(dir, 'zh-CN', `${name}.json`), 'utf8')) as unknown;
      assert.deepEqual(keys(zh).sort(), keys(en).sort(), `${name}: the same message keys in both languages`);
      assert.ok(fs.existsSync(path.join(dir, 'zh-CN', `${name}.html`)), `${name} has zh-CN help`);
      // every status key the node asks for is in the catalog
      const ts = fs.readFileSync(`${base}.ts`, 'utf8');
      for (const m of ts.matchAll(/RED\._\('([a-z-]+)\.([a-zA-Z.]+)'/g)) assert.ok(keys(en).includes(`${m[1]}.${m[2]}.`), `${name}: ${m[1]}.${m[2]} in the catalog`);
    }
  });

  it('each source kind has a config node whose credentials are exactly the schema\'s secret fields', () => {
    const html = fs.readFileSync(path.join(ROOT, 'flows/nodes/lifecert-source.html'), 'utf8');
    for (const kind of sourceKinds()) {
      const m = new RegExp(`registerType\\('lifecert-${kind.name}',[\\s\\S]*?credentials: (\\{[^\\n]*\\}),`).exec(html);
      assert.ok(m, kind.name);
      assert.deepEqual(Object.keys(JSON.parse(m[1]) as object).sort(), [...kind.secretFields].sort(), kind.name);
      assert.ok(kind.secretFields.length > 0 || kind.name === 'civil');
    }
  });

  it('the shipped flows are in examples/ unchanged, and no node in them carries credentials', () => {
    for (const name of ['standard-monthly.json', 'new-city-source.json']) {
      const text = fs.readFileSync(path.join(ROOT, 'flows', name), 'utf8');
      assert.equal(fs.readFileSync(path.join(ROOT, 'examples', name), 'utf8'), text, name);
      const nodes = JSON.parse(text) as Record<string, unknown>[];
      assert.ok(nodes.every((n) => n.credentials === undefined), `${name}: no credentials`);
      for (const kind of sourceKinds()) for (const n of nodes.filter((x) => x.type === `lifecert-${kind.name}`)) for (const f of kind.secretFields) assert.equal(n[f], undefined, `${name}: ${f}`);
    }
  });
});
