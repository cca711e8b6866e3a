// Issue 12 item 1: the monthly mix and the streamed generator are checked the way every world is —
// the hub, through every simulator with every fault on, agrees exactly with the expectation the
// generator wrote from its own scenarios (results per person, counts per dataset, one REJECTED
// feedback item per quarantined record): once on a monthly-mix world built in memory, once on a
// world the streamed generator wrote to disk (chunks spilled and merged; more than one chunk).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo } from '../../cli/demo.ts';
import { generateWorld, generateWorldFiles, resultDifferences, writeWorld } from '../../sandbox/generate.ts';
import type { Expected } from '../../sandbox/generate.ts';
import type { Result } from '../../schemas/types.ts';

function checkAgainst(out: string, expected: Expected): Result[] {
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'counts.json'), 'utf8')), Object.fromEntries(Object.entries(expected.counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  const results = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Result);
  assert.deepEqual(results.map((r) => r.personId), Object.keys(expected.results), 'one result per roster person, in personId order');
  const mismatches: string[] = [];
  for (const r of results) mismatches.push(...resultDifferences(r, expected.results[r.personId]));
  assert.deepEqual(mismatches, []);
  const feedback = fs.readFileSync(path.join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
  assert.equal(feedback.length, expected.rejections.length, 'one REJECTED item per quarantined record');
  return results;
}

describe('the monthly mix and the streamed generator, end to end through the simulators (PGlite)', function () {
  this.timeout(900_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-month-mix-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('agrees exactly on a 3,000-person world of the monthly mix (in memory, all faults on)', async () => {
    const generated = generateWorld({ persons: 3000, seed: 'month-e2e', mix: 'month' });
    const { world } = writeWorld(generated, { dir });
    const out = path.join(dir, 'out');
    const summary = await runDemo({ world, persons: 3000, seed: 'month-e2e', out, progress: false, log: () => {} });
    assert.equal(summary.persons, 3000);
    const results = checkAgainst(out, generated.expected);
    const records = Object.values(generated.expected.counts).reduce((n, c) => n + c.pulled, 0);
    assert.ok(records / 3000 > 2.7 && records / 3000 < 3.6, `about three records per person, got ${(records / 3000).toFixed(2)}`);
    assert.ok(results.some((r) => r.decision === 'ineligible') && results.some((r) => r.decision === 'suspect'), 'every rule still has its scenario');
  });

  it('agrees exactly on a streamed world (3,000 persons in chunks of 700: five sorted runs merged, monthly mix, all faults on)', async () => {
    const persons = 3000;
    const { paths } = generateWorldFiles({ persons, seed: 'stream-e2e', mix: 'month' }, { dir }, { chunk: 700 });
    const expected = JSON.parse(fs.readFileSync(paths.expected, 'utf8')) as Expected;
    const out = path.join(dir, 'out');
    const summary = await runDemo({ world: paths.world, persons, seed: 'stream-e2e', out, progress: false, log: () => {} });
    assert.equal(summary.persons, persons);
    checkAgainst(out, expected);
  });
});
