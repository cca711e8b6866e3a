// A roster entry or option the rules cannot be applied to. Thrown rather than guessed at:
// a wrong eligibility decision costs a pensioner money or the fund an overpayment.

export class MatchInputError extends Error {
  override readonly name = 'MatchInputError';
  /** the offending field (`period`, `asOf`, `suspendedSince`, ...) */
  readonly field: string;
  /** the roster entry's identity number, when the problem lies in an entry */
  readonly personId: string | null;

  constructor(field: string, message: string, personId: string | null = null) {
    super(personId === null ? `${field}: ${message}` : `roster entry ${maskId(personId)}: ${field}: ${message}`);
    this.field = field;
    this.personId = personId;
  }
}

// Identity numbers are personal information (workflow.md "Privacy"): messages end up in logs.
function maskId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '***';
}
