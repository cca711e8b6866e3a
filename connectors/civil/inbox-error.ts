import { ConnectorError } from '../kit/errors/connector-error.ts';

/** Civil inbox files that were left unread (bad header, unparseable CSV); the other files were read. */
export class CivilInboxError extends ConnectorError {
  override readonly name: string = 'CivilInboxError';
  /** the files left unread */
  readonly files: readonly string[];

  constructor(code: 'LIFECERT_CIVIL_HEADER_MISMATCH' | 'LIFECERT_CIVIL_CSV_MALFORMED', message: string, files: readonly string[]) {
    super(code, message);
    this.files = files;
  }
}
