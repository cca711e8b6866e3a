// Typed errors of the mirror store, each with a stable `name` and a registry code
// (lib/errors.ts) so that callers (CLI, jobs, gateway) can tell a configuration problem from
// a bug without reading messages.
import { LifecertError } from '../lib/errors.ts';
import type { CodeOf } from '../lib/errors.ts';

export type MirrorErrorCode = CodeOf<'MIRROR'>;

export class MirrorError extends LifecertError {
  override readonly name: string = 'MirrorError';
  declare readonly code: MirrorErrorCode;

  constructor(code: MirrorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
  }
}
