// Typed errors of the mirror store, each with a stable `name` and `code` so that callers
// (CLI, jobs, gateway) can tell a configuration problem from a bug without reading messages.

export type MirrorErrorCode =
  /** the embedded data folder is held by another process (lock file present and its owner alive) */
  | 'MIRROR_DATA_DIR_LOCKED'
  /** DATABASE_URL / data folder missing or unusable */
  | 'MIRROR_CONFIG_INVALID'
  /** an applied migration file was edited afterwards: the schema no longer matches the files */
  | 'MIRROR_MIGRATION_CHANGED'
  /** a migration failed; nothing of that migrate() call was applied */
  | 'MIRROR_MIGRATION_FAILED'
  /** a table or column name that is not a plain SQL identifier */
  | 'MIRROR_IDENTIFIER_INVALID'
  /** a value that the store refuses (roster entry, page) before touching the database */
  | 'MIRROR_INPUT_INVALID'
  /** the database was used after close() */
  | 'MIRROR_CLOSED';

export class MirrorError extends Error {
  override readonly name: string = 'MirrorError';
  readonly code: MirrorErrorCode;

  constructor(code: MirrorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
