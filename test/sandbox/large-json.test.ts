// parseLargeJson: the same value as JSON.parse, also when a document is split into its members
// (forced here with a tiny whole-value limit), and a SyntaxError for what JSON.parse refuses;
// readHubWorld: the hub's part of a world file, checked, without its sources.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLargeJson, parseLargeJsonWith } from '../../sandbox/large-json.ts';
import { readHubWorld, readWorld, WorldFileError } from '../../sandbox/read-world.ts';
import { generateWorld, writeWorld } from '../../sandbox/generate.ts';

const DOCS = [
  '{"a":1,"b":[1,2,{"c":"x,]}\\"y"}],"d":{}, "e":[] ,"f":null,"g":true,"h":-1.5e3}',
  ' [ {"k":"张三","v":"a\\\\"}, [], [[1],[2,[3]]], "", 0 ] ',
  '{"dup":1,"dup":2,"__proto__":{"x":1}}',
  '[]',
  '{}',
  '"just a string"',
  '{"roster":[{"personId":"44010319270808869X","name":"杨志明"}],"sources":{"ministry":{"DEATH":[]}}}',
];

describe('parseLargeJson', () => {
  for (const doc of DOCS) {
    it(`gives JSON.parse's value for ${doc.slice(0, 40)}`, () => {
      const want: unknown = JSON.parse(doc);
      assert.deepEqual(parseLargeJson(Buffer.from(doc)), want);
      for (const whole of [1, 2, 8]) assert.deepEqual(parseLargeJsonWith(Buffer.from(doc), whole), want, `split below ${whole} bytes`);
    });
  }

  it('keeps own __proto__ members and the last of duplicate keys, as JSON.parse does', () => {
    const v = parseLargeJsonWith(Buffer.from('{"dup":1,"dup":2,"__proto__":{"x":1}}'), 1) as Record<string, unknown>;
    assert.equal(v.dup, 2);
    assert.ok(Object.hasOwn(v, '__proto__'));
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });

  for (const bad of ['{"a":1,}', '[1 2]', '{"a" 1}', '[1,2', '{"a":"x}', '[1]x', '{1:2}']) {
    it(`refuses ${bad}`, () => {
      assert.throws(() => JSON.parse(bad), SyntaxError);
      assert.throws(() => parseLargeJsonWith(Buffer.from(bad), 1), SyntaxError);
    });
  }
});

describe('readHubWorld', () => {
  it('gives the roster, dates and police cities of readWorld without building the sources', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-hub-world-'));
    try {
      const { world } = writeGenerated(dir);
      const full = readWorld(world);
      const hub = readHubWorld(world);
      assert.deepEqual(hub, { period: full.period, asOf: full.asOf, cities: Object.keys(full.sources.police ?? {}), roster: full.roster });
      assert.ok(hub.cities.length > 0 && hub.roster.length === 300);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a roster that breaks world.schema.json, naming the problem', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-hub-world-'));
    try {
      const file = path.join(dir, 'world.json');
      fs.writeFileSync(file, JSON.stringify({ worldVersion: 1, period: '2026-11', asOf: '2026-11-28', roster: [{ personId: 'x' }], sources: {} }));
      assert.throws(() => readHubWorld(file), (e: unknown) => e instanceof WorldFileError && /roster/.test(e.message));
      fs.writeFileSync(file, '{"worldVersion":1,"roster":[');
      assert.throws(() => readHubWorld(file), (e: unknown) => e instanceof WorldFileError && /not valid JSON/.test(e.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function writeGenerated(dir: string): { world: string } {
  return writeWorld(generateWorld({ persons: 300, seed: 'hub-world' }), { dir });
}
