// /metrics reads the mirror and the queues at scrape time: what the workers left in the pulls,
// results and cases tables shows up, by connector, dataset, county and error code.
import assert from 'node:assert/strict';
import { errorCodeOf } from '../../gateway/metrics.ts';
import { gatewaySuite } from './helpers.ts';
import { personOf, seedPull, seedResults, seedStaged } from './fixtures.ts';

/** The value of one sample line `name{labels} value` of the exposition text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inner = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const have = inner === '' ? [] : inner.split(/,(?=[a-z_]+=)/);
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

gatewaySuite(
  'metrics',
  (h) => {
    let text: string;
    before(async () => {
      const db = h.db();
      await seedPull(db, { channel: 'ministry', dataset: 'death', status: 'succeeded', startedAt: '2026-11-19T02:00:00+08:00', finishedAt: '2026-11-19T02:00:30+08:00', staged: 90, rejected: 7, skipped: 3 });
      const p2 = await seedPull(db, { channel: 'ministry', dataset: 'death', status: 'succeeded', startedAt: '2026-11-20T02:00:00+08:00', finishedAt: '2026-11-20T02:20:00+08:00', staged: 10 });
      await seedStaged(db, p2, 'ministry', 'death', personOf('440106', 1), '2026-11-20T06:00:00+08:00');
      await seedPull(db, { channel: 'civil', dataset: 'cremation', status: 'failed', startedAt: '2026-11-20T03:00:00+08:00', finishedAt: '2026-11-20T03:00:02+08:00', error: 'LIFECERT_CIVIL_ENCODING: file HH_440106_20261101.csv' });
      await seedPull(db, { channel: 'civil', dataset: 'cremation', status: 'failed', startedAt: '2026-11-20T04:00:00+08:00', finishedAt: '2026-11-20T04:00:02+08:00', error: 'socket hang up' });
      await seedResults(db, '2026-10', ['440106'], 4);
      await seedResults(db, '2026-11', ['440106', '440303'], 8);
      const cases: [string, string, string, string][] = [
        ['c1', '440106', 'OPEN', '2026-10-15T10:00:00+08:00'],
        ['c2', '440106', 'OPEN', '2026-11-02T10:00:00+08:00'],
        ['c3', '440303', 'OPEN', '2026-10-31T23:59:00+08:00'],
        ['c4', '440303', 'CLOSED', '2026-09-01T10:00:00+08:00'],
      ];
      for (const [id, area, status, openedAt] of cases) {
        await db.query(`INSERT INTO cases (case_id, period, person_id, area_code, reasons, evidence, status, opened_at) VALUES ($1, '2026-11', $2, $3, '[]', '[]', $4, $5)`, [id, personOf(area, Number(id.slice(1))), area, status, openedAt]);
      }
      // a little traffic of this process
      await h.request('GET', '/api/v1/results?period=2026-11');
      const res = await h.request('GET', '/metrics');
      assert.equal(res.status, 200);
      text = res.text;
    });

    it('counts records per connector, dataset and outcome over every pull', () => {
      assert.equal(sample(text, 'lifecert_connector_records_total', { channel: 'ministry', dataset: 'death', outcome: 'pulled' }), 110);
      assert.equal(sample(text, 'lifecert_connector_records_total', { channel: 'ministry', dataset: 'death', outcome: 'staged' }), 100);
      assert.equal(sample(text, 'lifecert_connector_records_total', { channel: 'ministry', dataset: 'death', outcome: 'rejected' }), 7);
      assert.equal(sample(text, 'lifecert_connector_records_total', { channel: 'ministry', dataset: 'death', outcome: 'skipped' }), 3);
    });

    it('gives the last success time, the lag and the pull durations', () => {
      assert.equal(sample(text, 'lifecert_connector_last_success_timestamp_seconds', { channel: 'ministry', dataset: 'death' }), Date.parse('2026-11-20T02:20:00+08:00') / 1000);
      assert.equal(sample(text, 'lifecert_connector_last_success_timestamp_seconds', { channel: 'civil', dataset: 'cremation' }), undefined, 'never succeeded');
      assert.equal(sample(text, 'lifecert_connector_lag_seconds', { channel: 'ministry', dataset: 'death' }), 4 * 3600, 'newest update 06:00, now 10:00');
      assert.equal(sample(text, 'lifecert_connector_pull_duration_seconds_count', { channel: 'ministry', dataset: 'death' }), 2);
      assert.equal(sample(text, 'lifecert_connector_pull_duration_seconds_sum', { channel: 'ministry', dataset: 'death' }), 30 + 1200);
      assert.equal(sample(text, 'lifecert_connector_pull_duration_seconds_bucket', { channel: 'ministry', dataset: 'death', le: '60' }), 1);
      assert.equal(sample(text, 'lifecert_connector_pull_duration_seconds_bucket', { channel: 'ministry', dataset: 'death', le: '1800' }), 2);
    });

    it('counts failed pulls by error code', () => {
      assert.equal(sample(text, 'lifecert_connector_errors_total', { channel: 'civil', dataset: 'cremation', code: 'LIFECERT_CIVIL_ENCODING' }), 1);
      assert.equal(sample(text, 'lifecert_connector_errors_total', { channel: 'civil', dataset: 'cremation', code: 'UNCLASSIFIED' }), 1);
      assert.equal(errorCodeOf('SYSTEM_BUSY after 5 attempts'), 'SYSTEM_BUSY');
      assert.equal(errorCodeOf('Unexpected token'), 'UNCLASSIFIED');
    });

    it('gives the decisions per county of the newest period and the open and overdue cases per county', () => {
      for (const decision of ['eligible', 'ineligible', 'suspect', 'excluded']) {
        assert.equal(sample(text, 'lifecert_decisions', { period: '2026-11', area_code: '440106', decision }), 2, decision);
      }
      assert.equal(sample(text, 'lifecert_decisions', { period: '2026-10', area_code: '440106', decision: 'eligible' }), undefined, 'older periods are left out');
      assert.equal(sample(text, 'lifecert_cases_open', { area_code: '440106' }), 2);
      assert.equal(sample(text, 'lifecert_cases_overdue', { area_code: '440106' }), 1, 'opened in October: overdue on 20 November');
      assert.equal(sample(text, 'lifecert_cases_open', { area_code: '440303' }), 1);
      assert.equal(sample(text, 'lifecert_cases_overdue', { area_code: '440303' }), 1, 'opened 31 October 23:59 China time');
    });

    it('observes each finished run once in the run-duration histogram', async () => {
      assert.equal(sample(text, 'lifecert_run_duration_seconds_count', { state: 'SUCCEEDED' }), 1);
      assert.equal(sample(text, 'lifecert_run_duration_seconds_sum', { state: 'FAILED' }), 4000);
      const again = (await h.request('GET', '/metrics')).text;
      assert.equal(sample(again, 'lifecert_run_duration_seconds_count', { state: 'SUCCEEDED' }), 1, 'a second scrape does not count the run again');
      assert.equal(sample(again, 'lifecert_runs', { state: 'QUEUED' }), 0);
    });

    it('gives the queue depth per queue and state from the queues, and this process’s HTTP requests', () => {
      assert.equal(sample(text, 'lifecert_queue_jobs', { queue: 'pull-ministry', state: 'failed' }), 3);
      assert.equal(sample(text, 'lifecert_queue_jobs', { queue: 'pull-ministry', state: 'waiting' }), 2);
      assert.equal(sample(text, 'lifecert_queue_stalled_total', { queue: 'pull-ministry' }), 4);
      assert.equal(sample(text, 'lifecert_queue_paused', { queue: 'pull-ministry' }), 0);
      assert.equal(sample(text, 'lifecert_api_errors_total', { code: 'LIFECERT_AUTH_TOKEN_MISSING' }), 1);
      assert.equal(sample(text, 'lifecert_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/results', status: '401' }), 1);
    });
  },
  { kinds: ['pglite', 'postgres'], gateway: { metricsCountyCacheMs: 0 } },
);
