// npm run test:fuzz — the property-based suite of issue 8 at full size (≥ 100,000 cases across
// targets; LIFECERT_FUZZ_RUNS sets cases per unit of target weight, default 6,000), printing
// per target the cases run and the time per case (median, p99, max) and, for record and
// staging targets, the slowest time per MB over the cases of 64 KB and more: it stays flat when
// the work is linear in size (a quadratic reader shows hundreds of ms per MB and growing). A failing
// target's shrunk example is written to test/fuzz/fixtures/ (replayed by npm test from then
// on). Ends with `fuzz: N passed, N failed` and a non-zero exit on any failure.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { FuzzMirror, fuzzRuns, fuzzTargets, LyingServer } from '../test/fuzz/targets.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'test', 'fuzz', 'fixtures');
const runs = fuzzRuns(6000);
const seed = Number(process.env.LIFECERT_FUZZ_SEED ?? Date.now() % 1_000_000);

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const server = new LyingServer();
const mirror = new FuzzMirror();
await server.start();
let passed = 0;
let failed = 0;
let total = 0;
const started = performance.now();
console.log(`fuzz: seed ${seed}, ${runs} cases per unit of weight`);
console.log(['target', 'cases', 'median ms', 'p99 ms', 'max ms', 'large cases', 'max ms/MB (≥ 64 KB)'].join('\t'));
try {
  for (const target of fuzzTargets(server, mirror)) {
    const numRuns = Math.max(1, Math.round(runs * target.weight));
    const times: number[] = [];
    let perMb = 0;
    let large = 0;
    const result = await fc.check(
      fc.asyncProperty(target.arbitrary, async (v) => {
        const t0 = performance.now();
        await target.check(v);
        const ms = performance.now() - t0;
        times.push(ms);
        const size = target.sizeOf ? target.sizeOf(v) : 0;
        if (size >= 64 * 1024) {
          large++;
          perMb = Math.max(perMb, ms / (size / (1024 * 1024)));
        }
      }),
      { numRuns, seed },
    );
    times.sort((a, b) => a - b);
    total += result.numRuns;
    console.log([target.name, result.numRuns, quantile(times, 0.5).toFixed(3), quantile(times, 0.99).toFixed(3), (times.at(-1) ?? 0).toFixed(3), target.sizeOf ? large : '-', target.sizeOf ? perMb.toFixed(1) : '-'].join('\t'));
    if (result.failed) {
      failed++;
      const value = result.counterexample?.[0];
      const name = `${target.name.replace(/[^A-Za-z0-9]+/g, '-')}-${crypto.createHash('sha256').update(JSON.stringify(value) ?? '').digest('hex').slice(0, 8)}.json`;
      fs.mkdirSync(FIXTURES, { recursive: true });
      fs.writeFileSync(path.join(FIXTURES, name), `${JSON.stringify({ target: target.name, value, found: `npm run test:fuzz seed ${seed}: ${String(result.errorInstance ?? '').slice(0, 300)}` })}\n`);
      console.log(`FAILED ${target.name}: ${String(result.errorInstance ?? '').split('\n')[0]} — counterexample kept as test/fuzz/fixtures/${name}`);
    } else passed++;
  }
} finally {
  await server.stop();
  await mirror.stop();
}
console.log(`fuzz: ${total} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`fuzz: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
