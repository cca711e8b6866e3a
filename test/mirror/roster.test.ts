import assert from 'node:assert/strict';
import { readRosterShard, loadRoster, rosterEntry, rosterShards } from '../../mirror/roster.ts';
import type { RosterEntry } from '../../schemas/types.ts';
import { forEachDatabase, identityNumber, resetMirror } from './db-targets.ts';

const AREAS = ['440103', '440106', '440303'];

function entry(i: number): RosterEntry {
  const area = AREAS[i % AREAS.length];
  const e: RosterEntry = {
    personId: identityNumber(`${area}1950${String((i % 12) + 1).padStart(2, '0')}01${String(i).padStart(3, '0')}`.slice(0, 17)),
    name: `受益人${i}`,
    sex: i % 2 === 0 ? '1' : '2',
    birthDate: `1950-${String((i % 12) + 1).padStart(2, '0')}-01`,
    areaCode: area,
    benefitStatus: 'normal',
    accountStatus: 'active',
    lastCertifiedMonth: '2026-03',
    startedMonth: '2012-07',
    paidThrough: '2026-11',
    monthlyAmountFen: 18_000 + i,
  };
  if (i % 7 === 0) {
    e.benefitStatus = 'suspended';
    e.suspendReason = 'IMPRISONED';
    e.suspendedSince = '2025-06';
  }
  return e;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

forEachDatabase('roster', ({ db }) => {
  beforeEach(async () => {
    await resetMirror(db());
  });

  it('bulk-loads with COPY and reads every entry back unchanged, shard by shard', async () => {
    const entries = Array.from({ length: 300 }, (_, i) => entry(i));
    async function* stream(): AsyncGenerator<RosterEntry> {
      yield* entries;
    }
    assert.equal(await loadRoster(db(), stream()), 300);
    const shards = await rosterShards(db());
    assert.deepEqual(shards, AREAS.map((areaCode) => ({ areaCode, recipients: 100 })));
    const back: RosterEntry[] = [];
    for (const s of shards) {
      const shard = await collect(readRosterShard(db(), s.areaCode, { batchSize: 7 }));
      assert.equal(shard.length, 100);
      assert.ok(shard.every((e) => e.areaCode === s.areaCode));
      assert.deepEqual(shard.map((e) => e.personId), [...shard.map((e) => e.personId)].sort(), 'in personId order');
      back.push(...shard);
    }
    const byId = (a: RosterEntry, b: RosterEntry) => (a.personId < b.personId ? -1 : 1);
    assert.deepEqual(back.sort(byId), [...entries].sort(byId));
    const suspended = back.find((e) => e.benefitStatus === 'suspended');
    assert.deepEqual([suspended?.suspendReason, suspended?.suspendedSince], ['IMPRISONED', '2025-06']);
    assert.ok(!('suspendReason' in (back.find((e) => e.benefitStatus === 'normal') as object)), 'absent fields stay absent');
  });

  it('replaces the whole roster by default, or merges by personId', async () => {
    await loadRoster(db(), [entry(0), entry(1), entry(2)]);
    await loadRoster(db(), [entry(1)]);
    assert.deepEqual((await rosterShards(db())).map((s) => s.recipients), [1]);
    const changed = { ...entry(1), paidThrough: '2026-12' };
    await loadRoster(db(), [changed, entry(4)], { replace: false });
    assert.equal((await rosterEntry(db(), changed.personId))?.paidThrough, '2026-12');
    assert.deepEqual(await rosterEntry(db(), entry(4).personId), entry(4));
    assert.equal(await rosterEntry(db(), entry(0).personId), null);
  });

  it('a malformed entry loads nothing and the roster stays as it was', async () => {
    await loadRoster(db(), [entry(0)]);
    const bad = { ...entry(1), benefitStatus: 'suspended' } as RosterEntry; // suspended without a reason
    await assert.rejects(loadRoster(db(), [entry(2), bad]));
    await assert.rejects(loadRoster(db(), [{ ...entry(3), monthlyAmountFen: 1.5 }]), /monthlyAmountFen/);
    const all = await collect(readRosterShard(db(), entry(0).areaCode));
    assert.deepEqual(all, [entry(0)]);
  });

  it('reads a configured roster view of the same shape', async () => {
    await loadRoster(db(), [entry(0), entry(1)]);
    await db().exec(`CREATE OR REPLACE VIEW roster_view AS SELECT * FROM t1_recipients WHERE area_code = '440103'`);
    assert.deepEqual(await rosterShards(db(), { table: 'roster_view' }), [{ areaCode: '440103', recipients: 1 }]);
    assert.deepEqual(await collect(readRosterShard(db(), '440103', { table: 'roster_view' })), [entry(0)]);
  });
});
