// The connector conformance suite (BullMQ-adapter style): the same tests run against every
// connector by swapping one factory. `runRegistryConformance` runs them for every dataset of
// every source in a registry, each against the source's fake (nock, or a folder for a file
// drop) and against its simulator, as the source's harness sets them up.
import assert from 'node:assert/strict';
import type { Connector, CursorState, Page, PulledRecord } from '../../connectors/kit/connector.ts';
import { createSchemaValidator, secretPaths } from '../../connectors/kit/config.ts';
import { isAbortError } from '../../connectors/kit/errors/connector-error.ts';
import { servesChannel } from '../../connectors/kit/source-definition.ts';
import type { SourceDefinition } from '../../connectors/kit/source-definition.ts';
import type { SourceRegistry } from '../../connectors/registry.ts';
import { chinaDate, parseUpdateTime } from '../../lib/china-time.ts';
import { isErrorCode } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';

export interface ConformanceFixture<S extends CursorState = CursorState> {
  /** the source the connector belongs to: its channel and datasets are checked against it */
  definition: SourceDefinition;
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

const key = (r: PulledRecord): string => `${r.recordId}\u0000${canonicalJson(r.raw)}`;

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
      // the hub checks configuration files against the definition's schema: it must be the connector's
      assert.deepEqual(spec, f.definition.configSchema);
      assert.deepEqual(secretPaths(spec), secretPaths(f.definition.configSchema));
      assert.ok(f.connector.datasets.includes(f.dataset));
      assert.ok(f.definition.datasets.includes(f.dataset), `${f.dataset} is not a dataset of ${f.definition.name}`);
      assert.ok(servesChannel(f.definition, f.connector.channel), `channel ${f.connector.channel} is not one of ${f.definition.name}'s`);
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

/** One backend of a source for one dataset, as its harness set it up. */
export interface HarnessFixture<S extends CursorState = CursorState> extends Omit<ConformanceFixture<S>, 'definition' | 'connector' | 'dataset' | 'unreachable'> {
  /** the connector configuration pointing at the backend */
  config: unknown;
  /** a configuration pointing where nothing answers */
  unreachable?: unknown;
}

/**
 * How the suite drives one source: its fake (nock for a network source, a folder for a file
 * drop) and its simulator, each set up to serve one dataset with records on both sides of the
 * as-of day. A source's harness lives with its tests; the suite finds it by the source's name.
 */
export interface SourceHarness {
  fake(dataset: string): Promise<HarnessFixture>;
  simulator(dataset: string): Promise<HarnessFixture>;
}

const BACKENDS = ['fake', 'simulator'] as const;

/**
 * The conformance suite for every dataset of every source in `registry` (or only the sources
 * named in `only`), against each backend of its harness. A registered source without a
 * harness fails: registering a source means it is held to the contract.
 */
export function runRegistryConformance(registry: SourceRegistry, harnesses: Readonly<Record<string, SourceHarness>>, only?: readonly string[]): void {
  for (const definition of registry.sources) {
    if (only && !only.includes(definition.name)) continue;
    const harness = harnesses[definition.name];
    if (!harness) {
      describe(`connector conformance: ${definition.name}`, () => {
        it('has a conformance harness', () => assert.fail(`source ${definition.name} is registered but no conformance harness drives it`));
      });
      continue;
    }
    for (const dataset of definition.datasets) {
      for (const backend of BACKENDS) {
        runConformance(`${definition.name}/${dataset} against its ${backend}`, async () => {
          const { config, unreachable, ...rest } = await harness[backend](dataset);
          return {
            ...rest,
            definition,
            dataset,
            connector: definition.createConnector(config),
            ...(unreachable === undefined ? {} : { unreachable: () => definition.createConnector(unreachable) }),
          };
        });
      }
    }
  }
}
