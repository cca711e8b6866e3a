// The connector conformance suite (BullMQ-adapter style): the same tests run against every
// connector by swapping one factory. The lead also runs it against the sandbox simulators.
import assert from 'node:assert/strict';
import type { Connector, CursorState, Page, PulledRecord } from '../../connectors/kit/connector.ts';
import { createSchemaValidator } from '../../connectors/kit/config.ts';
import { isAbortError } from '../../connectors/kit/errors/connector-error.ts';
import { chinaDate, parseUpdateTime } from '../../lib/china-time.ts';
import { isErrorCode } from '../../lib/errors.ts';
import { stableStringify } from '../../connectors/kit/high-water.ts';

export interface ConformanceFixture<S extends CursorState = CursorState> {
  connector: Connector<S>;
  /** the dataset the suite pulls */
  dataset: string;
  /** the run's as-of date */
  asOf: string;
  /** page size to ask for: small, so that a pull has several pages */
  pageSize?: number;
  /** every record id a complete pull must yield (present at the source, updated by the end of asOf) */
  expectedIds?: readonly string[];
  /** ids that must NOT be yielded (updated after the as-of day) */
  excludedIds?: readonly string[];
  /** the same connector pointed at an address/folder where nothing answers */
  unreachable?: () => Connector<S>;
  /** property names of the configuration that must be marked secret */
  secrets?: readonly string[];
  /** true when `next` is not behind `prev`; default compares `highWater` update times */
  isForward?: (prev: S | null, next: S) => boolean;
  /**
   * May `record` be yielded again by a pull resumed from `saved`? Default: its update time is
   * within the late-arrival day before the saved high-water mark (sources.md).
   */
  mayRepeat?: (record: PulledRecord, saved: S) => boolean;
  cleanup?: () => Promise<void> | void;
}

const SECRET_NAME = /(password|secret|api[-_]?key|token)$/i;

function defaultIsForward(prev: CursorState | null, next: CursorState): boolean {
  const p = prev?.highWater;
  const n = next.highWater;
  if (typeof p !== 'string') return true;
  if (typeof n !== 'string') return false;
  return parseUpdateTime(n) >= parseUpdateTime(p);
}

function defaultMayRepeat(record: PulledRecord, saved: CursorState): boolean {
  const hw = typeof saved.highWater === 'string' ? parseUpdateTime(saved.highWater) : Number.NaN;
  if (Number.isNaN(hw)) return true;
  // sources filtering by date (ministry startDate, police since) re-serve that whole China day
  const dayStart = parseUpdateTime(`${chinaDate(hw - 86_400_000)}T00:00:00+08:00`);
  return parseUpdateTime(record.updatedAt) >= dayStart;
}

const key = (r: PulledRecord): string => `${r.recordId}\u0000${stableStringify(r.raw)}`;

async function pullAll<S extends CursorState>(f: ConformanceFixture<S>, state: S | null): Promise<Page<S>[]> {
  const pages: Page<S>[] = [];
  for await (const p of f.connector.pull(f.dataset, state, { asOf: f.asOf, ...(f.pageSize ? { pageSize: f.pageSize } : {}) })) pages.push(p);
  return pages;
}

export function runConformance<S extends CursorState>(name: string, makeConnector: () => Promise<ConformanceFixture<S>>): void {
  describe(`connector conformance: ${name}`, function () {
    this.timeout(30_000);
    let f: ConformanceFixture<S>;
    beforeEach(async () => {
      f = await makeConnector();
    });
    afterEach(async () => {
      await f?.cleanup?.();
    });

    it('declares a valid JSON Schema with its secrets marked', () => {
      const spec = f.connector.spec() as Record<string, unknown>;
      assert.equal(spec.type, 'object');
      createSchemaValidator().compile(spec);
      const props = (spec.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [prop, sub] of Object.entries(props)) {
        if (SECRET_NAME.test(prop)) assert.equal(sub.secret, true, `${prop} looks like a secret but is not marked`);
      }
      for (const s of f.secrets ?? []) assert.equal(props[s]?.secret, true, `${s} must be marked secret`);
      assert.ok(f.connector.datasets.includes(f.dataset));
      assert.match(f.connector.channel, /^(ministry|bigdata|police-\d{4}|civil|health)$/);
    });

    it('check() resolves ok against a working source', async () => {
      assert.deepEqual(await f.connector.check(), { ok: true });
    });

    it('check() returns a failure rather than throwing when the source is unreachable', async function () {
      if (!f.unreachable) this.skip();
      const result = await f.unreachable!().check();
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.ok(result.error.length > 0);
        assert.ok(isErrorCode(result.code), `${result.code} is a code of the registry`);
      }
    });

    it('pulls everything up to the as-of day, each version once, with the cursor only moving forward', async () => {
      const pages = await pullAll(f, null);
      const isForward = f.isForward ?? defaultIsForward;
      let prev: S | null = null;
      for (const p of pages) {
        assert.ok(isForward(prev, p.state), `state moved back: ${JSON.stringify(prev)} → ${JSON.stringify(p.state)}`);
        assert.ok(p.request.length > 0);
        assert.ok(typeof p.body === 'string' || p.body instanceof Uint8Array);
        prev = p.state;
      }
      const records = pages.flatMap((p) => p.records);
      const keys = records.map(key);
      assert.equal(new Set(keys).size, keys.length, 'a version yielded twice within one pull');
      const got = new Set(records.map((r) => r.recordId));
      for (const id of f.expectedIds ?? []) assert.ok(got.has(id), `missed ${id}`);
      for (const id of f.excludedIds ?? []) assert.ok(!got.has(id), `${id} is after the as-of day`);
      for (const r of records) assert.ok(r.updatedAt === '' || /\+08:00$/.test(r.updatedAt), `updatedAt ${r.updatedAt}`);
    });

    it('resuming from a saved cursor repeats nothing it should not and misses nothing', async () => {
      const pages = await pullAll(f, null);
      assert.ok(pages.length >= 2, 'the fixture must give at least two pages');
      const mayRepeat = f.mayRepeat ?? defaultMayRepeat;

      // resume after the first page, as after a crash
      const saved = pages[0].state;
      const before = new Set(pages[0].records.map(key));
      const resumed = await pullAll(f, saved);
      let prev: S | null = saved;
      const isForward = f.isForward ?? defaultIsForward;
      for (const p of resumed) {
        assert.ok(isForward(prev, p.state), 'a resumed pull moved the cursor back');
        prev = p.state;
      }
      const again = resumed.flatMap((p) => p.records);
      for (const r of again) if (before.has(key(r))) assert.ok(mayRepeat(r, saved), `${r.recordId} repeated after resuming`);
      const union = new Set([...pages[0].records, ...again].map((r) => r.recordId));
      for (const id of f.expectedIds ?? []) assert.ok(union.has(id), `missed ${id} after resuming`);

      // a pull from the final state takes nothing new and repeats only what it may
      const final = pages.at(-1)!.state;
      const next = await pullAll(f, final);
      for (const r of next.flatMap((p) => p.records)) assert.ok(mayRepeat(r, final), `${r.recordId} repeated from the final state`);
    });

    it('honours abort between pages', async () => {
      const ac = new AbortController();
      let seen = 0;
      let failure: unknown;
      try {
        for await (const _ of f.connector.pull(f.dataset, null, { asOf: f.asOf, signal: ac.signal, ...(f.pageSize ? { pageSize: f.pageSize } : {}) })) {
          seen++;
          ac.abort();
        }
      } catch (err) {
        failure = err;
      }
      assert.equal(seen, 1, 'no page after the abort');
      assert.ok(isAbortError(failure), `expected a LIFECERT_CONNECTOR_ABORTED error, got ${String(failure)}`);
    });
  });
}
