// The hub configuration read as the registry's sources define it: every source's own schema
// checks its entry, secrets come only from the environment, connectors follow the registry.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConnectors, HubConfigError, hubConfigSchema, loadHubConfig, resolveHubConfig } from '../../config/index.ts';
import { defaultRegistry } from '../../connectors/registry.ts';

const ENV = {
  MINISTRY_PW: 'm-pw',
  BIGDATA_SECRET: 'b-secret',
  POLICE_4401: 'p1',
  POLICE_4403: 'p3',
  HEALTH_KEY: 'h-key',
  PROVINCIAL_SECRET: 'prov',
};

function example(): Record<string, unknown> {
  return {
    sources: {
      ministry: { url: 'https://ministry.example/ws/cert', username: 'gd', password: { env: 'MINISTRY_PW' } },
      bigdata: { url: 'https://bigdata.example', appId: 'hub', appSecret: { env: 'BIGDATA_SECRET' }, datasets: ['death'] },
      police: [
        { city: '4401', url: 'https://police-4401.example', clientId: 'hub', clientSecret: { env: 'POLICE_4401' } },
        { city: '4403', url: 'https://police-4403.example', clientId: 'hub', clientSecret: { env: 'POLICE_4403' } },
      ],
      civil: { inboxDir: '/tmp/in', outboxDir: '/tmp/out' },
      health: { url: 'https://health.example', apiKey: { env: 'HEALTH_KEY' } },
    },
    provincial: { url: 'https://province.example', appId: 'prov', appSecret: { env: 'PROVINCIAL_SECRET' } },
    schedules: [{ name: 'nightly-pull', cron: '0 2 * * *', run: { steps: ['pull'] } }],
    pullLimits: { police: { concurrency: 2 } },
  };
}

const rejects = (raw: unknown, pattern: RegExp) =>
  assert.throws(() => resolveHubConfig(raw, ENV), (e: unknown) => e instanceof HubConfigError && pattern.test(e.message));

describe('config: the hub configuration over the source registry', () => {
  it('assembles the sources section from every registered source, secrets as references', () => {
    const schema = hubConfigSchema() as { properties: { sources: { properties: Record<string, Record<string, unknown>> } } };
    const sources = schema.properties.sources.properties;
    assert.deepEqual(Object.keys(sources), defaultRegistry.sources.map((d) => d.name));
    assert.equal(sources.police.type, 'array', 'police: one entry per city');
    const police = sources.police.items as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(police.properties.clientSecret, { $ref: '#/definitions/secretRef', description: 'OAuth2 client_secret' });
    assert.ok(police.required.includes('city'));
    assert.equal((sources.ministry.properties as Record<string, { maximum?: number }>).pageSize.maximum, 500, "the ministry's own limits");
  });

  it('resolves secrets from the environment and builds one connector per source and city, in registry order', () => {
    const config = resolveHubConfig(example(), ENV);
    assert.equal((config.sources.ministry as Record<string, unknown>).password, 'm-pw');
    assert.deepEqual((config.sources.police as Record<string, unknown>[]).map((c) => c.clientSecret), ['p1', 'p3']);
    assert.equal(config.provincial?.appSecret, 'prov');
    const connectors = buildConnectors(config.sources);
    assert.deepEqual(connectors.map((c) => c.channel), ['ministry', 'bigdata', 'police-4401', 'police-4403', 'civil', 'health']);
    assert.deepEqual(connectors[1].datasets, ['death']);
  });

  it("checks each source's entry against that source's own schema when the file is read", () => {
    const bad = example();
    const sources = bad.sources as Record<string, Record<string, unknown> | Record<string, unknown>[]>;
    (sources.ministry as Record<string, unknown>).pageSize = 501;
    (sources.police as Record<string, unknown>[])[1].city = '44031';
    (sources.health as Record<string, unknown>).colour = 'red';
    assert.throws(() => resolveHubConfig(bad, ENV), (e: unknown) => {
      assert.ok(e instanceof HubConfigError);
      assert.match(e.message, /\/sources\/ministry\/pageSize must be <= 500/);
      assert.match(e.message, /\/sources\/police\/1\/city must match pattern/);
      assert.match(e.message, /\/sources\/health must NOT have additional properties \(colour\)/);
      return true;
    });
  });

  it('refuses a source no one registered, a police entry that is not a list, and a city configured twice', () => {
    rejects({ sources: { registry: {} } }, /\/sources must NOT have additional properties \(registry\)/);
    rejects({ pullLimits: { registry: { concurrency: 1 } } }, /\/pullLimits must NOT have additional properties \(registry\)/);
    const single = example();
    (single.sources as Record<string, unknown>).police = { city: '4401', url: 'https://p.example', clientId: 'x', clientSecret: { env: 'POLICE_4401' } };
    rejects(single, /\/sources\/police must be array/);
    const twice = example();
    const police = (twice.sources as Record<string, Record<string, unknown>[]>).police;
    police[1].city = '4401';
    assert.throws(() => buildConnectors(resolveHubConfig(twice, ENV).sources), (e: unknown) => e instanceof HubConfigError && /police-4401 is configured twice/.test(e.message));
    assert.throws(() => buildConnectors({ nosuch: {} }), (e: unknown) => e instanceof HubConfigError && /sources\.nosuch: no such source/.test(e.message));
  });

  it('refuses a secret written in the file, and a reference to a variable that is not set', () => {
    const literal = example();
    ((literal.sources as Record<string, Record<string, unknown>[]>).police[1]).clientSecret = 'in-clear';
    rejects(literal, /sources\.police\[1\]\.clientSecret: a secret may not be written in the configuration file/);
    const unset = example();
    ((unset.sources as Record<string, Record<string, unknown>>).health).apiKey = { env: 'NOT_SET_ANYWHERE' };
    rejects(unset, /sources\.health\.apiKey: environment variable NOT_SET_ANYWHERE is not set/);
  });

  it('fills in each source\'s defaults on a copy, leaving the value read as it was', () => {
    const raw = example();
    const before = JSON.stringify(raw);
    const config = resolveHubConfig(raw, ENV);
    assert.equal(JSON.stringify(raw), before);
    assert.equal((config.sources.health as Record<string, unknown>).pageSize, 200);
    assert.deepEqual((config.sources.police as Record<string, unknown>[]).map((c) => c.tokenRenewSeconds), [30, 30]);
  });

  it('reads the shipped example configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-config-'));
    try {
      const env = {
        LIFECERT_MINISTRY_PASSWORD: 'a', LIFECERT_BIGDATA_SECRET: 'b', LIFECERT_POLICE_4401_SECRET: 'c', LIFECERT_POLICE_4403_SECRET: 'd',
        LIFECERT_HEALTH_API_KEY: 'e', LIFECERT_PROVINCIAL_SECRET: 'f',
      };
      const config = loadHubConfig(path.join(import.meta.dirname, '../../lifecert.config.example.json'), env);
      assert.deepEqual(buildConnectors(config.sources).map((c) => c.channel), ['ministry', 'bigdata', 'police-4401', 'police-4403', 'civil', 'health']);
      assert.throws(() => loadHubConfig(path.join(dir, 'missing.json'), env), HubConfigError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
