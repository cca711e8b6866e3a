// A worker killed (SIGKILL) in the middle of a delivery loses nothing and the department keeps
// nothing twice: the items it had not marked SENT stay PENDING, its job stalls, another worker
// takes it and sends them again; the simulator holds every item once (feedbackId is the key).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadHubConfig } from '../../config/index.ts';
import { createJobs } from '../../jobs/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { DELIVERY_BATCH } from '../../feedback/deliver.ts';
import { feedbackBacklog, saveFeedbackItems } from '../../mirror/index.ts';
import { generateWorld } from '../../sandbox/generate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import type { FeedbackItem } from '../../schemas/types.ts';
import { feedbackIdOf } from '../../feedback/deliver-ids.ts';
import { requirePostgres, requireRedis } from '../support/servers.ts';
import { dropPrefix, mirrorWithRoster, REDIS_URL, uniquePrefix } from '../jobs/helpers.ts';
import type { Mirror } from '../jobs/helpers.ts';
import { spawnWorker, stopWorker } from '../jobs/worker-process.ts';
import type { WorkerProcess } from '../jobs/worker-process.ts';

const ITEMS = 12_000;

describe('feedback delivery: a worker killed mid-delivery', function () {
  this.timeout(300_000);
  requirePostgres();
  requireRedis();
  let dir: string;
  let sandbox: Sandbox;
  let mirror: Mirror;
  let prefix: string;
  let jobs: Jobs;
  const workers: WorkerProcess[] = [];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const world = generateWorld({ persons: 20, seed: 'kill-1', faults: false }).world;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-kill-'));
    sandbox = await startSandbox({ world, civilDir: path.join(dir, 'civil') });
    mirror = await mirrorWithRoster(world.roster);
    prefix = uniquePrefix();
    const c = SANDBOX_CREDENTIALS;
    const configFile = path.join(dir, 'lifecert.config.json');
    fs.writeFileSync(configFile, JSON.stringify({ sources: { bigdata: { url: `${sandbox.url}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'T_BIGDATA_SECRET' } } }, schedules: [] }));
    env = { PATH: process.env.PATH, DATABASE_URL: mirror.scratch.url, REDIS_URL, LIFECERT_QUEUE_PREFIX: prefix, LIFECERT_CONFIG: configFile, T_BIGDATA_SECRET: c.bigdata.appSecret };
    jobs = createJobs({ db: mirror.db, redisUrl: REDIS_URL, config: loadHubConfig(configFile, env), prefix });
  });

  after(async () => {
    for (const w of workers) await stopWorker(w, 10_000);
    await jobs?.close();
    await dropPrefix(prefix);
    await mirror?.db.close();
    await mirror?.scratch.drop();
    await sandbox?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing and the department holds each item once', async () => {
    const items: FeedbackItem[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const recordId = `KILL-${String(i).padStart(6, '0')}`;
      items.push({
        feedbackId: feedbackIdOf('REJECTED', 'bigdata', 'death', recordId, 'h', 'SWRQ'), kind: 'REJECTED', channel: 'bigdata', dataset: 'death', recordId, personId: '440106194001010011',
        field: 'SWRQ', reportedValue: '20260431', correctedValue: null, reasonCode: 'DATE_INVALID', verifiedDate: '2026-11-20', createdAt: '2026-11-20T10:00:00+08:00', state: 'PENDING',
      });
    }
    await saveFeedbackItems(mirror.db, items);
    const args = ['--lock-ms', '1000', '--stalled-interval-ms', '500', '--no-schedules'];
    const first = await spawnWorker({ env, cwd: dir, args });
    workers.push(first);
    await jobs.requestDelivery(['bigdata']);
    const sentNow = async () => (await feedbackBacklog(mirror.db)).find((b) => b.channel === 'bigdata')?.SENT ?? 0;
    // kill it once some requests went through and many remain
    for (;;) {
      const sent = await sentNow();
      if (sent > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill('SIGKILL');
    await first.exited;
    const sentAtKill = await sentNow();
    assert.ok(sentAtKill < ITEMS, `killed mid-delivery (${sentAtKill} of ${ITEMS} SENT)`);

    const second = await spawnWorker({ env, cwd: dir, args });
    workers.push(second);
    const deadline = Date.now() + 240_000;
    while ((await sentNow()) < ITEMS) {
      assert.ok(Date.now() < deadline, `all SENT in time (${await sentNow()} of ${ITEMS})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const received = sandbox.received('bigdata').flatMap((r) => (r.items as { feedbackId: string }[]).map((i) => i.feedbackId));
    const distinct = new Set(received);
    assert.equal(distinct.size, ITEMS, 'every item reached the department: nothing lost');
    assert.deepEqual([...distinct].sort(), items.map((i) => i.feedbackId).sort());
    // at least once: only the request in flight when the worker died can come again, and the
    // department keeps it once (the simulator's count is by feedbackId)
    assert.ok(received.length - distinct.size <= DELIVERY_BATCH, `repeats ${received.length - distinct.size} ≤ one request`);
    const backlog = (await feedbackBacklog(mirror.db)).find((b) => b.channel === 'bigdata');
    assert.deepEqual(backlog, { channel: 'bigdata', PENDING: 0, SENT: ITEMS, CONFIRMED: 0, FAILED: 0 });
  });
});
