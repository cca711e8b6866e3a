// Run the sandbox in its own process. The hub's embedded PGlite blocks the event loop while
// it works (STACK-NOTES), so the demo and the benchmarks never serve simulators from the same
// thread that stages into it.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface SandboxProcess {
  url: string;
  civilDir: string;
  pid: number;
  /** Stop it (SIGTERM) and resolve once it exited, with its peak resident memory when it said so. */
  close(): Promise<SandboxExit>;
}

export interface SandboxExit {
  /** the sandbox process's peak RSS in KiB (process.resourceUsage().maxRSS), null when unknown */
  peakRssKiB: number | null;
}

const BIN = path.resolve(import.meta.dirname, '../bin/lifecert.js');

/** Start `lifecert sandbox --world FILE --port 0` and resolve once it listens (`execArgv`: the node options of its process, e.g. a CPU profile). */
export function spawnSandbox(options: { worldFile: string; civilDir: string; port?: number; timeoutMs?: number; execArgv?: string[] }): Promise<SandboxProcess> {
  const args = ['sandbox', '--world', options.worldFile, '--port', String(options.port ?? 0), '--civil-dir', options.civilDir];
  const child: ChildProcess = fork(BIN, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execPath: process.execPath, ...(options.execArgv ? { execArgv: [...process.execArgv, ...options.execArgv] } : {}) });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  return new Promise<SandboxProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the sandbox did not start within ${options.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (code ${code}) before it listened\n${stderr}`));
    });
    child.once('message', (msg: unknown) => {
      const url = (msg as { url?: unknown }).url;
      if (typeof url !== 'string') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url,
        civilDir: options.civilDir,
        pid: child.pid ?? -1,
        close: () =>
          new Promise<SandboxExit>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done({ peakRssKiB: null });
            let peakRssKiB: number | null = null;
            child.on('message', (m: unknown) => {
              const kib = (m as { peakRssKiB?: unknown }).peakRssKiB;
              if (typeof kib === 'number') peakRssKiB = kib;
            });
            child.once('exit', () => done({ peakRssKiB }));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface GeneratedWorldFiles {
  /** the world file written */
  world: string;
  /** the generator's expectation beside it */
  expected: string;
  /** the generator process's peak RSS in KiB (process.resourceUsage().maxRSS), null when unknown */
  peakRssKiB: number | null;
}

/**
 * Run `lifecert sandbox generate --persons N --seed S --out FILE` in a process of its own (every
 * fault on unless `faults: false`), so that the whole generated world is never held by the
 * caller: it reads back only what it needs of the file. Resolves once the files are written.
 */
export function generateWorldInChild(options: { persons: number; seed: string; out: string; faults?: boolean; timeoutMs?: number }): Promise<GeneratedWorldFiles> {
  const args = ['sandbox', 'generate', '--persons', String(options.persons), '--seed', options.seed, '--out', options.out];
  if (options.faults === false) args.push('--no-faults');
  const child: ChildProcess = fork(BIN, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execPath: process.execPath });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  child.stdout?.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-4000);
  });
  let peakRssKiB: number | null = null;
  let files: { world: string; expected: string } | null = null;
  child.on('message', (m: unknown) => {
    const msg = m as { peakRssKiB?: unknown; world?: unknown; expected?: unknown };
    if (typeof msg.peakRssKiB === 'number') peakRssKiB = msg.peakRssKiB;
    if (typeof msg.world === 'string' && typeof msg.expected === 'string') files = { world: msg.world, expected: msg.expected };
  });
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  return new Promise<GeneratedWorldFiles>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the world generator did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || files === null) return reject(new Error(`the world generator exited with ${signal ?? `code ${code}`}${files === null && code === 0 ? ' without naming its files' : ''}\n${stderr || stdout}`));
      resolve({ ...files, peakRssKiB });
    });
  });
}
