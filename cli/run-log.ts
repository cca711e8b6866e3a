// The log of one run of `lifecert run` or `lifecert demo`: its start, each step with what it
// did and how long it took, and its end — or the code it failed with. The pulls inside a run
// log themselves (pipeline/ingest.ts), with the run's id.
import { describeError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';

export interface RunLog {
  /** the logger of this run: every line carries the run's bindings */
  readonly log: Logger;
  /** run `fn` as a named step; `summary` turns its value into the fields of the step's end line */
  step<T>(name: string, fn: () => Promise<T>, summary?: (value: T) => Record<string, unknown>): Promise<T>;
  /** fields every later line carries (the run id once it is known) */
  bind(fields: Record<string, unknown>): void;
  end(fields?: Record<string, unknown>): void;
  /** the run failed: logs the error with its code; the caller rethrows */
  fail(err: unknown): void;
}

export function startRun(logger: Logger, fields: Record<string, unknown>, now: () => number = Date.now): RunLog {
  const started = now();
  let log = logger;
  log.info({ event: 'run.start', ...fields }, `${String(fields.command ?? 'run')} started`);
  return {
    get log() {
      return log;
    },
    bind(more) {
      log = log.child(more);
    },
    async step(name, fn, summary) {
      const stepStarted = now();
      log.info({ event: 'run.step', step: name, status: 'started' }, `step ${name} started`);
      let value;
      try {
        value = await fn();
      } catch (err) {
        // the error itself is logged once, with the run's failure
        log.error({ event: 'run.step', step: name, status: 'failed', code: describeError(err, 'LIFECERT_CLI_UNEXPECTED').code, ms: now() - stepStarted }, `step ${name} failed`);
        throw err;
      }
      log.info({ event: 'run.step', step: name, status: 'done', ms: now() - stepStarted, ...summary?.(value) }, `step ${name} done`);
      return value;
    },
    end(more = {}) {
      log.info({ event: 'run.end', status: 'succeeded', ms: now() - started, ...more }, `${String(fields.command ?? 'run')} succeeded`);
    },
    fail(err) {
      const { code, message } = describeError(err, 'LIFECERT_CLI_UNEXPECTED');
      log.error({ event: 'run.end', status: 'failed', code, ms: now() - started, err }, `${String(fields.command ?? 'run')} failed: ${code}: ${message}`);
    },
  };
}
