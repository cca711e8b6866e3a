// `lifecert batch …` and `lifecert adoption …` as an operator runs them on the server: the
// command line's user is `cli:<os user>` (as `lifecert case close` records it), the batch rules
// hold for it as for an API user, a level-2 approval and a retry queue the import that a worker
// performs (simulated provincial system), and every change is in the audit log. Adoption items
// are listed masked and sent through the configured ministry connector without Redis.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { approveBatch, cutBatches, runImport } from '../../feedback/batches.ts';
import { createProvincialImporter } from '../../feedback/batches-provincial.ts';
import type { HubConfig } from '../../config/index.ts';
import { startWorker } from '../../jobs/index.ts';
import type { WorkerHandle } from '../../jobs/index.ts';
import { maskPersonId } from '../../lib/mask.ts';
import { readAdoptionItems, readImportBatch } from '../../mirror/index.ts';
import type { ImportBatch } from '../../mirror/index.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import type { Mirror } from '../jobs/helpers.ts';
import { personIn, publishCounty, recordResult, startTestSandbox } from './batch-fixtures.ts';
import type { TestSandbox } from './batch-fixtures.ts';
import { untilOk as until } from '../support/until.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');
const exec = promisify(execFile);
const PERIOD = '2026-11';
const ME = `cli:${os.userInfo().username}`;

describe('lifecert batch and lifecert adoption (PostgreSQL, Redis, a worker, the simulators)', function () {
  requirePostgres();
  requireRedis();
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-cli-loop-'));
  const prefix = uniquePrefix();
  let mirror: Mirror;
  let sb: TestSandbox;
  let worker: WorkerHandle;
  let env: NodeJS.ProcessEnv;

  async function lifecert(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; lines: any[] }> {
    let out: { code: number; stdout: string; stderr: string };
    try {
      const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
      out = { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      out = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
    return { ...out, lines: out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) };
  }

  before(async () => {
    mirror = await mirrorWithRoster([]);
    sb = await startTestSandbox();
    const c = SANDBOX_CREDENTIALS;
    fs.writeFileSync(path.join(dir, 'lifecert.config.json'), JSON.stringify({
      sources: { ministry: { url: `${sb.sandbox.url}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'T_MINISTRY_PASSWORD' } } },
      provincial: { url: sb.sandbox.url, appId: c.provincial.appId, appSecret: { env: 'T_PROVINCIAL_SECRET' } },
    }));
    env = {
      PATH: process.env.PATH, DATABASE_URL: mirror.scratch.url, REDIS_URL, LIFECERT_QUEUE_PREFIX: prefix, LIFECERT_LOG_LEVEL: 'warn',
      T_MINISTRY_PASSWORD: c.ministry.password, T_PROVINCIAL_SECRET: c.provincial.appSecret,
    };
    // the worker that imports: the provincial endpoint of the same configuration, short backoff
    const config = {
      sources: { ministry: { url: `${sb.sandbox.url}/ministry/ws/cert`, ...c.ministry } },
      provincial: { url: sb.sandbox.url, ...c.provincial },
      schedules: [],
      pullLimits: {},
    } as unknown as HubConfig;
    worker = await startWorker({ db: mirror.db, redisUrl: REDIS_URL, config, prefix, schedules: false, adoptionSchedule: null, deliveryRetry: { attempts: 2, backoffMs: 50 } });
  });

  after(async () => {
    await worker?.close();
    await sb?.close();
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await dropPrefix(prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cuts batches as the command line’s user, who may then not approve them', async () => {
    await publishCounty(mirror.db, PERIOD, '440106', Array.from({ length: 4 }, (_, i) => recordResult(PERIOD, '440106', i)));
    const cut = await lifecert(['batch', 'cut', '--period', PERIOD, '--area', '440106', '--size', '2']);
    assert.equal(cut.code, 0, cut.stderr);
    const batches = cut.lines as ImportBatch[];
    assert.deepEqual(batches.map((b) => [b.state, b.itemCount, b.createdBy]), [['OPEN', 2, ME], ['OPEN', 2, ME]]);
    assert.equal(batches[0].firstPersonId, maskPersonId(personIn('440106', 0)), 'masked like the API');
    const again = await lifecert(['batch', 'cut', '--period', PERIOD, '--area', '440106', '--size', '2']);
    assert.deepEqual(again.lines.map((b: ImportBatch) => b.batchId), batches.map((b) => b.batchId), 'a repeat returns the existing batches');

    const own = await lifecert(['batch', 'approve', batches[0].batchId, '--level', '1']);
    assert.equal(own.code, 1);
    assert.match(own.stderr, /^lifecert: LIFECERT_BATCH_APPROVER_FORBIDDEN: .*created by this user/m);
    assert.equal((await readImportBatch(mirror.db, batches[0].batchId))?.state, 'OPEN', 'nothing changed');

    for (const [args, pattern] of [
      [['batch', 'cut', '--period', PERIOD, '--area', '4401'], /--area must be a 6-digit county code/],
      [['batch', 'cut', '--period', PERIOD, '--area', '440106', '--size', '2001'], /LIFECERT_BATCH_TOO_LARGE/],
      [['batch', 'approve', batches[0].batchId, '--level', '3'], /--level must be 1 or 2/],
      [['batch', 'list', '--status', 'DONE'], /--status must be one of OPEN/],
      [['batch', 'approve', 'IMP-nope', '--level', '1'], /LIFECERT_BATCH_NOT_FOUND/],
    ] as const) {
      const res = await lifecert([...args]);
      assert.equal(res.code, 1, args.join(' '));
      assert.match(res.stderr, pattern);
    }
  });

  it('approves at level 1 and 2 as two users; the level-2 approval queues the import, which a worker performs once', async () => {
    await publishCounty(mirror.db, PERIOD, '440111', Array.from({ length: 3 }, (_, i) => recordResult(PERIOD, '440111', i)));
    const { batches } = await cutBatches(mirror.db, { period: PERIOD, areaCode: '440111', createdBy: 'u_op', now: Date.now() });
    const batchId = batches[0].batchId;
    const l1 = await lifecert(['batch', 'approve', batchId, '--level', '1']);
    assert.equal(l1.code, 0, l1.stderr);
    assert.equal(l1.lines[0].batch.state, 'APPROVED_L1');
    assert.equal(l1.lines[0].importStarted, false);
    const same = await lifecert(['batch', 'approve', batchId, '--level', '2']);
    assert.equal(same.code, 1);
    assert.match(same.stderr, /LIFECERT_BATCH_APPROVER_FORBIDDEN: this user already approved/);

    // another batch: level 1 by an API user, level 2 from the command line
    await publishCounty(mirror.db, PERIOD, '440303', Array.from({ length: 3 }, (_, i) => recordResult(PERIOD, '440303', i)));
    const other = (await cutBatches(mirror.db, { period: PERIOD, areaCode: '440303', createdBy: 'u_op', now: Date.now() })).batches[0].batchId;
    await approveBatch(mirror.db, { batchId: other, level: 1, userId: 'u_l1', now: Date.now() });
    // without Redis the level-2 approval is refused before anything changes
    const down = await lifecert(['batch', 'approve', other, '--level', '2'], { REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /LIFECERT_BATCH_IMPORT_UNAVAILABLE/);
    assert.equal((await readImportBatch(mirror.db, other))?.state, 'APPROVED_L1');
    const l2 = await lifecert(['batch', 'approve', other, '--level', '2']);
    assert.equal(l2.code, 0, l2.stderr);
    assert.equal(l2.lines[0].importStarted, true);
    const done = await until('imported', () => readImportBatch(mirror.db, other), (b) => b?.state === 'IMPORTED');
    assert.deepEqual(done?.approvals.map((a) => [a.level, a.user]), [[1, 'u_l1'], [2, ME]]);
    assert.deepEqual(sb.sandbox.received('provincial').map((r) => r.batchId), [other], 'imported once');

    const listed = await lifecert(['batch', 'list', '--area', '4403', '--status', 'IMPORTED']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.lines.map((b: ImportBatch) => b.batchId), [other]);
    assert.equal(listed.lines[0].firstPersonId, maskPersonId(personIn('440303', 0)));
  });

  it('retries an IMPORT_FAILED batch with its batch id; any other state is a conflict', async () => {
    await publishCounty(mirror.db, PERIOD, '440304', Array.from({ length: 2 }, (_, i) => recordResult(PERIOD, '440304', i)));
    const batchId = (await cutBatches(mirror.db, { period: PERIOD, areaCode: '440304', createdBy: 'u_op', now: Date.now() })).batches[0].batchId;
    await approveBatch(mirror.db, { batchId, level: 1, userId: 'u_l1', now: Date.now() });
    await approveBatch(mirror.db, { batchId, level: 2, userId: 'u_l2', now: Date.now() });
    // the import job's last attempt, with the provincial system down: IMPORT_FAILED
    sb.sandbox.setFaults({ provincial: { down: true } });
    const importer = createProvincialImporter({ url: sb.sandbox.url, ...SANDBOX_CREDENTIALS.provincial });
    await assert.rejects(runImport({ db: mirror.db, importer, batchId, lastAttempt: true }), /HTTP 503/);
    assert.equal((await readImportBatch(mirror.db, batchId))?.state, 'IMPORT_FAILED');
    sb.sandbox.setFaults({ provincial: { down: false } });
    const retry = await lifecert(['batch', 'retry', batchId]);
    assert.equal(retry.code, 0, retry.stderr);
    assert.equal(retry.lines[0].batch.state, 'IMPORTING');
    await until('imported', () => readImportBatch(mirror.db, batchId), (b) => b?.state === 'IMPORTED');
    assert.deepEqual(sb.sandbox.received('provincial').filter((r) => r.batchId === batchId).length, 1, 'the retry imported it once, under its id');
    const again = await lifecert(['batch', 'retry', batchId]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /LIFECERT_BATCH_STATE_CONFLICT: .* is IMPORTED/);

    const { rows } = await mirror.db.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE actor = $1 ORDER BY seq`, [ME]);
    assert.deepEqual(rows.map((r) => r.action), ['batch.cut', 'batch.approve', 'batch.approve', 'batch.retry'], 'the cut, two approvals and the retry; refusals and repeats write nothing');
  });

  it('lists adoption items due and overdue, masked, and sends them through the configured ministry', async () => {
    const person = personIn('440106', 1);
    await mirror.db.query(
      `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, person_id, area_code, decided_at)
       VALUES ('OVERSEAS', 'O-cli', now(), current_date - 9, (now() AT TIME ZONE 'Asia/Shanghai')::date + 1, true, NULL, $1, '440106', now()),
              ('TRAVEL', 'T-cli', now(), current_date - 40, (now() AT TIME ZONE 'Asia/Shanghai')::date - 3, false, 'NOT_ON_ROSTER', NULL, '44', now()),
              ('MEDICAL', 'M-cli', now(), current_date, (now() AT TIME ZONE 'Asia/Shanghai')::date + 30, true, NULL, NULL, '44', now())`,
      [person],
    );
    const due = await lifecert(['adoption', 'list', '--status', 'due']);
    assert.equal(due.code, 0, due.stderr);
    assert.deepEqual(due.lines.map((i) => [i.recordId, i.personId, i.daysLeft, i.state]), [['O-cli', maskPersonId(person), 1, 'PENDING']]);
    const overdue = await lifecert(['adoption', 'list', '--status', 'overdue']);
    assert.deepEqual(overdue.lines.map((i) => [i.recordId, i.daysLeft]), [['T-cli', -3]]);
    assert.deepEqual((await lifecert(['adoption', 'list', '--status', 'overdue', '--area', '4401'])).lines, [], 'the item of no roster person lies in 44');
    const bad = await lifecert(['adoption', 'list', '--status', 'late']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--status must be due or overdue/);

    const sent = await lifecert(['adoption', 'send'], { REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(sent.code, 0, sent.stderr);
    const report = sent.lines[0] as { cut: number; sent: { batchId: string; items: number }[] };
    assert.equal(report.sent.length, 1);
    assert.equal(report.sent[0].items, 3);
    const items = await readAdoptionItems(mirror.db);
    assert.ok(items.every((i) => i.state === 'SENT' && i.batchId === report.sent[0].batchId));
    const received = sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback');
    assert.deepEqual(received.map((r) => r.batchId), [report.sent[0].batchId]);
    assert.deepEqual((await lifecert(['adoption', 'list', '--status', 'due'])).lines, [], 'nothing left due');
    const { rows } = await mirror.db.query<{ details: { batches: string[] } }>(`SELECT details FROM audit_log WHERE action = 'adoption.send' AND actor = $1`, [ME]);
    assert.deepEqual(rows.map((r) => r.details.batches), [[report.sent[0].batchId]]);
  });
});
