// The check every month benchmark ends with, outside its timing: each published result against
// the generator's expectation (sandbox/generate.ts resultDifferences), the number of results,
// and every dataset's counts (pulled, staged, rejected, skipped). Both sides are streamed: the
// hub's results (in personId order, as mirror/readResults gives them) are walked beside the
// members of the sidecar's `results` object (in personId order, as the generators write them),
// so neither is ever held whole. It also digests the results, so that two runs of one world (one
// worker process against two, or the hub) can be compared exactly.
import crypto from 'node:crypto';
import { readResults } from '../mirror/index.ts';
import type { Queryable } from '../mirror/index.ts';
import { resultDifferences, type ExpectedResult } from '../sandbox/generate.ts';
import type { PullCounts, Result } from '../schemas/types.ts';
import { jsonMembers, jsonObject } from './json-members.ts';

export interface Comparison {
  compared: number;
  differences: number;
  firstDifference?: string;
}

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

/** Walks `results` (ascending personId) beside the expectation file's `results` member. */
export async function compareResults(results: AsyncIterable<Result> | Iterable<Result>, expectedFile: string): Promise<Comparison> {
  const out: Comparison = { compared: 0, differences: 0 };
  const differ = (line: string): void => {
    out.differences += 1;
    out.firstDifference ??= line;
  };
  const wanted = jsonMembers<ExpectedResult>(expectedFile, 'results');
  let want = wanted.next();
  let previous = '';
  for await (const r of results) {
    if (r.personId <= previous) throw new Error(`compareResults: results out of personId order at ${r.personId}`);
    previous = r.personId;
    while (!want.done && want.value[0]! < r.personId) {
      differ(`${want.value[0]}: expected a result, the hub published none`);
      want = wanted.next();
    }
    if (!want.done && want.value[0] === r.personId) {
      out.compared += 1;
      const d = resultDifferences(r, want.value[1]);
      if (d.length > 0) differ(d.join('; '));
      want = wanted.next();
    } else {
      differ(`${r.personId}: the hub published a result the generator did not expect`);
    }
  }
  for (; !want.done; want = wanted.next()) differ(`${want.value[0]}: expected a result, the hub published none`);
  return out;
}

async function* digesting(results: AsyncIterable<Result>, digest: crypto.Hash, seen: { n: number }): AsyncIterable<Result> {
  for await (const r of results) {
    seen.n += 1;
    digest.update(JSON.stringify(r)).update('\n');
    yield r;
  }
}

/** The results of `period` in `db` and the pull counts against the expectation sidecar `expectedFile`. */
export async function verifyMonth(db: Queryable, period: string, expectedFile: string, counts: Record<string, PullCounts>): Promise<Verification> {
  const digest = crypto.createHash('sha256');
  const seen = { n: 0 };
  const compared = await compareResults(digesting(readResults(db, period), digest, seen), expectedFile);
  let firstDifference = compared.firstDifference;
  let countDifferences = 0;
  for (const [key, w] of Object.entries(jsonObject<PullCounts>(expectedFile, 'counts') ?? {})) {
    const got = counts[key];
    if (!got || got.pulled !== w.pulled || got.staged !== w.staged || got.rejected !== w.rejected || got.skipped !== w.skipped) {
      countDifferences += 1;
      firstDifference ??= `${key}: counts ${JSON.stringify(got)}, expected ${JSON.stringify(w)}`;
    }
  }
  return { differences: compared.differences, countDifferences, firstDifference, results: seen.n, resultsDigest: digest.digest('hex') };
}
