// A roster entry or option the rules cannot be applied to. Thrown rather than guessed at:
// a wrong eligibility decision costs a pensioner money or the fund an overpayment.
import { LifecertError } from '../lib/errors.ts';
import { maskPersonId } from '../lib/mask.ts';

export class MatchInputError extends LifecertError {
  override readonly name: string = 'MatchInputError';
  declare readonly code: 'LIFECERT_MATCH_INPUT_INVALID';
  /** the offending field (`period`, `asOf`, `suspendedSince`, ...) */
  readonly field: string;
  /** the roster entry's identity number, when the problem lies in an entry */
  readonly personId: string | null;

  constructor(field: string, message: string, personId: string | null = null) {
    // identity numbers are personal information (workflow.md "Privacy"): messages end up in logs
    super('LIFECERT_MATCH_INPUT_INVALID', personId === null ? `${field}: ${message}` : `roster entry ${maskPersonId(personId)}: ${field}: ${message}`, { details: { field } });
    this.field = field;
    this.personId = personId;
  }
}
