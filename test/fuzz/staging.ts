// Staging fuzz target: pages of mutated records (any source, any value: NUL, lone surrogates,
// megabyte strings, years past 9999, ids of another type) ingested into an embedded mirror.
// Staging never fails on content: the pull succeeds and pulled = staged + rejected + skipped.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Connector, PulledRecord } from '../../connectors/kit/connector.ts';
import { normalizeUpdateTime } from '../../lib/china-time.ts';
import { recordIdOf, updatedAtOf } from '../../connectors/normalize.ts';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import { mutate, recordCaseArb, recordTargets } from './records.ts';
import type { RecordCase, RecordTarget } from './records.ts';

export interface StagingCase {
  target: number;
  records: RecordCase[];
}

/** An embedded mirror for the staging target, emptied before each case. */
export class FuzzMirror {
  private db: Db | null = null;
  private runs = 0;

  async start(): Promise<void> {
    this.db = await openDatabase({});
    await migrate(this.db);
  }

  async stop(): Promise<void> {
    await this.db?.close();
    this.db = null;
  }

  async fresh(): Promise<{ db: Db; runId: string }> {
    if (!this.db) await this.start();
    const db = this.db as Db;
    await db.exec('TRUNCATE rejections, source_records, raw_pages, cursors, pulls RESTART IDENTITY CASCADE');
    return { db, runId: `fuzz-${++this.runs}` };
  }
}

let targets: RecordTarget[] | undefined;
function allTargets(): RecordTarget[] {
  targets ??= recordTargets();
  return targets;
}

export function stagingCaseArb(): fc.Arbitrary<StagingCase> {
  const list = allTargets();
  return fc.nat({ max: list.length - 1 }).chain((target) =>
    fc.record({ target: fc.constant(target), records: fc.array(recordCaseArb(list[target]), { minLength: 1, maxLength: 5 }) }));
}

export async function checkStagingCase(mirror: FuzzMirror, c: StagingCase): Promise<void> {
  const t = allTargets()[c.target];
  const records: PulledRecord[] = c.records.map((rc) => {
    const raw = mutate(t.channel, t.seeds[rc.seed], rc.mutations);
    return { recordId: recordIdOf(t.channel, t.dataset, raw), raw, updatedAt: normalizeUpdateTime(updatedAtOf(t.channel, t.dataset, raw)) };
  });
  const connector: Connector = {
    channel: t.channel,
    datasets: [t.dataset],
    spec: () => ({}),
    check: async () => ({ ok: true }),
    async *pull() {
      // the page body as a hostile source might send it: its records' JSON with a NUL appended
      yield { records, state: { highWater: null }, body: Buffer.from(`${JSON.stringify(records.map((r) => r.raw))}\u0000`, 'utf8'), request: `GET /fuzz/${t.dataset}` };
    },
  };
  const { db, runId } = await mirror.fresh();
  const counts = await ingestDataset({ db, connector, dataset: t.dataset, asOf: '2026-11-28', runId });
  assert.equal(counts.pulled, counts.staged + counts.rejected + counts.skipped);
  assert.ok(counts.pulled >= 1 && counts.pulled <= records.length, `pulled ${counts.pulled} of ${records.length}`);
}
