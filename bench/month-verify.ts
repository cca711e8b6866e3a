// The bench's check of the hub's results against the generator's expectation, streamed: the hub's
// results (in personId order, as mirror/readResults gives them) are walked beside the members of
// the sidecar's `results` object (in personId order, as the generators write them), so neither
// side is ever held whole. A person on one side only, or a field that differs, is a difference.
import { resultDifferences, type ExpectedResult } from '../sandbox/generate.ts';
import type { Result } from '../schemas/types.ts';
import { jsonMembers } from './json-members.ts';

export interface Comparison {
  compared: number;
  differences: number;
  firstDifference?: string;
}

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
