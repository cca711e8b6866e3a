// The lifecert Node-RED nodes with node-red-node-test-helper, on an embedded in-memory mirror
// handed over as `settings.lifecert.db` (as lifecert serve does): load a flow, send into the
// node, assert on what a helper node receives and on the mirror; failures reach done(err)
// (Node-RED reports them through node.error with the message, where a Catch node takes them).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { generateWorld } from '../../sandbox/generate.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { SANDBOX_CREDENTIALS } from '../../sandbox/world.ts';
import { feedbackItemsById, listPulls, loadRoster, MEMORY_DATA_DIR, migrate, openDatabase, readResults, saveFeedbackItems } from '../../mirror/index.ts';
import type { Db } from '../../mirror/index.ts';
import type { FeedbackItem, Result } from '../../schemas/types.ts';
import mirrorNode from '../../flows/nodes/lifecert-mirror.ts';
import sourceNode, { configFromNode } from '../../flows/nodes/lifecert-source.ts';
import pullNode from '../../flows/nodes/lifecert-pull.ts';
import normalizeNode from '../../flows/nodes/lifecert-normalize.ts';
import stageNode from '../../flows/nodes/lifecert-stage.ts';
import matchNode from '../../flows/nodes/lifecert-match.ts';
import publishNode from '../../flows/nodes/lifecert-publish.ts';
import feedbackNode from '../../flows/nodes/lifecert-feedback.ts';
import { periodAt } from '../../flows/nodes/lifecert-schedule.ts';
import { sourceKinds } from '../../pipeline/index.ts';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('node-red-node-test-helper') as {
  init(path: string, settings?: object): void;
  settings(s: object): object;
  load(nodes: unknown[], flow: object[], credentials?: object): Promise<void>;
  unload(): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  getNode(id: string): { receive(msg: object): void; on(event: string, fn: (arg: never) => void): void } | null;
};
helper.init(require.resolve('node-red'));

type Msg = Record<string, unknown> & { payload?: unknown };

const ASOF = '2026-11-28';
const PERIOD = '2026-11';
// a valid identity number of Guangzhou (checksum computed), and one with a wrong check digit
const GOOD_ID = withCheck('44010619500101123');
const BAD_ID = `${GOOD_ID.slice(0, 17)}${GOOD_ID[17] === '1' ? '2' : '1'}`;

function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The messages a helper node receives, and a promise of the first `n`. */
function collect(id: string): { got: Msg[]; first(n: number): Promise<Msg[]> } {
  const got: Msg[] = [];
  const waiters: { n: number; resolve: (m: Msg[]) => void }[] = [];
  helper.getNode(id)?.on('input', (msg: never) => {
    got.push(msg);
    for (const w of waiters.filter((x) => got.length >= x.n)) w.resolve(got.slice(0, w.n));
  });
  return { got, first: (n) => (got.length >= n ? Promise.resolve(got.slice(0, n)) : new Promise((resolve) => waiters.push({ n, resolve }))) };
}

/** The error a node reports through done(err). */
function failure(id: string): Promise<Error> {
  return new Promise((resolve) => helper.getNode(id)?.on('call:error', (call: never) => resolve((call as { args: [Error] }).args[0])));
}

const MIRROR = { id: 'm', type: 'lifecert-mirror', name: 'hub', mode: 'hub' };
const MAPPING = { channel: 'city-4401', dataset: 'deaths', kind: 'DEATH', origin: 'civil', recordId: 'regNo', personId: 'idNumber', date: 'deathDate', nameField: 'name', updatedAt: 'registeredAt', detail: '{"dateKind":"death"}' };

describe('flows: the lifecert nodes (node-red-node-test-helper, embedded mirror)', function () {
  this.timeout(120_000);
  let db: Db;

  beforeEach(async () => {
    db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    await migrate(db);
    helper.settings({ lifecert: { db } });
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await db.close();
  });

  it('normalize: the mapping makes events (output 1, with every record for stage) and rejections with reason codes (output 2)', async () => {
    const flow = [{ id: 'n', type: 'lifecert-normalize', ...MAPPING, wires: [['events'], ['rejections']] }, { id: 'events', type: 'helper' }, { id: 'rejections', type: 'helper' }];
    await helper.load([normalizeNode], flow);
    const events = collect('events');
    const rejections = collect('rejections');
    helper.getNode('n')?.receive({
      asOf: ASOF,
      payload: [
        { regNo: 'D1', idNumber: GOOD_ID, name: '陈 建国', deathDate: '2026-11-03', registeredAt: '2026-11-05 10:00:00' },
        { regNo: 'D2', idNumber: BAD_ID, name: 'x', deathDate: '2026-11-03', registeredAt: '2026-11-05 10:00:00' },
        { regNo: 'D3', idNumber: GOOD_ID, name: 'x', deathDate: '2026-12-30', registeredAt: '2026-11-05 10:00:00' },
      ],
    });
    const [[ev], [rej]] = await Promise.all([events.first(1), rejections.first(1)]);
    assert.deepEqual(ev.payload, [{ kind: 'DEATH', origin: 'civil', personId: GOOD_ID, name: '陈建国', date: '2026-11-03', detail: { dateKind: 'death' }, recordId: 'D1' }]);
    assert.deepEqual([ev.channel, ev.dataset, (ev.records as unknown[]).length], ['city-4401', 'deaths', 3]);
    assert.deepEqual((rej.payload as { recordId: string; reasonCode: string; field: string }[]).map((r) => [r.recordId, r.reasonCode, r.field]), [['D2', 'ID_CHECKSUM', 'idNumber'], ['D3', 'DATE_FUTURE', 'deathDate']]);
  });

  it('normalize: a mapping that cannot be used, or a payload that is not records, fails through done(err) with a code', async () => {
    const flow = [{ id: 'bad', type: 'lifecert-normalize', ...MAPPING, personId: '', detail: '{}', wires: [[], []] }, { id: 'n', type: 'lifecert-normalize', ...MAPPING, wires: [[], []] }];
    await helper.load([normalizeNode], flow);
    const badMapping = failure('bad');
    helper.getNode('bad')?.receive({ payload: [] });
    assert.match(String(await badMapping), /field mapping cannot be used: personId must name a field of the record; a DEATH mapping needs detail.dateKind/);
    const notRecords = failure('n');
    helper.getNode('n')?.receive({ payload: 'regNo,idNumber' });
    const err = (await notRecords) as Error & { code?: string };
    assert.equal(err.code, 'LIFECERT_FLOWS_MESSAGE_INVALID');
  });

  it('normalize → stage: one counted pull of the channel; a repeated delivery stages no new version', async () => {
    const flow = [
      MIRROR,
      { id: 'n', type: 'lifecert-normalize', ...MAPPING, wires: [['s'], []] },
      { id: 's', type: 'lifecert-stage', mirror: 'm', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load([mirrorNode, normalizeNode, stageNode], flow);
    const out = collect('out');
    const payload = [
      { regNo: 'D1', idNumber: GOOD_ID, name: 'x', deathDate: '2026-11-03', registeredAt: '2026-11-05 10:00:00' },
      { regNo: 'D2', idNumber: BAD_ID, name: 'x', deathDate: '2026-11-03', registeredAt: '2026-11-05 10:00:00' },
    ];
    helper.getNode('n')?.receive({ asOf: ASOF, runId: 'r1', payload });
    const [first] = await out.first(1);
    assert.deepEqual(first.payload, { pulled: 2, staged: 1, rejected: 1, skipped: 0, pullId: (first.payload as { pullId: number }).pullId, newVersions: 2 });
    assert.equal(first.records, undefined, 'the records are not carried on');
    helper.getNode('n')?.receive({ asOf: ASOF, runId: 'r2', payload });
    const [, second] = await out.first(2);
    assert.equal((second.payload as { newVersions: number }).newVersions, 0);
    const pulls = await listPulls(db);
    assert.deepEqual(pulls.map((p) => [p.channel, p.dataset, p.status, p.pulled, p.staged, p.rejected]), [['city-4401', 'deaths', 'succeeded', 2, 1, 1], ['city-4401', 'deaths', 'succeeded', 2, 1, 1]]);
  });

  it('stage: a message without normalized records fails with a code and stages nothing', async () => {
    await helper.load([mirrorNode, stageNode], [MIRROR, { id: 's', type: 'lifecert-stage', mirror: 'm', wires: [[]] }]);
    const err = failure('s');
    helper.getNode('s')?.receive({ payload: [{ a: 1 }] });
    assert.equal(((await err) as Error & { code?: string }).code, 'LIFECERT_FLOWS_MESSAGE_INVALID');
    assert.deepEqual(await listPulls(db), []);
  });

  it('match → publish: one message per shard with parts, published to the mirror with their cases; feedback lists the pending items', async () => {
    const { world } = generateWorld({ persons: 40, seed: 'nodes', faults: false, cities: ['4401'] });
    await loadRoster(db, world.roster);
    const items: FeedbackItem[] = [{
      feedbackId: 'fb-1', kind: 'REJECTED', channel: 'civil', dataset: 'deaths', recordId: 'HH_440106_20261101.csv:3', personId: '', field: 'SFZH',
      reportedValue: 'x', correctedValue: null, reasonCode: 'ID_CHECKSUM', verifiedDate: ASOF, createdAt: '2026-11-28T10:00:00+08:00', state: 'PENDING',
    }];
    await saveFeedbackItems(db, items);
    const flow = [
      MIRROR,
      { id: 'match', type: 'lifecert-match', mirror: 'm', wires: [['pub']] },
      { id: 'pub', type: 'lifecert-publish', mirror: 'm', wires: [['published']] },
      { id: 'published', type: 'helper' },
      { id: 'fb', type: 'lifecert-feedback', mirror: 'm', mode: 'list', channel: '', limit: '', wires: [['pending']] },
      { id: 'pending', type: 'helper' },
    ];
    await helper.load([mirrorNode, matchNode, publishNode, feedbackNode], flow);
    const published = collect('published');
    const shards = new Set(world.roster.map((r) => r.areaCode)).size;
    helper.getNode('match')?.receive({ period: PERIOD, asOf: ASOF, runId: 'run-nodes' });
    const msgs = await published.first(shards);
    assert.deepEqual(msgs.map((m) => (m.parts as { index: number; count: number }).index).sort((a, b) => a - b), [...Array(shards).keys()]);
    assert.equal(msgs.reduce((s, m) => s + (m.payload as { persons: number }).persons, 0), world.roster.length);
    const results: Result[] = [];
    for await (const r of readResults(db, PERIOD)) results.push(r);
    assert.equal(results.length, world.roster.length);
    const pending = collect('pending');
    helper.getNode('fb')?.receive({});
    const [fb] = await pending.first(1);
    assert.deepEqual((fb.payload as FeedbackItem[]).map((i) => i.feedbackId), ['fb-1']);
  });

  it('feedback: delivers the PENDING items of the channels configured in the flows over their own interface, a message per channel; the status says what was sent', async () => {
    const generated = generateWorld({ persons: 20, seed: 'nodes-feedback', faults: false, cities: ['4401'] });
    const sb = await startSandbox({ world: generated.world, port: 0, host: '127.0.0.1', civilDir: '/tmp/lifecert-nodes-civil-unused' });
    try {
      const item = (feedbackId: string, channel: string, dataset: string, recordId: string): FeedbackItem => ({
        feedbackId, kind: 'REJECTED', channel, dataset, recordId, personId: GOOD_ID, field: 'birthDate', reportedValue: '19500231', correctedValue: null,
        reasonCode: 'DATE_INVALID', verifiedDate: ASOF, createdAt: '2026-11-28T10:00:00+08:00', state: 'PENDING',
      });
      // the second names a record type the health interface does not know: refused, FAILED alone
      await saveFeedbackItems(db, [item('fb-h1', 'health', 'vaccinations', 'VAC-1'), item('fb-h2', 'health', 'medical', 'MED-2'), item('fb-c1', 'civil', 'deaths', 'HH_440106_20261101.csv:3')]);
      const flow = [
        MIRROR,
        { id: 'h', type: 'lifecert-health', name: 'health', url: `${sb.url}/health` },
        { id: 'fb', type: 'lifecert-feedback', mirror: 'm', mode: 'deliver', channel: '', wires: [['out']] },
        { id: 'lister', type: 'lifecert-feedback', mirror: 'm', mode: 'list', channel: '', limit: '', wires: [['listed']] },
        { id: 'only', type: 'lifecert-feedback', mirror: 'm', mode: 'deliver', channel: 'police-4401', wires: [[]] },
        { id: 'out', type: 'helper' },
        { id: 'listed', type: 'helper' },
      ];
      await helper.load([mirrorNode, sourceNode, feedbackNode], flow, { h: { apiKey: SANDBOX_CREDENTIALS.health.apiKey } });
      const statuses: { fill?: string; text?: string }[] = [];
      helper.getNode('fb')?.on('call:status', (call: never) => statuses.push((call as { args: [{ fill?: string; text?: string }] }).args[0]));
      const out = collect('out');
      helper.getNode('fb')?.receive({ topic: 'month-end' });
      const [msg] = await out.first(1);
      assert.deepEqual({ ...(msg.payload as object), error: (msg.payload as { error: { code: string } }).error.code }, { channel: 'health', sent: 1, failed: 1, waiting: false, error: 'LIFECERT_HTTP_CLIENT_ERROR' });
      assert.equal(msg.topic, 'health');
      const items = await feedbackItemsById(db, ['fb-h1', 'fb-h2', 'fb-c1']);
      assert.deepEqual(items.map((i) => [i.feedbackId, i.state, i.attempts]), [['fb-h1', 'SENT', 1], ['fb-h2', 'FAILED', 1], ['fb-c1', 'PENDING', 0]], 'civil has no source in the flows: left alone');
      const received = sb.received('health').flatMap((r) => (r.items ?? []) as { feedbackId?: string }[]).map((i) => i.feedbackId);
      assert.deepEqual(received.filter((id) => id === 'fb-h1'), ['fb-h1'], 'the accepted item once, at its department');
      await new Promise((r) => setTimeout(r, 50));
      // red: an item failed (the test helper loads no message catalogs: the text is its key)
      assert.deepEqual(statuses.at(-1), { fill: 'red', shape: 'dot', text: 'lifecert-feedback.status.delivered' });
      assert.equal(out.got.length, 1, 'one message per channel that had items');

      // list only: what is still pending, sent nowhere
      const listed = collect('listed');
      helper.getNode('lister')?.receive({});
      const [l] = await listed.first(1);
      assert.deepEqual((l.payload as FeedbackItem[]).map((i) => i.feedbackId), ['fb-c1']);
      // a second pass: nothing left for health — sends nothing again, no message
      const requests = sb.received('health').length;
      const settled = new Promise<void>((resolve) => helper.getNode('fb')?.on('call:status', (call: never) => {
        if ((call as { args: [{ fill?: string }] }).args[0]?.fill === 'green') resolve();
      }));
      helper.getNode('fb')?.receive({});
      await settled;
      assert.equal(out.got.length, 1);
      assert.equal(sb.received('health').length, requests, 'no request to the department');
      // a channel asked for that no source of the flows serves: a coded error, nothing touched
      const err = failure('only');
      helper.getNode('only')?.receive({});
      const e = (await err) as Error & { code?: string };
      assert.equal(e.code, 'LIFECERT_FLOWS_CONFIG_INVALID');
      assert.match(e.message, /no source configured in the flows for police-4401 \(configured: health\)/);
    } finally {
      await sb.close();
    }
  });

  it('match: a message without a period fails with LIFECERT_FLOWS_MESSAGE_INVALID', async () => {
    await helper.load([mirrorNode, matchNode], [MIRROR, { id: 'match', type: 'lifecert-match', mirror: 'm', wires: [[]] }]);
    const err = failure('match');
    helper.getNode('match')?.receive({ payload: 'go' });
    assert.equal(((await err) as Error & { code?: string }).code, 'LIFECERT_FLOWS_MESSAGE_INVALID');
  });

  it('pull: a message per committed page with counts, then the totals; the secret comes from the credentials', async () => {
    const generated = generateWorld({ persons: 60, seed: 'nodes-pull', faults: false, cities: ['4401'] });
    const sb = await startSandbox({ world: generated.world, port: 0, host: '127.0.0.1', civilDir: '/tmp/lifecert-nodes-civil-unused' });
    try {
      const flow = [
        MIRROR,
        { id: 'h', type: 'lifecert-health', name: 'health', url: `${sb.url}/health`, pageSize: '7' },
        { id: 'p', type: 'lifecert-pull', source: 'h', dataset: 'vaccinations', mirror: 'm', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
      await helper.load([mirrorNode, sourceNode, pullNode], flow, { h: { apiKey: SANDBOX_CREDENTIALS.health.apiKey } });
      const out = collect('out');
      helper.getNode('p')?.receive({ asOf: generated.world.asOf, runId: 'r-pull' });
      const expected = generated.expected.counts['health/vaccinations'];
      const done = await new Promise<Msg>((resolve) => {
        const t = setInterval(() => {
          const last = out.got.find((m) => m.pullComplete === true);
          if (last) {
            clearInterval(t);
            resolve(last);
          }
        }, 50);
      });
      assert.deepEqual(done.payload, { 'health/vaccinations': expected });
      const pages = out.got.filter((m) => m.pullComplete !== true).map((m) => m.payload as { seq: number; totals: { pulled: number } });
      assert.ok(pages.length > 1, 'paged by the configured page size');
      assert.deepEqual(pages.map((p) => p.seq), pages.map((_, i) => i + 1));
      assert.equal(pages.at(-1)?.totals.pulled, expected.pulled);
    } finally {
      await sb.close();
    }
  });

  it('pull: a refused secret reaches done(err) with the connector’s code, for a Catch node', async () => {
    const generated = generateWorld({ persons: 10, seed: 'nodes-pull-bad', faults: false, cities: ['4401'] });
    const sb = await startSandbox({ world: generated.world, port: 0, host: '127.0.0.1', civilDir: '/tmp/lifecert-nodes-civil-unused' });
    try {
      const flow = [MIRROR, { id: 'h', type: 'lifecert-health', url: `${sb.url}/health`, retry: '{"maxAttempts":1}' }, { id: 'p', type: 'lifecert-pull', source: 'h', dataset: 'checkups', mirror: 'm', wires: [[]] }];
      await helper.load([mirrorNode, sourceNode, pullNode], flow, { h: { apiKey: 'wrong-key' } });
      const err = failure('p');
      helper.getNode('p')?.receive({ asOf: generated.world.asOf });
      const e = (await err) as Error & { code?: string; causeCode?: string };
      assert.equal(e.code, 'LIFECERT_PIPELINE_DATASET_FAILED');
      assert.equal(e.causeCode, 'LIFECERT_HTTP_UNAUTHORIZED');
      assert.ok(!e.message.includes('wrong-key'));
    } finally {
      await sb.close();
    }
  });
});

describe('flows: helpers of the nodes', () => {
  it('a source config node types what the editor stored by the schema; secrets come only from the credentials', () => {
    const police = sourceKinds().find((k) => k.name === 'police');
    assert.ok(police);
    assert.deepEqual(
      configFromNode(police, { city: '4401', url: ' http://x/police/4401 ', clientId: 'c', clientSecret: 'in-the-node', pageSize: '50', retry: '{"maxAttempts":2}', maxPasses: '' }, { clientSecret: 's' }),
      { city: '4401', url: 'http://x/police/4401', clientId: 'c', clientSecret: 's', pageSize: 50, retry: { maxAttempts: 2 } },
    );
  });

  it('the schedule names the month of its slot in China time, or the one before', () => {
    assert.equal(periodAt(Date.parse('2026-11-30T17:00:00Z'), 'current'), '2026-12');
    assert.equal(periodAt(Date.parse('2026-12-31T18:00:00Z'), 'previous'), '2026-12');
    assert.equal(periodAt(Date.parse('2027-01-01T02:00:00Z'), 'previous'), '2026-12');
  });
});
