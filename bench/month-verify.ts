// The check every month benchmark ends with, outside its timing: each published result against
// the generator's expectation (sandbox/generate.ts resultDifferences), the number of results,
// and every dataset's counts (pulled, staged, rejected, skipped). It also digests the results, so
// that two runs of one world (one worker process against two) can be compared exactly.
import crypto from 'node:crypto';
import { readResults } from '../mirror/index.ts';
import type { Queryable } from '../mirror/index.ts';
import { resultDifferences } from '../sandbox/generate.ts';
import type { Expected } from '../sandbox/generate.ts';
import type { PullCounts } from '../schemas/types.ts';

export interface Verification {
  /** results that differ from the generator's (a missing or extra result counts once) */
  differences: number;
  /** datasets whose counts differ from the generator's */
  countDifferences: number;
  firstDifference?: string;
  /** results read */
  results: number;
  /** sha-256 of every result of the period, in person order, every field */
  resultsDigest: string;
}

export async function verifyMonth(db: Queryable, period: string, expected: Expected, counts: Record<string, PullCounts>): Promise<Verification> {
  let differences = 0;
  let firstDifference: string | undefined;
  let seen = 0;
  const digest = crypto.createHash('sha256');
  for await (const r of readResults(db, period)) {
    seen += 1;
    digest.update(JSON.stringify(r)).update('\n');
    const d = resultDifferences(r, expected.results[r.personId]);
    if (d.length > 0) {
      differences += 1;
      firstDifference ??= `${r.personId}: ${d.join('; ')}`;
    }
  }
  const want = Object.keys(expected.results).length;
  if (seen !== want) {
    differences += Math.abs(want - seen);
    firstDifference ??= `${seen} results, ${want} expected`;
  }
  let countDifferences = 0;
  for (const [key, w] of Object.entries(expected.counts)) {
    const got = counts[key];
    if (!got || got.pulled !== w.pulled || got.staged !== w.staged || got.rejected !== w.rejected || got.skipped !== w.skipped) {
      countDifferences += 1;
      firstDifference ??= `${key}: counts ${JSON.stringify(got)}, expected ${JSON.stringify(w)}`;
    }
  }
  return { differences, countDifferences, firstDifference, results: seen, resultsDigest: digest.digest('hex') };
}
