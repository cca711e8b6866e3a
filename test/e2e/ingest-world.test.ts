// Issue "Ingest", done-when: a generated world with every fault switched on, served by the
// sandbox simulators over real sockets, pulled by the production connectors into the mirror,
// gives exactly the generator's counts and rejections; pulling again changes nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld } from '../../sandbox/generate.ts';
import type { GeneratedWorld } from '../../sandbox/generate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { buildConnectors } from '../../config/index.ts';
import { sandboxSources } from '../../sandbox/hub-sources.ts';
import { ingestAll } from '../../pipeline/ingest.ts';
import type { Db } from '../../mirror/db.ts';
import { forEachDatabase } from '../mirror/db-targets.ts';

const PERSONS = Number(process.env.LIFECERT_E2E_PERSONS ?? 2000);

/** Everything the mirror holds about source records, in a stable order. */
async function dumpStaging(db: Db): Promise<string> {
  const versions = await db.query<Record<string, unknown>>(
    `SELECT channel, dataset, record_id, raw_hash, outcome, person_id, kind, date, end_date, detail, source_updated_at
       FROM source_records ORDER BY channel, dataset, record_id, raw_hash`,
  );
  const rejections = await db.query<Record<string, unknown>>(
    `SELECT channel, dataset, record_id, field, reason_code FROM rejections ORDER BY channel, dataset, record_id, field, reason_code`,
  );
  return JSON.stringify({ versions: versions.rows, rejections: rejections.rows });
}

forEachDatabase('ingest of a generated world through every simulator, all faults on', (suite) => {
  let generated: GeneratedWorld;
  let sandbox: Sandbox;
  let civilDir: string;

  before(async function () {
    this.timeout(120_000);
    generated = generateWorld({ persons: PERSONS, seed: 'e2e-ingest', faults: true });
    civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-e2e-'));
    sandbox = await startSandbox({ world: generated.world, civilDir, port: 0 });
  });
  after(async () => {
    await sandbox?.close();
    // unset when the suite was skipped (no PostgreSQL) before anything was made
    if (civilDir) fs.rmSync(civilDir, { recursive: true, force: true });
  });

  const connectors = () =>
    buildConnectors(sandboxSources(sandbox.url, civilDir, Object.keys(generated.world.sources.police ?? {})));

  it('gives exactly the world’s counts and rejections, then a second pull changes nothing', async function () {
    this.timeout(600_000);
    const { world, expected } = generated;
    const db = suite.db();

    const counts = await ingestAll({ db, connectors: connectors(), asOf: world.asOf, runId: 'e2e-1' });
    assert.deepEqual(sortKeys(counts), sortKeys(expected.counts));
    for (const [key, c] of Object.entries(counts)) {
      assert.equal(c.pulled, c.staged + c.rejected + c.skipped, `${key}: pulled = staged + rejected + skipped`);
    }

    const rejected = await db.query<{ channel: string; dataset: string; record_id: string; reason_code: string; field: string }>(
      `SELECT channel, dataset, record_id, reason_code, field FROM rejections`,
    );
    const got = rejected.rows.map((r) => `${r.channel}/${r.dataset}/${r.record_id}/${r.reason_code}/${r.field}`).sort();
    const want = expected.rejections.map((r) => `${r.channel}/${r.dataset}/${r.recordId}/${r.reasonCode}/${r.field}`).sort();
    assert.deepEqual(got, want);

    const skipped = await db.query<{ channel: string; dataset: string; record_id: string; reason_code: string }>(
      `SELECT channel, dataset, record_id, reason_code FROM skips`,
    );
    assert.deepEqual(
      skipped.rows.map((r) => `${r.channel}/${r.dataset}/${r.record_id}/${r.reason_code}`).sort(),
      expected.skips.map((r) => `${r.channel}/${r.dataset}/${r.recordId}/${r.reasonCode}`).sort(),
    );

    const faults = world.faults ?? {};
    assert.ok(faults.ministry?.busyEveryNthCall && faults.bigdata?.rateLimitEveryNthCall && faults.bigdata?.unavailableEveryNthCall && faults.health?.htmlErrorEveryNthCall, 'every fault is switched on');
    const before = await dumpStaging(db);
    const again = await ingestAll({ db, connectors: connectors(), asOf: world.asOf, runId: 'e2e-2' });
    for (const [key, c] of Object.entries(again)) {
      assert.equal(c.pulled, c.staged + c.rejected + c.skipped, `${key} (second pull)`);
    }
    assert.equal(await dumpStaging(db), before, 'a second pull must not change the staged state');
  });
});

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
