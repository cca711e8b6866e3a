// Issue "Decide and publish", done-when: `lifecert demo` on generated worlds (several seeds,
// every fault on) agrees with the generator's expected result for every person.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo } from '../../src/cli/demo.ts';
import type { Expected } from '../../src/sandbox/generate.ts';
import type { Result } from '../../src/schemas/types.ts';
import { validateResult } from '../../src/schemas/index.ts';

const FIELDS = ['decision', 'action', 'reasons', 'lossDate', 'certifiedMonth', 'certifiedUntil', 'riskLevel', 'overpaidMonths', 'overpaidAmountFen'] as const;

describe('lifecert demo, end to end through the simulators', function () {
  this.timeout(600_000);
  for (const seed of ['demo-a', 'demo-b']) {
    it(`agrees with the generator for every person (seed ${seed}, 600 persons, all faults on)`, async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-demo-'));
      try {
        const summary = await runDemo({ persons: 600, seed, out, progress: false, log: () => {} });
        for (const f of ['results.jsonl', 'feedback.jsonl', 'counts.json', 'report.html']) assert.ok(fs.existsSync(path.join(out, f)), f);
        const expected = JSON.parse(fs.readFileSync(path.join(out, 'world.expected.json'), 'utf8')) as Expected;
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'counts.json'), 'utf8')), Object.fromEntries(Object.entries(expected.counts).sort(([a], [b]) => (a < b ? -1 : 1))));
        const results = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Result);
        assert.equal(results.length, 600);
        const ids = results.map((r) => r.personId);
        assert.deepEqual(ids, [...ids].sort(), 'results.jsonl is sorted by personId');
        const mismatches: string[] = [];
        for (const r of results) {
          assert.deepEqual(validateResult(r), []);
          const e = expected.results[r.personId] as unknown as Record<string, unknown>;
          assert.ok(e, `no expected result for ${r.personId}`);
          for (const k of FIELDS) {
            if (JSON.stringify(r[k]) !== JSON.stringify(e[k])) mismatches.push(`${r.personId} ${k}: got ${JSON.stringify(r[k])}, expected ${JSON.stringify(e[k])}`);
          }
        }
        assert.deepEqual(mismatches, []);
        const feedback = fs.readFileSync(path.join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
        assert.equal(feedback.length, expected.rejections.length, 'one REJECTED item per quarantined record');
        const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
        assert.match(html, /<svg/);
        assert.equal(summary.persons, 600);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  }
});
