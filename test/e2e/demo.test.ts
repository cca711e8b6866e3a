// Issue "Decide and publish", done-when: `lifecert demo` on generated worlds (several seeds,
// every fault on) agrees with the generator's expected result for every person.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDemo } from '../../cli/demo.ts';
import { resultDifferences } from '../../sandbox/generate.ts';
import type { Expected } from '../../sandbox/generate.ts';
import type { Result } from '../../schemas/types.ts';
import { validateFeedbackItem, validateResult } from '../../schemas/index.ts';
import { openDatabase, readFeedbackItems } from '../../mirror/index.ts';
import type { FeedbackItem } from '../../schemas/types.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { createScratchPostgres } from '../mirror/db-targets.ts';
import { requirePostgres } from '../support/servers.ts';
import type { DemoSummary } from '../../cli/demo.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');
const run = promisify(execFile);

/** `lifecert …` as a user types it; resolves with the exit code and what it printed. */
async function lifecert(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Checks the four files of a demo in `out` against the generator's expectation; returns the results. */
function checkDemoFiles(out: string, expected: Expected, persons: number): Result[] {
  for (const f of ['results.jsonl', 'feedback.jsonl', 'counts.json', 'report.html']) assert.ok(fs.existsSync(path.join(out, f)), f);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'counts.json'), 'utf8')), Object.fromEntries(Object.entries(expected.counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  const results = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Result);
  assert.equal(results.length, persons);
  const ids = results.map((r) => r.personId);
  assert.deepEqual(ids, [...ids].sort(), 'results.jsonl is sorted by personId');
  const mismatches: string[] = [];
  for (const r of results) {
    assert.deepEqual(validateResult(r), []);
    mismatches.push(...resultDifferences(r, expected.results[r.personId]));
  }
  assert.deepEqual(mismatches, []);
  assert.equal(new Set(results.map((r) => r.personId)).size, Object.keys(expected.results).length, 'one result per roster entry');
  const feedback = fs.readFileSync(path.join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
  assert.equal(feedback.length, expected.rejections.length, 'one REJECTED item per quarantined record');
  const items = feedback.map((l) => JSON.parse(l) as FeedbackItem);
  for (const i of items) assert.deepEqual(validateFeedbackItem(i), [], i.feedbackId);
  assert.equal(new Set(items.map((i) => i.feedbackId)).size, items.length, 'one item per record version and field');
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<svg/);
  return results;
}

function readExpected(file: string): Expected {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Expected;
}

function checkSummary(summary: DemoSummary, persons: number, results: Result[]): void {
  assert.equal(summary.persons, persons);
  assert.equal(summary.reminders, results.filter((r) => r.decision === 'eligible' && r.certifiedUntil !== null && r.certifiedUntil >= r.period && monthsBetween(r.period, r.certifiedUntil) <= 3).length);
  assert.ok(summary.peakRssKiB.hub > 0 && (summary.peakRssKiB.sandbox ?? 0) > 0, 'both processes report their peak memory');
  assert.ok(summary.seconds.total >= summary.seconds.ingest + summary.seconds.match);
}

/**
 * The demo closes the loop: every REJECTED item naming a record ends SENT (one without a record id
 * cannot be named to any department: FAILED at once), and the simulators received each SENT item
 * exactly once, at the channel it belongs to.
 */
function checkDelivered(out: string, summary: DemoSummary): void {
  const items = fs.readFileSync(path.join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FeedbackItem);
  assert.ok(items.length > 0);
  const wrong = items.filter((i) => i.state !== (i.recordId === '' ? 'FAILED' : 'SENT')).map((i) => `${i.channel} ${i.recordId} ${i.state}`);
  assert.deepEqual(wrong, []);
  const sent = new Map<string, string[]>();
  for (const i of items) if (i.state === 'SENT') sent.set(i.channel, [...(sent.get(i.channel) ?? []), i.feedbackId]);
  for (const [channel, ids] of sent) assert.deepEqual([...(summary.feedbackReceived[channel]?.feedbackIds ?? [])].sort(), [...ids].sort(), `${channel} received each of its items once`);
  const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(report, /已送达/);
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return ty * 12 + tm - (fy * 12 + fm);
}



describe('lifecert demo, end to end through the simulators', function () {
  this.timeout(600_000);

  it('`npm run demo` starts Node with --liftoff-only (without it the PGlite parser\'s optimizing compile is the peak: cli/demo.ts)', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.demo, 'node --liftoff-only bin/lifecert.js demo');
  });

  for (const seed of ['demo-a', 'demo-b']) {
    it(`agrees with the generator for every person (seed ${seed}, 600 persons, all faults on, PGlite)`, async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-demo-'));
      try {
        const summary = await runDemo({ persons: 600, seed, out, progress: false, log: () => {} });
        const results = checkDemoFiles(out, readExpected(path.join(out, 'world.expected.json')), 600);
        checkSummary(summary, 600, results);
        checkDelivered(out, summary);
        if (seed !== 'demo-a') return;

        // feedback.jsonl is what the mirror holds
        const mirror = await openDatabase({ dataDir: path.join(out, 'data') });
        try {
          const stored: FeedbackItem[] = [];
          for await (const i of readFeedbackItems(mirror)) stored.push(i);
          assert.deepEqual(stored, fs.readFileSync(path.join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FeedbackItem));
        } finally {
          await mirror.close();
        }

        // `lifecert export` reads the same results back from the demo's mirror
        const period = results[0].period;
        const jsonl = path.join(out, 'export.jsonl');
        const done = await lifecert(['export', '--period', period, '--data-dir', path.join(out, 'data'), '--out', jsonl]);
        assert.equal(done.code, 0, done.stderr);
        assert.match(done.stderr, /exported 600 results/);
        assert.equal(fs.readFileSync(jsonl, 'utf8'), fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8'));
        const csv = await lifecert(['export', '--period', period, '--format', 'csv', '--list', 'reminders', '--data-dir', path.join(out, 'data')]);
        assert.equal(csv.code, 0, csv.stderr);
        const reminders = parse(csv.stdout, { columns: true }) as Record<string, string>[];
        assert.equal(reminders.length, summary.reminders);
        assert.ok(reminders.length > 0, 'the world has persons to remind');

        // bad input: a clear message, exit 1, and no file left behind
        const empty = await lifecert(['export', '--period', '2001-01', '--data-dir', path.join(out, 'data'), '--out', path.join(out, 'none.jsonl')]);
        assert.equal(empty.code, 1);
        assert.match(empty.stderr, /LIFECERT_CLI_RESULTS_MISSING: .*holds no results for period 2001-01/);
        assert.deepEqual(fs.readdirSync(out).filter((f) => f.startsWith('none.jsonl')), []);
        const nowhere = await lifecert(['export', '--period', period, '--data-dir', path.join(out, 'no-such-dir')]);
        assert.equal(nowhere.code, 1);
        assert.match(nowhere.stderr, /LIFECERT_CLI_MIRROR_MISSING: no embedded mirror in/);
        assert.equal(fs.existsSync(path.join(out, 'no-such-dir')), false, 'reading never creates a mirror');
        const badFormat = await lifecert(['export', '--period', period, '--format', 'xml', '--data-dir', path.join(out, 'data')]);
        assert.equal(badFormat.code, 1);
        assert.match(badFormat.stderr, /LIFECERT_CLI_ARGUMENT_INVALID: --format must be one of jsonl, csv/);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  }

  it('as typed: `lifecert sandbox generate` then `lifecert demo --world W --out D` agrees with W’s expectation', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-demo-cli-'));
    try {
      const world = path.join(dir, 'w.json');
      const gen = await lifecert(['sandbox', 'generate', '--persons', '700', '--seed', 'demo-cli', '--out', world]);
      assert.equal(gen.code, 0, gen.stderr);
      const out = path.join(dir, 'out');
      const demo = await lifecert(['demo', '--world', world, '--out', out]);
      assert.equal(demo.code, 0, demo.stderr);
      assert.match(demo.stdout, /lifecert demo: 700 persons decided in/);
      assert.match(demo.stdout, /export --period 2026-11 --data-dir /);
      checkDemoFiles(out, readExpected(path.join(dir, 'w.expected.json')), 700);
      assert.equal(fs.existsSync(path.join(out, 'world.json')), false, 'a given world is not copied');
      // the structured log went to a file, not into the summary
      assert.doesNotMatch(demo.stdout, /"level"/);
      const log = fs.readFileSync(path.join(out, 'demo.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event?: string; status?: string; step?: string });
      assert.deepEqual(log.filter((l) => l.event === 'run.step' && l.status === 'done').map((l) => l.step), ['world', 'pull', 'match', 'feedback']);
      assert.equal(log.filter((l) => l.event === 'pull.end').length, Object.keys(readExpected(path.join(dir, 'w.expected.json')).counts).length);
      assert.equal(log.at(-1)?.event, 'run.end');
      assert.equal(log.at(-1)?.status, 'succeeded');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on PostgreSQL', () => {
    requirePostgres();

    it('runs on PostgreSQL in a schema of its own; a second demo there starts afresh', async () => {
      const scratch = await createScratchPostgres();
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-demo-pg-'));
      try {
        for (const [seed, persons] of [['demo-pg-1', 500], ['demo-pg-2', 400]] as const) {
          const summary = await runDemo({ persons, seed, out, databaseUrl: scratch.url, progress: false, log: () => {} });
          assert.match(summary.database, /\(schema lifecert_demo\)$/);
          const results = checkDemoFiles(out, readExpected(path.join(out, 'world.expected.json')), persons);
          checkSummary(summary, persons, results);
        }
        const exported = await lifecert(['export', '--period', JSON.parse(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n')[0]).period, '--database-url', scratch.url, '--schema', 'lifecert_demo']);
        assert.equal(exported.code, 0, exported.stderr);
        assert.equal(exported.stdout, fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8'));
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
        await scratch.drop();
      }
    });
  });
});
