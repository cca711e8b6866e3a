// The audit log: append-only (the database refuses UPDATE and DELETE), every row linked to
// the one before by its hash, `audit verify` naming the first changed, inserted or removed
// row, and the out-of-hours flag from the working calendar at the injected clock's time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { auditHash, readAuditChain, verifyAuditChain } from '../../mirror/index.ts';
import type { AuditRecord } from '../../schemas/access.ts';
import { gatewaySuite } from './helpers.ts';
import type { Caller } from './helpers.ts';

const CLI = path.join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const NODE = path.join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node');

gatewaySuite('audit log', (h) => {
  let admin: Caller;
  const chain = async (): Promise<AuditRecord[]> => {
    const out: AuditRecord[] = [];
    for await (const r of readAuditChain(h.db())) out.push(r);
    return out;
  };
  // changes made with the append-only trigger switched off: what a database owner could do
  const tamper = async (sql: string, params: unknown[] = []): Promise<void> => {
    await h.db().transaction(async (tx) => {
      await tx.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query(sql, params);
      await tx.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
  };

  before(async () => {
    admin = await h.caller(['admin'], '44');
  });

  it('flags actions at 18:05 China time and on an ordinary Saturday, not on a 调休 Saturday', async () => {
    const times: [string, boolean][] = [
      ['2026-11-20T18:05:00+08:00', true],
      ['2026-11-20T17:55:00+08:00', false],
      ['2026-02-14T10:00:00+08:00', false],
      ['2026-02-07T10:00:00+08:00', true],
      ['2026-10-02T10:00:00+08:00', true],
      ['2026-11-23T08:29:00+08:00', true],
    ];
    for (const [iso, flagged] of times) {
      h.clock.set(iso);
      const res = await h.request('POST', '/api/v1/users', { token: admin.token, body: { name: `at ${iso}`, roles: ['operator'], region: '4401' } });
      assert.equal(res.status, 201);
      const { rows } = await h.db().query<{ at: string; out_of_hours: boolean; details: { name: string } }>('SELECT at, out_of_hours, details FROM audit_log ORDER BY seq DESC LIMIT 1');
      assert.deepEqual(rows[0], { at: iso, out_of_hours: flagged, details: { ...rows[0].details, name: `at ${iso}` } }, iso);
    }
    h.clock.set('2026-11-20T10:00:00+08:00');
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await assert.rejects(h.db().query(`UPDATE audit_log SET action = 'x' WHERE seq = 1`), /append-only/);
    await assert.rejects(h.db().query('DELETE FROM audit_log WHERE seq = 1'), /append-only/);
    await assert.rejects(h.db().exec('TRUNCATE audit_log'), /append-only/);
  });

  it('verifies a whole chain and names its head', async () => {
    const rows = await chain();
    assert.ok(rows.length >= 8);
    const v = await verifyAuditChain(rows);
    assert.deepEqual(v, { rows: rows.length, head: { seq: rows.at(-1)?.seq, hash: rows.at(-1)?.hash }, firstBreak: null });
  });

  it('names a changed row', async () => {
    const original = (await chain())[2];
    await tamper(`UPDATE audit_log SET details = $1::jsonb WHERE seq = 3`, [{ ...original.details, region: '44' }]);
    try {
      assert.deepEqual((await verifyAuditChain(readAuditChain(h.db()))).firstBreak?.kind, 'changed');
      assert.equal((await verifyAuditChain(readAuditChain(h.db()))).firstBreak?.seq, 3);
      // re-hashing the changed row moves the break to the link from the next row, still naming row 3
      const changed = (await chain())[2];
      await tamper(`UPDATE audit_log SET hash = $1 WHERE seq = 3`, [auditHash(changed.prevHash, changed)]);
      const v = await verifyAuditChain(readAuditChain(h.db()));
      assert.deepEqual([v.firstBreak?.kind, v.firstBreak?.seq], ['changed', 3]);
    } finally {
      await tamper(`UPDATE audit_log SET details = $1::jsonb, hash = $2 WHERE seq = 3`, [original.details, original.hash]);
    }
    assert.equal((await verifyAuditChain(readAuditChain(h.db()))).firstBreak, null);
  });

  it('names a removed row', async () => {
    const removed = (await chain())[3];
    await tamper('DELETE FROM audit_log WHERE seq = 4');
    try {
      const v = await verifyAuditChain(readAuditChain(h.db()));
      assert.deepEqual([v.firstBreak?.kind, v.firstBreak?.seq], ['removed', 4]);
    } finally {
      await tamper(
        `INSERT INTO audit_log (seq, at, actor, action, target, details, out_of_hours, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
        [removed.seq, removed.at, removed.actor, removed.action, removed.target, removed.details, removed.outOfHours, removed.prevHash, removed.hash],
      );
    }
    assert.equal((await verifyAuditChain(readAuditChain(h.db()))).firstBreak, null);
  });

  it('names a row slipped in, even with a correct hash and the rows after it renumbered', async () => {
    const before = await chain();
    const forged = { at: before[1].at, actor: `user:${admin.user.userId}`, action: 'user.create', target: 'user:u_ghost', details: { userId: 'u_ghost', roles: ['admin'] }, outOfHours: false };
    // move rows 3.. up by one (by way of a far range: no two rows share a seq on the way) and slip the forged row in at 3
    await tamper('UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 3');
    await tamper('UPDATE audit_log SET seq = seq - 1000000 + 1 WHERE seq > 1000000');
    await tamper(
      `INSERT INTO audit_log (seq, at, actor, action, target, details, out_of_hours, prev_hash, hash) VALUES (3, $1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
      [forged.at, forged.actor, forged.action, forged.target, forged.details, forged.outOfHours, before[1].hash, auditHash(before[1].hash, forged)],
    );
    const v = await verifyAuditChain(readAuditChain(h.db()));
    assert.deepEqual([v.firstBreak?.kind, v.firstBreak?.seq], ['inserted', 3]);
    if (h.kind === 'postgres') {
      // the command names the same row and fails
      const url = h.databaseUrl();
      const run = spawnSync(NODE, [CLI, 'audit', 'verify', '--database-url', url], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stdout, /audit log BROKEN at row 3 \(inserted\)/);
    }
    await tamper('DELETE FROM audit_log WHERE seq = 3');
    await tamper('UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 4');
    await tamper('UPDATE audit_log SET seq = seq - 1000000 - 1 WHERE seq > 1000000');
    assert.equal((await verifyAuditChain(readAuditChain(h.db()))).firstBreak, null);
    if (h.kind === 'postgres') {
      const url = h.databaseUrl();
      const run = spawnSync(NODE, [CLI, 'audit', 'verify', '--database-url', url], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /audit log whole: \d+ rows/);
    }
  });
});
