// Durations belong to the benchmarks (bench/), never to a test's assertions: on a shared or slow
// machine a time bound fails for reasons that are not the code's, and on a fast one it proves
// nothing. A test that wants a speed guard sets `this.timeout`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const TEST_ROOT = path.resolve(import.meta.dirname, '..');
// an elapsed time taken in a test: `Date.now() - started`, `performance.now() - t0`, hrtime
const ELAPSED = /\b(?:Date|performance)\.now\(\)\s*-|process\.hrtime/;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(full);
    return e.name.endsWith('.ts') && full !== import.meta.filename ? [full] : [];
  });
}

describe('architecture: no timing in tests', () => {
  it('no test, helper or fixture measures an elapsed time (npm run bench:scale does)', () => {
    const files = testFiles(TEST_ROOT);
    assert.ok(files.length > 30, 'the test files were found');
    const found = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (ELAPSED.test(line) ? [`${path.relative(TEST_ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, []);
  });
});
