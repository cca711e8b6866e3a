// One `lifecert demo` for bench/demo.ts, in a process of its own so that its peak memory is
// the demo's alone: runDemo on the given world and mirror, then the summary over IPC. With
// `floor`, only what any run pays before its first record: open a fresh mirror and migrate it
// (PGlite: a copy of the cached initialised + migrated template, as the demo opens it).
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { runDemo } from '../cli/demo.ts';
import { migrate, openDatabase } from '../mirror/index.ts';
import type { DemoRunConfig, DemoRunMessage } from './messages.ts';

function send(message: DemoRunMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

const config = JSON.parse(process.argv[2] ?? '{}') as DemoRunConfig;
async function floor(): Promise<void> {
  const started = performance.now();
  // as the demo opens it: a fresh PGlite folder from the cached template (built before the timing by bench/demo.ts)
  const db = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: path.join(config.out, 'data'), template: true });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await send({ kind: 'floor', seconds: (performance.now() - started) / 1000, peakRssKiB: process.resourceUsage().maxRSS });
}

try {
  if (config.floor) await floor();
  else {
    const summary = await runDemo({
      world: config.worldFile,
      persons: 0,
      seed: '',
      out: config.out,
      databaseUrl: config.databaseUrl,
      progress: false,
      log: (line) => void send({ kind: 'log', line }),
    });
    await send({ kind: 'summary', summary });
  }
} catch (err) {
  await send({ kind: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
}
