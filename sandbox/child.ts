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

/** Start `lifecert sandbox --world FILE --port 0` and resolve once it listens. */
export function spawnSandbox(options: { worldFile: string; civilDir: string; port?: number; timeoutMs?: number }): Promise<SandboxProcess> {
  const args = ['sandbox', '--world', options.worldFile, '--port', String(options.port ?? 0), '--civil-dir', options.civilDir];
  const child: ChildProcess = fork(BIN, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execPath: process.execPath });
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
