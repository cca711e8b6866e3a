// Errors of the queue side, each with a stable `name` and a registry code (lib/errors.ts) that
// gives its kind and the HTTP status the gateway answers with, so a caller never has to read a
// message to route one.
import { LifecertError } from '../lib/errors.ts';
import type { CodeOf } from '../lib/errors.ts';

export type JobsErrorCode = CodeOf<'JOBS'>;

export class JobsError extends LifecertError {
  override readonly name: string = 'JobsError';
  declare readonly code: JobsErrorCode;

  constructor(code: JobsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
  }
}
