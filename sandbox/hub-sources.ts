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

/** The variables a hub configured by `sandboxHubConfig` reads the sandbox's credentials from. */
export const SANDBOX_CREDENTIAL_VARIABLES = {
  LIFECERT_MINISTRY_PASSWORD: SANDBOX_CREDENTIALS.ministry.password,
  LIFECERT_BIGDATA_SECRET: SANDBOX_CREDENTIALS.bigdata.appSecret,
  LIFECERT_POLICE_SECRET: SANDBOX_CREDENTIALS.police.clientSecret,
  LIFECERT_HEALTH_API_KEY: SANDBOX_CREDENTIALS.health.apiKey,
} as const;

/**
 * A hub configuration file (lifecert.config.json) whose sources are a sandbox at `url` — the
 * container setup writes it for `serve` and the workers. Credentials only by reference to the
 * variables of SANDBOX_CREDENTIAL_VARIABLES (the file holds no secret); the civil drop relative
 * to the hub's working directory (`civil/inbox`, `civil/outbox`).
 */
export function sandboxHubConfig(url: string, cities: readonly string[]): Record<string, unknown> {
  const c = SANDBOX_CREDENTIALS;
  const base = url.replace(/\/+$/, '');
  return {
    sources: {
      ministry: { url: `${base}/ministry/ws/cert`, username: c.ministry.username, password: { env: 'LIFECERT_MINISTRY_PASSWORD' } },
      bigdata: { url: `${base}/bigdata`, appId: c.bigdata.appId, appSecret: { env: 'LIFECERT_BIGDATA_SECRET' } },
      police: cities.map((city) => ({ city, url: `${base}/police/${city}`, clientId: c.police.clientId, clientSecret: { env: 'LIFECERT_POLICE_SECRET' } })),
      civil: { inboxDir: path.join('civil', 'inbox'), outboxDir: path.join('civil', 'outbox') },
      health: { url: `${base}/health`, apiKey: { env: 'LIFECERT_HEALTH_API_KEY' } },
    },
  };
}
