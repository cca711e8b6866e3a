// Adding a source touches its folder, its simulator and nothing else. The death register
// (extra-source/) is defined only in the tests; registering it — `defaultRegistry.with(it)` —
// makes the configuration accept it, normalization map it, ingest stage it, the report name it
// and the conformance suite run it, while the built-in registry stays as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildConnectors, HubConfigError, resolveHubConfig } from '../../config/index.ts';
import { createNormalizer, normalize as builtinNormalize, UnknownDatasetError } from '../../connectors/normalize.ts';
import { createRegistry, defaultRegistry, SourceRegistryError } from '../../connectors/registry.ts';
import { eventsForPerson } from '../../mirror/events.ts';
import { migrate } from '../../mirror/migrate.ts';
import { openDatabase } from '../../mirror/db.ts';
import { ingestDataset } from '../../pipeline/ingest.ts';
import { renderReport } from '../../report/index.ts';
import { identityNumber } from '../mirror/db-targets.ts';
import { EMPTY_INPUT } from '../report/fixture.ts';
import { tableRows } from '../report/html-table.ts';
import { runRegistryConformance } from './conformance.ts';
import type { SourceHarness } from './conformance.ts';
import { DATASET, deathRegister, NAME } from './extra-source/death-register.ts';
import type { Registration } from './extra-source/death-register.ts';
import { fakeDeathRegister, startDeathRegister, TOKEN } from './extra-source/simulator.ts';
import { ASOF, EXCLUDED, EXPECTED, FAST, netCleanup, netSetup, rowsOf } from './harness/common.ts';

const registry = defaultRegistry.with(deathRegister);
const ENV = { DEATHS_TOKEN: TOKEN };
const PERSON = identityNumber('44010619410302001');

const registration = (regNo: string, registeredAt: string, idNumber = PERSON): Registration =>
  ({ regNo, idNumber, name: ' 陈  建国 ', deathDate: '2026-11-01', registeredAt });

describe('an extra source, registered', () => {
  it('is unknown to the built-in registry, which stays as it was', () => {
    assert.deepEqual(defaultRegistry.sources.map((d) => d.name), ['ministry', 'bigdata', 'police', 'civil', 'health']);
    assert.equal(defaultRegistry.get(NAME), undefined);
    assert.throws(() => resolveHubConfig({ sources: { [NAME]: { url: 'http://x.example', token: { env: 'DEATHS_TOKEN' } } } }, ENV), /additional properties \(death-register\)/);
    assert.throws(() => buildConnectors({ [NAME]: { url: 'http://x.example', token: TOKEN } }), HubConfigError);
    assert.throws(() => builtinNormalize(NAME, DATASET, registration('D1', '2026-11-02 08:00:00'), { asOf: ASOF }), UnknownDatasetError);
  });

  it('refuses a second source with the same name, or one whose name is a channel of another', () => {
    assert.throws(() => registry.with(deathRegister), SourceRegistryError);
    assert.throws(() => createRegistry([...defaultRegistry.sources, { ...deathRegister, name: 'police-4401' }]), /police-4401 would belong to both/);
  });

  it('is accepted by the configuration, checked against its own schema, its secret from the environment', () => {
    const file = {
      sources: { [NAME]: { url: 'http://deaths.example/register', token: { env: 'DEATHS_TOKEN' }, pageSize: 20 }, civil: { inboxDir: '/in', outboxDir: '/out' } },
      pullLimits: { [NAME]: { concurrency: 1 } },
    };
    const config = resolveHubConfig(file, ENV, 'test', registry);
    assert.deepEqual(config.pullLimits, { [NAME]: { concurrency: 1 } });
    assert.equal((config.sources[NAME] as Record<string, unknown>).token, TOKEN);
    assert.deepEqual(buildConnectors(config.sources, registry).map((c) => c.channel), ['civil', NAME]);
    const tooBig = { sources: { [NAME]: { ...file.sources[NAME], pageSize: 1000 } } };
    assert.throws(() => resolveHubConfig(tooBig, ENV, 'test', registry), /\/sources\/death-register\/pageSize must be <= 100/);
    const literal = { sources: { [NAME]: { ...file.sources[NAME], token: TOKEN } } };
    assert.throws(() => resolveHubConfig(literal, ENV, 'test', registry), /sources\.death-register\.token: a secret may not be written/);
  });

  it('is mapped by normalization, the built-in sources still are', () => {
    const normalizer = createNormalizer(registry);
    const ctx = { asOf: ASOF };
    const good = registration('D1', '2026-11-02 08:00:00');
    assert.deepEqual(normalizer.normalize(NAME, DATASET, good, ctx), {
      outcome: 'staged',
      event: { kind: 'DEATH', origin: 'civil', personId: PERSON, name: '陈建国', date: '2026-11-01', detail: { dateKind: 'death' } },
    });
    assert.equal(normalizer.recordIdOf(NAME, DATASET, good), 'D1');
    assert.equal(normalizer.updatedAtOf(NAME, DATASET, good), '2026-11-02T08:00:00+08:00');
    assert.equal(normalizer.originOf(NAME, DATASET, good), 'civil');
    const bad = registration('D2', '2026-11-02 09:00:00', `${PERSON.slice(0, 17)}0`);
    const refused = normalizer.normalize(NAME, DATASET, bad, ctx);
    assert.equal(refused.outcome, 'rejected');
    assert.equal(refused.outcome === 'rejected' && refused.field, 'idNumber');
    assert.equal(normalizer.reportedPersonIdOf(NAME, DATASET, bad), bad.idNumber);
    assert.deepEqual(normalizer.fieldsOf(NAME, DATASET), ['regNo', 'idNumber', 'name', 'deathDate', 'registeredAt']);
    assert.deepEqual(normalizer.validateRaw(NAME, DATASET, { ...good, name: 7 }).map((e) => e.field), ['name']);
    assert.throws(() => normalizer.normalize(NAME, 'births', good, ctx), UnknownDatasetError);
    const police = { id: 'P1', sfzh: PERSON, xm: '陈建国', hjzt: '注销', zxyy: '死亡', zxrq: '2026/11/01', gxsj: '2026-11-02 08:00:00' };
    assert.deepEqual(normalizer.normalize('police-4401', 'hukou', police, ctx), builtinNormalize('police-4401', 'hukou', police, ctx));
  });

  it('is pulled from its simulator and staged by ingest, rejections and all', async function () {
    this.timeout(60_000);
    const sim = await startDeathRegister([
      registration('D1', '2026-11-02 08:00:00'),
      registration('D2', '2026-11-03 08:00:00', '4401061941030200'),
      registration('D3', '2026-11-29 08:00:00'),
    ]);
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await migrate(db);
      const config = resolveHubConfig({ sources: { [NAME]: { url: sim.url, token: { env: 'DEATHS_TOKEN' }, ...FAST } } }, ENV, 'test', registry);
      const [connector] = buildConnectors(config.sources, registry);
      const counts = await ingestDataset({ db, connector, dataset: DATASET, asOf: ASOF, runId: 'extra-1', normalize: createNormalizer(registry).normalize });
      assert.deepEqual(counts, { pulled: 2, staged: 1, rejected: 1, skipped: 0 });
      const events = await eventsForPerson(db, PERSON);
      assert.deepEqual(events.map((e) => [e.source, e.recordId, e.kind, e.date]), [[NAME, 'D1', 'DEATH', '2026-11-01']]);
      const rejected = await db.query<{ channel: string; record_id: string; field: string; reason_code: string }>('SELECT channel, record_id, field, reason_code FROM rejections');
      assert.deepEqual(rejected.rows, [{ channel: NAME, record_id: 'D2', field: 'idNumber', reason_code: 'ID_FORMAT' }]);
    } finally {
      await db.close();
      await sim.close();
    }
  });

  it('is named by the report from the registry labels', () => {
    const page = renderReport({ ...EMPTY_INPUT, sources: registry.labels(), counts: { [`${NAME}/${DATASET}`]: { pulled: 2, staged: 1, rejected: 1, skipped: 0 } } });
    assert.deepEqual(tableRows(page, 'pulls')[0].slice(0, 3), [`市死亡登记 ${NAME}`, DATASET, '2']);
  });
});

const rows = () => rowsOf((id, time) => registration(id, time), (r) => r.registeredAt);
const common = { asOf: ASOF, pageSize: 2, expectedIds: EXPECTED, excludedIds: EXCLUDED, secrets: ['token'] };
const unreachable = { url: 'http://127.0.0.1:1/register', token: TOKEN, ...FAST };

const harness: SourceHarness = {
  async fake() {
    netSetup();
    return { ...common, config: { url: fakeDeathRegister(rows()), token: TOKEN, ...FAST }, unreachable, cleanup: netCleanup };
  },
  async simulator() {
    const sim = await startDeathRegister(rows());
    return { ...common, config: { url: sim.url, token: TOKEN, ...FAST }, unreachable, cleanup: () => sim.close() };
  },
};

// the suite over the extended registry, for the source the built-in suite does not cover
runRegistryConformance(registry, { [NAME]: harness }, [NAME]);


describe('the conformance suite over a registry', () => {
  it('fails a registered source that no harness drives', function () {
    this.timeout(60_000);
    const mocha = path.join(import.meta.dirname, '../../node_modules/.bin/mocha');
    const fixture = path.join(import.meta.dirname, 'extra-source/no-harness.fixture.ts');
    const run = spawnSync(process.execPath, [mocha, '--no-config', '--reporter', 'json', fixture], { encoding: 'utf8' });
    const report = JSON.parse(run.stdout) as { stats: { passes: number; failures: number }; failures: { fullTitle: string; err: { message: string } }[] };
    assert.equal(run.status, 1, run.stderr);
    assert.equal(report.stats.passes, 0);
    assert.equal(report.stats.failures, 1);
    assert.equal(report.failures[0].fullTitle, 'connector conformance: death-register has a conformance harness');
    assert.match(report.failures[0].err.message, /death-register is registered but no conformance harness drives it/);
  });
});
