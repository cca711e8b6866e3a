// What the benchmarks share: cleanup on the way out (also on Ctrl-C) and the machine line.
import os from 'node:os';
import { parseArgs } from 'node:util';

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

/**
 * Parse the options (null: print the usage) and run the benchmark's body with a Teardown that
 * runs on the way out, on Ctrl-C and on SIGTERM; sets the exit code from the body, or 1 with
 * the error (bad options included) on stderr.
 */
export function runBench<O>(name: string, usage: string, parse: () => O | null, body: (options: O, teardown: Teardown) => Promise<number>): void {
  let options: O | null;
  try {
    options = parse();
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === null) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const teardown = new Teardown();
  const interrupted = () => {
    process.stderr.write('\ninterrupted: cleaning up\n');
    void teardown.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  body(options, teardown)
    .finally(() => teardown.runAll())
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
}

export interface BenchOptions<T> {
  /** the world size(s): from the size flag, `--quick`, or the default */
  size: T;
  seed: string;
  /** false with --no-postgres */
  postgres: boolean;
}

/**
 * The options both benchmarks take — a size flag (`--persons N`, `--sizes N,N`), `--seed S`,
 * `--quick`, `--no-postgres`, `--help` — or null for --help. Bad values throw with the flag named.
 */
export function parseBenchOptions<T>(argv: string[], size: { flag: string; quick: T; fallback: T; parse(text: string): T }): BenchOptions<T> | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      [size.flag]: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      'no-postgres': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  const given = values[size.flag];
  if (values.quick && given !== undefined) throw new Error(`--quick already sets --${size.flag}: give one of them, not both`);
  const value = typeof given === 'string' ? size.parse(given) : values.quick ? size.quick : size.fallback;
  return { size: value, seed: typeof values.seed === 'string' ? values.seed : '1', postgres: !values['no-postgres'] };
}

/** A command-line count: a positive whole number, or an error naming the flag. */
export function positiveWhole(text: string, flag: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new Error(`${flag} takes positive whole numbers, got '${text}'`);
  return n;
}
