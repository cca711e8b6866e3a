// What the benchmarks share: cleanup on the way out (also on Ctrl-C) and the machine line.
import os from 'node:os';

/** Cleanup steps, run last-in first-out on the way out (also on Ctrl-C). */
export class Teardown {
  private readonly steps: Array<{ what: string; run: () => Promise<void> | void }> = [];
  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }
  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (err) {
        process.stderr.write(`cleanup: ${step.what} failed: ${(err as Error).message}\n`);
      }
    }
  }
}

export function environment(): string {
  const cpus = os.cpus();
  return `node ${process.version} on ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM`;
}
