// What the built-in sources' conformance harnesses share: eight records per dataset, six of
// them updated by the end of the as-of day and two after it, a sandbox serving just those, and
// nock switched on and off around a fake.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { parseUpdateTime } from '../../../lib/china-time.ts';
import { sandboxSources } from '../../../sandbox/hub-sources.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import { indexWorldFile, type WorldIndex } from '../../../sandbox/world-index.ts';
import type { World } from '../../../sandbox/world.ts';
import type { SourceConfig } from '../../../schemas/config.ts';

export const ASOF = '2026-11-28';
/** update times in the sources' `YYYY-MM-DD HH:mm:ss` China time, in serving order */
export const TIMES = ['2026-11-01 08:00:00', '2026-11-02 08:00:00', '2026-11-02 09:30:00', '2026-11-05 08:00:00', '2026-11-20 23:00:00', '2026-11-28 23:59:59', '2026-11-29 00:00:00', '2026-12-01 10:00:00'];
export const IDS = TIMES.map((_, i) => `R${i + 1}`);
/** updated by the end of the as-of day */
export const EXPECTED = IDS.slice(0, 6);
/** updated after it */
export const EXCLUDED = IDS.slice(6);
/** retries that do not make a failing check wait */
export const FAST = { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } };

/** The eight records of a dataset, built from (id, update time), in update order. */
export function rowsOf<T>(make: (id: string, time: string) => T, timeOf: (row: T) => string): T[] {
  return IDS.map((id, i) => make(id, TIMES[i])).sort((a, b) => parseUpdateTime(timeOf(a)) - parseUpdateTime(timeOf(b)));
}

/** Real sockets closed except to 127.0.0.1 (the unreachable address must fail for real). */
export function netSetup(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

export function netCleanup(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

export interface RunningSimulator {
  /** the sources section the sandbox gives the hub (sandbox/hub-sources.ts) */
  sources: Readonly<Record<string, SourceConfig | readonly SourceConfig[]>>;
  civilDir: string;
  close(): Promise<void>;
}

/** The sandbox serving a world that holds only `sources`, on a free port, with its own civil folder. */
export async function startSimulator(sources: World['sources']): Promise<RunningSimulator> {
  const civilDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-conformance-'));
  const world: World = { worldVersion: 1, period: ASOF.slice(0, 7), asOf: ASOF, roster: [], sources };
  // LIFECERT_SANDBOX_FROM_FILE=1: the world written to a file and served from its index on disk
  let index: WorldIndex | undefined;
  if (process.env.LIFECERT_SANDBOX_FROM_FILE === '1') {
    const file = path.join(civilDir, 'world.json');
    fs.writeFileSync(file, JSON.stringify(world));
    index = indexWorldFile(file);
  }
  const sandbox = await startSandbox({ world: index ?? world, civilDir });
  return {
    sources: sandboxSources(sandbox.url, civilDir, Object.keys(sources.police ?? {})),
    civilDir,
    async close() {
      await sandbox.close();
      index?.close();
      fs.rmSync(civilDir, { recursive: true, force: true });
    },
  };
}

/** One source's entry of the sandbox's sources section (the first city's for police), with `extra` (fast retries). */
export function entryOf(simulator: RunningSimulator, source: string, extra: SourceConfig = FAST): SourceConfig {
  const entry = simulator.sources[source];
  const one = Array.isArray(entry) ? entry[0] : entry;
  if (!one) throw new Error(`the sandbox gives no configuration for ${source}`);
  return { ...(one as SourceConfig), ...extra };
}
