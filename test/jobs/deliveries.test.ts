// The delivery queues on real Redis and PostgreSQL with the simulators: the import queued by a
// level-2 approval waits out a provincial outage (BullMQ backoff, the same batch id every
// attempt) and imports each person once; an adoption send waits out a ministry outage and
// sends each item once under the batch id of its first, failed attempt.
import assert from 'node:assert/strict';
import { approveBatch, cutBatches } from '../../feedback/batches.ts';
import type { HubConfig } from '../../config/index.ts';
import { createJobs, startWorker } from '../../jobs/index.ts';
import type { Jobs, WorkerHandle } from '../../jobs/index.ts';
import { feedbackItemsById, readAdoptionBatches, readAdoptionItems, readImportBatch } from '../../mirror/index.ts';
import { addItem } from '../feedback/seed.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { personIn, publishCounty, recordResult, startTestSandbox } from '../feedback/batch-fixtures.ts';
import type { TestSandbox } from '../feedback/batch-fixtures.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix } from './helpers.ts';
import type { Mirror } from './helpers.ts';
import { untilOk as until } from '../support/until.ts';

const FAST = { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 2 } };

describe('delivery queues: imports and adoption feedback', function () {
  requirePostgres();
  requireRedis();
  this.timeout(180_000);
  let mirror: Mirror;
  let sb: TestSandbox;
  let jobs: Jobs;
  let worker: WorkerHandle;
  const prefix = uniquePrefix();

  before(async () => {
    mirror = await mirrorWithRoster([]);
    sb = await startTestSandbox();
    const config = {
      sources: { ministry: { url: `${sb.sandbox.url}/ministry/ws/cert`, ...SANDBOX_CREDENTIALS.ministry, ...FAST } },
      provincial: { url: sb.sandbox.url, ...SANDBOX_CREDENTIALS.provincial },
      schedules: [],
      pullLimits: {},
    } as unknown as HubConfig;
    jobs = createJobs({ db: mirror.db, redisUrl: REDIS_URL, config, prefix, deliveryRetry: { attempts: 30, backoffMs: 100 } });
    // no sweep during the tests: what is delivered, the run's feedback step queued
    worker = await startWorker({ db: mirror.db, redisUrl: REDIS_URL, config, prefix, schedules: false, feedbackSweepMs: 3_600_000 });
  });
  after(async () => {
    await worker?.close();
    await jobs?.close();
    await sb?.close();
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await dropPrefix(prefix);
  });

  it('an import through a provincial outage: retried with the same batch id, each person imported once', async () => {
    const period = '2026-11';
    await publishCounty(mirror.db, period, '440106', Array.from({ length: 4 }, (_, i) => recordResult(period, '440106', i)));
    const { batches } = await cutBatches(mirror.db, { period, areaCode: '440106', createdBy: 'u_op', now: Date.now() });
    const batchId = batches[0].batchId;
    await approveBatch(mirror.db, { batchId, level: 1, userId: 'u_a', now: Date.now() });
    await approveBatch(mirror.db, { batchId, level: 2, userId: 'u_b', now: Date.now() });
    sb.sandbox.setFaults({ provincial: { down: true } });
    await jobs.startImport(batchId);
    await jobs.startImport(batchId); // queued twice: one job
    await until('two failed attempts', () => readImportBatch(mirror.db, batchId), (b) => (b?.importAttempts ?? 0) >= 2);
    sb.sandbox.setFaults({ provincial: { down: false } });
    const done = await until('imported', () => readImportBatch(mirror.db, batchId), (b) => b?.state === 'IMPORTED');
    assert.equal(done?.importedCount, 4);
    assert.ok((done?.importAttempts ?? 0) >= 3);
    const received = sb.sandbox.received('provincial');
    assert.deepEqual(received.map((r) => r.batchId), [batchId], 'one request got through, under the batch id');
    assert.deepEqual((received[0].items as { personId: string }[]).map((i) => i.personId), [0, 1, 2, 3].map((i) => personIn('440106', i)));
  });

  it('an adoption send through a ministry outage: each item once, the first attempt\'s batch id', async () => {
    await mirror.db.query(
      `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, reason_msg, area_code, decided_at)
       VALUES ('OVERSEAS', 'O1', now(), current_date, current_date + 10, true, NULL, NULL, '44', now()),
              ('MEDICAL', 'M1', now(), current_date, current_date + 30, false, 'REJECTED', 'ID_CHECKSUM', '44', now())`,
    );
    sb.sandbox.setFaults({ ministry: { down: true } });
    await jobs.sendAdoption('test');
    const [batch] = await until('a failed attempt', () => readAdoptionBatches(mirror.db), (b) => (b[0]?.attempts ?? 0) >= 1);
    sb.sandbox.setFaults({ ministry: { down: false } });
    await until('sent', () => readAdoptionItems(mirror.db), (items) => items.every((i) => i.state === 'SENT'));
    const received = sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback');
    assert.deepEqual(received.map((r) => r.batchId), [batch.batchId]);
    assert.deepEqual((received[0].items as { recordId: string; adopted: string; reasonMsg?: string }[]).map((i) => [i.recordId, i.adopted, i.reasonMsg ?? null]), [['M1', '0', 'ID_CHECKSUM'], ['O1', '1', null]]);
  });

  it('a run that pulls the ministry sends the adoption items as it closes, once per run; a worker with the ministry keeps a daily send', async () => {
    await mirror.db.query(
      `INSERT INTO adoption_items (data_type, record_id, first_received_at, received_on, due_on, adopted, reason_code, reason_msg, area_code, decided_at)
       VALUES ('OVERSEAS', 'O-run', now(), current_date, current_date + 10, true, NULL, NULL, '44', now()),
              ('TRAVEL', 'T-run', now(), current_date, current_date + 30, false, 'NOT_ON_ROSTER', NULL, '44', now())`,
    );
    const before = sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback').length;
    const { runId } = await jobs.startRun({ period: '2026-11', steps: ['pull'], connectors: ['ministry'], requestedBy: 'test' });
    await until('the run', () => jobs.getRun(runId), (r) => r?.state === 'SUCCEEDED' || r?.state === 'FAILED');
    assert.equal((await jobs.getRun(runId))?.state, 'SUCCEEDED');
    const items = await until('sent', () => readAdoptionItems(mirror.db), (all) => all.filter((i) => i.recordId.endsWith('-run')).every((i) => i.state === 'SENT'));
    const sent = items.filter((i) => i.recordId.endsWith('-run'));
    assert.equal(sent.length, 2);
    assert.equal(new Set(sent.map((i) => i.batchId)).size, 1, 'in one batch');
    const received = sb.sandbox.received('ministry').filter((r) => r.operation === 'SubmitFeedback').slice(before);
    assert.deepEqual(received.map((r) => r.batchId), [sent[0].batchId], 'one SubmitFeedback, the run\'s');
    const adoptionQueue = jobs.queues.find((q) => q.name === 'adoption')!;
    const job = await adoptionQueue.getJob(`adoption.${runId}`);
    assert.deepEqual(job?.data, { requestedBy: `run:${runId}` });

    // a run without the ministry queues none
    const other = await jobs.startRun({ period: '2026-11', steps: ['match'], requestedBy: 'test' });
    await until('the match-only run', () => jobs.getRun(other.runId), (r) => r?.state === 'SUCCEEDED' || r?.state === 'FAILED');
    assert.equal(await adoptionQueue.getJob(`adoption.${other.runId}`), undefined);

    const schedulers = await adoptionQueue.getJobSchedulers();
    assert.deepEqual(schedulers.map((s) => [s.key, s.pattern, s.tz]), [['adoption-daily', '0 9 * * *', 'Asia/Shanghai']]);
  });
  it('the feedback step: a run asked for it queues the delivery of every channel with PENDING items as it closes', async () => {
    const item = await addItem(mirror.db, 'ministry', '440106194001010011', 'PENDING', 'R-feedback-step', 'DEATH');
    const before = sb.sandbox.received('ministry').filter((r) => r.operation !== 'SubmitFeedback').length;
    const { runId } = await jobs.startRun({ period: '2026-11', steps: ['feedback'], requestedBy: 'test' });
    const run = await until('the run', () => jobs.getRun(runId), (r) => r?.state === 'SUCCEEDED' || r?.state === 'FAILED');
    assert.equal(run?.state, 'SUCCEEDED', JSON.stringify(run?.error));
    assert.deepEqual(run?.steps, ['feedback']);
    const [sent] = await until('sent', () => feedbackItemsById(mirror.db, [item.feedbackId]), (rows) => rows[0]?.state === 'SENT');
    assert.equal(sent.state, 'SENT');
    const received = sb.sandbox.received('ministry').filter((r) => r.operation !== 'SubmitFeedback').slice(before);
    assert.deepEqual(received.flatMap((r) => ((r.items ?? []) as { feedbackId?: string }[]).map((i) => i.feedbackId)), [item.feedbackId], 'delivered once to its department');
  });
});
