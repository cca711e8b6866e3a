// The check sequence every source mapper runs (normalization.md "Order of checks"). A mapper
// reads as the contract does — shape, identity, required fields, dates, codes, scope — and the
// first failing check ends the record: `RecordCheck` methods throw a private Refusal that
// `decide` turns into the rejected / skipped outcome, so no mapper can forget to stop.
import type { EventBody, Normalized, NormalizeContext, RejectionCode, SkipCode } from '../../../schemas/types.ts';
import type { RawSchema } from '../../../schemas/index.ts';
import { normalizeIdentity } from './identity.ts';
import { checkSourceDate } from './date.ts';
import { lookupCode, type CodeTable } from './codes.ts';
import { isPresent, quote } from './text.ts';

class Refusal {
  readonly outcome: Normalized;
  constructor(outcome: Normalized) {
    this.outcome = outcome;
  }
}

/** Run a mapper body; a check that failed ends it with its rejection or skip. */
export function decide(body: () => EventBody): Normalized {
  try {
    return { outcome: 'staged', event: body() };
  } catch (e) {
    if (e instanceof Refusal) return e.outcome;
    throw e;
  }
}

/** Source fields after the shape check: every present field is a string. */
export type RawFields = Readonly<Record<string, string>>;

export interface ShapeOptions {
  /** the source's raw-record schemas */
  schema: RawSchema;
  dataset: string;
  /** the fields in published order (a shape error is named by the earliest) */
  fields: readonly string[];
  /** the field named when the record is no object at all: the first one the check order reads */
  wholeRecordField: string;
}

/**
 * A record is read only if it has the published shape (an object of string fields). One that
 * has not is still a record the source sent: it is rejected REQUIRED_MISSING — the field the
 * contract promises as a string cannot be read — naming the earliest offending field, or
 * `wholeRecordField` when the record is not an object at all. `extract` picks the field object
 * out of a valid record (civil: its `row`).
 */
export function readShape(raw: unknown, options: ShapeOptions, extract: (raw: unknown) => RawFields): RawFields {
  const errors = options.schema.validate(options.dataset, raw);
  if (errors.length === 0) return extract(raw);
  const rank = (field: string | null): number => {
    if (field === null) return -1;
    const i = options.fields.indexOf(field);
    return i === -1 ? options.fields.length : i;
  };
  const first = [...errors].sort((a, b) => rank(a.field) - rank(b.field))[0];
  const field = first.field ?? options.wholeRecordField;
  let message: string;
  if (first.field !== null) {
    message = `${field} holds ${describeJson(valueAt(raw, first.path))} where the interface publishes a string, so the field cannot be read.`;
  } else if (first.path === '') {
    message = `The record is ${describeJson(raw)}, not an object of fields, so ${field} and every other field are missing.`;
  } else {
    message = `The record is malformed (${first.message}), so ${field} and every other field cannot be read.`;
  }
  throw new Refusal({ outcome: 'rejected', reasonCode: 'REQUIRED_MISSING', field, message, personId: null });
}

function valueAt(raw: unknown, pointer: string): unknown {
  let v: unknown = raw;
  for (const token of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  // The value itself is left out: it may be an identity number, and the message travels further than the raw record.
  return `a ${typeof v}`;
}

/** A table's codes for a message; numeric codes in their natural order (JS orders `99` before `01`). */
function knownCodes(table: CodeTable<string>): string {
  const codes = Object.keys(table);
  return (codes.every((c) => /^\d+$/.test(c)) ? codes.sort() : codes).join(', ');
}

/** The checks on one record's fields, in the order the mapper calls them. */
export class RecordCheck {
  readonly fields: RawFields;
  readonly asOf: string;
  /** the normalized identity number once step 2 passed */
  personId: string | null = null;

  constructor(fields: RawFields, ctx: NormalizeContext) {
    this.fields = fields;
    this.asOf = ctx.asOf;
  }

  /** The field as sent ('' when absent). */
  value(field: string): string {
    return this.fields[field] ?? '';
  }

  present(field: string): boolean {
    return isPresent(this.fields[field]);
  }

  reject(reasonCode: RejectionCode, field: string, message: string): never {
    throw new Refusal({ outcome: 'rejected', reasonCode, field, message, personId: this.personId });
  }

  skip(reasonCode: SkipCode): never {
    throw new Refusal({ outcome: 'skipped', reasonCode, personId: this.personId });
  }

  /** Step 2: the identity number, normalized to 18 characters. */
  identity(field: string): string {
    const result = normalizeIdentity(this.value(field), this.asOf);
    if (!result.ok) this.reject(result.code, field, `${field} (identity number) ${result.problem}.`);
    this.personId = result.personId;
    return result.personId;
  }

  /** Step 3: a required field must be present. */
  require(field: string, meaning: string, why = 'the record needs it'): void {
    if (!this.present(field)) this.reject('REQUIRED_MISSING', field, `${field} (${meaning}) is empty, but ${why}.`);
  }

  /**
   * Step 3: at least one of several fields must be present; the first present one is returned,
   * and a failure is named by the first field.
   */
  requireOneOf(fields: readonly string[], meaning: string): string {
    const found = fields.find((f) => this.present(f));
    if (found === undefined) {
      const all = fields.length === 2 ? 'both' : 'all';
      this.reject('REQUIRED_MISSING', fields[0], `${fields.join(' and ')} are ${all} empty, but the record needs ${meaning}.`);
    }
    return found;
  }

  /** A required code: empty → REQUIRED_MISSING, unknown → CODE_UNKNOWN (value trimmed first). */
  requiredCode<T extends string>(field: string, table: CodeTable<T>, meaning: string, why?: string): T {
    this.require(field, meaning, why);
    return this.code(field, table, meaning);
  }

  /** A code that is present: unknown → CODE_UNKNOWN (value trimmed before lookup). */
  code<T extends string>(field: string, table: CodeTable<T>, meaning: string): T {
    const found = lookupCode(table, this.fields[field]);
    if (found === null) {
      this.reject(
        'CODE_UNKNOWN',
        field,
        `${field} (${meaning}) holds ${quote(this.value(field))}, which is not a known code (known: ${knownCodes(table)}).`,
      );
    }
    return found;
  }

  /** Step 4: a checked date, as a China date YYYY-MM-DD. */
  date(field: string, meaning: string, futureAllowed = false): string {
    const result = checkSourceDate(this.value(field), { asOf: this.asOf, futureAllowed });
    if (!result.ok) this.reject(result.code, field, `${field} (${meaning}) ${result.problem}.`);
    return result.date;
  }
}

/** A string field of a raw object, '' when the record is no object or the field is absent / not a string. */
export function stringField(raw: unknown, field: string): string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return '';
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}

/** A valid raw record's fields (after readShape accepted it). */
export function asFields(raw: unknown): RawFields {
  return raw as RawFields;
}
