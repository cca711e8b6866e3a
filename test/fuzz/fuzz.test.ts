// The property-based suite of issue 8 at a modest size (LIFECERT_FUZZ_RUNS sets cases per
// target; `npm run test:fuzz` runs the full size with time per case). Shrunk failing
// examples that `npm run test:fuzz` found are kept in test/fuzz/fixtures and replayed first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FuzzMirror, fuzzRuns, fuzzTargets, LyingServer } from './targets.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

describe('fuzz: whatever a department sends (issue 8)', function () {
  this.timeout(600_000);
  const server = new LyingServer();
  const mirror = new FuzzMirror();
  before(() => server.start());
  after(async () => {
    await server.stop();
    await mirror.stop();
  });
  const runs = fuzzRuns(60);
  const targets = () => fuzzTargets(server, mirror);

  it('kept regression fixtures still hold', async () => {
    const files = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')) : [];
    const byName = new Map(targets().map((t) => [t.name, t]));
    for (const file of files) {
      const { target, value } = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { target: string; value: unknown };
      const t = byName.get(target);
      assert.ok(t, `${file}: a known target (${target})`);
      await t.check(value);
    }
  });

  for (const t of fuzzTargets(new LyingServer(), new FuzzMirror())) {
    it(`${t.name}: ${Math.max(1, Math.round(runs * t.weight))} cases`, async () => {
      const target = targets().find((x) => x.name === t.name);
      assert.ok(target);
      await fc.assert(fc.asyncProperty(target.arbitrary, async (v) => { await target.check(v); }), { numRuns: Math.max(1, Math.round(runs * t.weight)), seed: 8 });
    });
  }
});
