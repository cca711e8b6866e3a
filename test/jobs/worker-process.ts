// `lifecert worker` as a child process, the way operators start it: the test hears its events
// over IPC (the same objects it prints as JSON lines), can wait for one, and can stop it with
// SIGTERM or kill it with SIGKILL.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { WorkerEvent } from '../../jobs/index.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/lifecert.js');

export interface WorkerProcess {
  readonly pid: number;
  readonly events: WorkerEvent[];
  /** resolves with the first event (already heard or to come) that matches */
  waitFor(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  /** resolves when the process has exited */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  hasExited(): boolean;
  /** the last lines it wrote to stderr (for failure messages) */
  stderr(): string;
}

/** Forks `lifecert worker ARGS` in `cwd` with `env`; resolves once it reported `ready`. */
export async function spawnWorker(options: { env: NodeJS.ProcessEnv; cwd: string; args?: string[]; readyTimeoutMs?: number }): Promise<WorkerProcess> {
  const child: ChildProcess = fork(BIN, ['worker', ...(options.args ?? [])], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execPath: process.execPath,
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString('utf8')).slice(-4000);
  });
  const events: WorkerEvent[] = [];
  const waiters = new Set<{ match: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }>();
  child.on('message', (m: unknown) => {
    const e = m as WorkerEvent;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  });
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }),
  );
  const handle: WorkerProcess = {
    pid: child.pid ?? -1,
    events,
    exited,
    kill: (signal) => void child.kill(signal),
    hasExited: () => gone,
    stderr: () => err,
    waitFor(match, timeoutMs = 120_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<WorkerEvent>((resolve, reject) => {
        const entry = {
          match,
          resolve: (e: WorkerEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(entry);
          reject(new Error(`worker ${child.pid}: the awaited event did not come within ${timeoutMs} ms\n${err}`));
        }, timeoutMs);
        waiters.add(entry);
        void exited.then(({ code, signal }) => {
          if (!waiters.has(entry)) return;
          waiters.delete(entry);
          clearTimeout(timer);
          reject(new Error(`worker ${child.pid} exited (code ${code}, signal ${signal}) before the awaited event\n${err}`));
        });
      });
    },
  };
  await handle.waitFor((e) => e.type === 'ready', options.readyTimeoutMs ?? 120_000);
  return handle;
}

/** SIGTERM and wait; SIGKILL if it has not exited within `graceMs`. */
export async function stopWorker(w: WorkerProcess | undefined, graceMs = 60_000): Promise<void> {
  if (!w || w.hasExited()) return;
  w.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exited = await Promise.race([w.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!exited) {
    w.kill('SIGKILL');
    await w.exited;
  }
}
