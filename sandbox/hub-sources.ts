// What a hub needs to reach a sandbox: the sources section at the sandbox's addresses
// (sandbox.md) with the sandbox's own credentials. It belongs to the sandbox, not to config/:
// production configuration never learns the sandbox's secrets.
import path from 'node:path';
import type { SourcesConfig } from '../schemas/config.ts';
import { SANDBOX_CREDENTIALS } from './world.ts';

/**
 * The sources section for a sandbox at `url`, its civil drop in `civilDir`, police for
 * `cities` — built in memory for the demo, the tests and the benchmarks, never written out.
 * `overrides` are merged into each source's entry (every city's for police).
 */
export function sandboxSources(url: string, civilDir: string, cities: readonly string[], overrides: Partial<Record<keyof SourcesConfig, Record<string, unknown>>> = {}): SourcesConfig {
  const c = SANDBOX_CREDENTIALS;
  return {
    ministry: { url: `${url}/ministry/ws/cert`, username: c.ministry.username, password: c.ministry.password, ...overrides.ministry },
    bigdata: { url: `${url}/bigdata`, appId: c.bigdata.appId, appSecret: c.bigdata.appSecret, ...overrides.bigdata },
    police: cities.map((city) => ({ city, url: `${url}/police/${city}`, clientId: c.police.clientId, clientSecret: c.police.clientSecret, ...overrides.police })),
    civil: { inboxDir: path.join(civilDir, 'inbox'), outboxDir: path.join(civilDir, 'outbox'), ...overrides.civil },
    health: { url: `${url}/health`, apiKey: c.health.apiKey, ...overrides.health },
  };
}
