// What a pull logs, read back as JSON lines: its start, its pages, each retry with the code
// that caused it, its end with counts — or its failure with the pipeline's code and its
// cause's. A real connector (health, over nock) so that the retry hook is the one the
// connector calls; what the source echoes back (an identity number, a name, the API key)
// never reaches the log unmasked.
import assert from 'node:assert/strict';
import nock from 'nock';
import { createHealthConnector } from '../../connectors/health/connector.ts';
import { createLogger } from '../../lib/log.ts';
import { openDatabase } from '../../mirror/db.ts';
import type { Db } from '../../mirror/db.ts';
import { migrate } from '../../mirror/migrate.ts';
import { IngestError } from '../../pipeline/errors.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import { vaccination } from '../connectors/fixtures.ts';
import { fixedRandom, recordingSleep, replyWith, useNock } from '../connectors/helpers.ts';

const BASE = 'http://health.test';
const API_KEY = 'api-key-only-in-this-test';
const ID = '440106194103020017';
const NAME = '赵六';
const ASOF = '2026-11-28';

type Line = Record<string, unknown> & { event?: string; msg: string };

function capture(): { log: ReturnType<typeof createLogger>; text: () => string; lines: () => Line[] } {
  const written: string[] = [];
  const log = createLogger({ format: 'json', level: 'debug', env: {}, destination: { write: (s: string) => void written.push(s) } });
  return { log, text: () => written.join(''), lines: () => written.map((l) => JSON.parse(l) as Line) };
}

function assertMasked(text: string): void {
  for (const raw of [ID, NAME, API_KEY]) assert.ok(!text.includes(raw), `${raw} reached the log: ${text}`);
}

describe('ingest logs (health over nock, PGlite)', function () {
  this.timeout(60_000);
  useNock();
  let db: Db;
  before(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
  });
  after(async () => {
    await db.close();
  });

  const connector = (sleep: ReturnType<typeof recordingSleep>['sleep']) =>
    createHealthConnector({ url: `${BASE}/health`, apiKey: API_KEY, pageSize: 50, retry: { maxAttempts: 3 } }, { sleep, random: fixedRandom });

  it('logs the pull and each retry with source, dataset, attempt, code and delay', async () => {
    const { sleep, waits } = recordingSleep();
    let calls = 0;
    nock(BASE).get('/health/v2/vaccinations').query(true).times(3).reply(replyWith(() => {
      calls++;
      // an overloaded gateway that echoes the record it choked on
      if (calls === 1) return [503, JSON.stringify({ error: 'overloaded', record: { idNumber: ID, name: NAME } })];
      return [200, { page: 1, size: 50, total: 1, data: [vaccination('V1', '2026-11-05T10:00:00+08:00')] }];
    }));
    const { log, text, lines } = capture();
    const counts = await ingestDataset({ db, connector: connector(sleep), dataset: 'vaccinations', asOf: ASOF, runId: 'run-log-1', log });
    assert.deepEqual(counts, { pulled: 1, staged: 1, rejected: 0, skipped: 0 });

    const events = lines().map((l) => l.event);
    assert.deepEqual(events.filter((e) => e !== 'pull.page'), ['pull.start', 'pull.retry', 'pull.end']);
    assert.ok(events.includes('pull.page'));
    const retry = lines().find((l) => l.event === 'pull.retry') as Line;
    assert.deepEqual(
      { level: retry.level, channel: retry.channel, dataset: retry.dataset, runId: retry.runId, attempt: retry.attempt, code: retry.code, delayMs: retry.delayMs, status: retry.status },
      { level: 'warn', channel: 'health', dataset: 'vaccinations', runId: 'run-log-1', attempt: 1, code: 'LIFECERT_HTTP_UNAVAILABLE', delayMs: waits[0], status: 503 },
    );
    assert.equal(typeof retry.pullId, 'number');
    assert.match(retry.msg, /HTTP 503/);
    const end = lines().find((l) => l.event === 'pull.end') as Line;
    assert.deepEqual(end.counts, counts);
    assertMasked(text());
    assert.match(text(), /440106\*{8}0017/, 'the echoed identity number is there, masked');
  });

  it('logs a failed pull with the pipeline code and the code of its cause', async () => {
    nock(BASE).get('/health/v2/checkups').query(true).reply(401, { message: 'key refused', apiKey: API_KEY, lastRecord: { idNumber: ID, name: NAME } });
    const { log, text, lines } = capture();
    await assert.rejects(
      ingestDataset({ db, connector: connector(recordingSleep().sleep), dataset: 'checkups', asOf: ASOF, runId: 'run-log-2', log }),
      (e: unknown) => e instanceof IngestError && e.code === 'LIFECERT_PIPELINE_DATASET_FAILED' && e.causeCode === 'LIFECERT_HTTP_UNAUTHORIZED',
    );
    const failed = lines().find((l) => l.event === 'pull.failed') as Line;
    assert.equal(failed.level, 'error');
    assert.equal(failed.code, 'LIFECERT_PIPELINE_DATASET_FAILED');
    assert.equal(failed.causeCode, 'LIFECERT_HTTP_UNAUTHORIZED');
    const err = failed.err as Record<string, unknown>;
    assert.equal((err.cause as Record<string, unknown>).code, 'LIFECERT_HTTP_UNAUTHORIZED');
    assert.ok(!lines().some((l) => l.event === 'pull.retry'), 'a refused key is not retried');
    assertMasked(text());
  });
});
