// Every fuzz target, for the suite (test/fuzz/fuzz.test.ts, a modest size) and for
// `npm run test:fuzz` (bench/fuzz.ts: the full size, with time per case). A target is an
// arbitrary and a property; `weight` shares the cases of a run among targets.
import type fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCivilCase, checkCivilPull, civilCaseArb } from './civil-bytes.ts';
import { checkPullCase, pullCaseArb, LyingServer } from './lying-sources.ts';
import type { Source } from './lying-sources.ts';
import { checkRecordCase, recordCaseArb, recordTargets } from './records.ts';
import { checkStagingCase, FuzzMirror, stagingCaseArb } from './staging.ts';

export interface FuzzTarget {
  name: string;
  arbitrary: fc.Arbitrary<unknown>;
  check: (value: unknown) => void | Promise<void>;
  /** cases per unit of size */
  weight: number;
  /** the size of one case (for the per-size report), if it has one */
  sizeOf?: (value: unknown) => number;
}

let inbox: string | undefined;
/** A scratch inbox for the civil pull target (one per process, removed at exit). */
function civilInbox(): string {
  if (inbox === undefined) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-fuzz-civil-'));
    inbox = path.join(root, 'inbox');
    fs.mkdirSync(inbox);
    process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  }
  return inbox;
}

/** `LIFECERT_FUZZ_RUNS`: cases per unit of weight (the suite's default is modest). */
export function fuzzRuns(fallback: number): number {
  const v = Number(process.env.LIFECERT_FUZZ_RUNS);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function fuzzTargets(server: LyingServer, mirror: FuzzMirror): FuzzTarget[] {
  const out: FuzzTarget[] = [];
  for (const t of recordTargets()) {
    out.push({
      name: `record ${t.channel}/${t.dataset}`,
      arbitrary: recordCaseArb(t) as fc.Arbitrary<unknown>,
      check: (v) => checkRecordCase(t, v as Parameters<typeof checkRecordCase>[1]),
      weight: 1,
      sizeOf: (v) => JSON.stringify((v as { mutations: unknown }).mutations).length,
    });
  }
  out.push({ name: 'civil file bytes', arbitrary: civilCaseArb() as fc.Arbitrary<unknown>, check: (v) => checkCivilCase(v as Parameters<typeof checkCivilCase>[0]), weight: 2 });
  out.push({ name: 'civil inbox pull (mutated files)', arbitrary: civilCaseArb() as fc.Arbitrary<unknown>, check: (v) => checkCivilPull(civilInbox(), v as Parameters<typeof checkCivilPull>[1]), weight: 0.1 });
  for (const source of ['health', 'police', 'bigdata', 'ministry'] as Source[]) {
    out.push({ name: `pull ${source} (lying paging, broken bodies)`, arbitrary: pullCaseArb(source) as fc.Arbitrary<unknown>, check: (v) => checkPullCase(server, v as Parameters<typeof checkPullCase>[1]), weight: 0.1 });
  }
  out.push({ name: 'stage hostile pages (embedded mirror)', arbitrary: stagingCaseArb() as fc.Arbitrary<unknown>, check: (v) => checkStagingCase(mirror, v as Parameters<typeof checkStagingCase>[1]), weight: 0.1, sizeOf: (v) => JSON.stringify((v as { records: unknown }).records).length });
  return out;
}

export { FuzzMirror, LyingServer };
