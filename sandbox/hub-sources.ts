// How the hub reaches this sandbox: the `sources` section of a hub configuration pointing every
// connector at its simulator (sandbox.md addresses) with the sandbox's own credentials. Built
// in memory for the demo, the tests and the benchmarks, never written out. A new simulator
// adds its entry here.
import path from 'node:path';
import type { SourceConfig, SourcesConfig } from '../schemas/sources.ts';
import { SANDBOX_CREDENTIALS } from './world.ts';

/**
 * The sources section for a sandbox at `url` whose civil drop is `civilDir` (inbox and outbox
 * inside it), one police entry per city; `overrides` are merged into each source's entry (every
 * police city's).
 */
export function sandboxSources(url: string, civilDir: string, cities: readonly string[], overrides: Readonly<Record<string, SourceConfig>> = {}): SourcesConfig {
  const c = SANDBOX_CREDENTIALS;
  return {
    ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: c.ministry.password, ...overrides.ministry },
    bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: c.bigdata.appSecret, ...overrides.bigdata },
    police: cities.map((city) => ({ city, url: `${url}/police/${city}`, clientId: c.police.clientId, clientSecret: c.police.clientSecret, ...overrides.police })),
    civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox'), ...overrides.civil },
    health: { url: `${url}/health`, apiKey: c.health.apiKey, ...overrides.health },
  };
}
