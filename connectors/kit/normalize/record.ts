// The check sequence every source mapper runs (normalization.md "Order of checks"). A mapper
// reads as the contract does — shape, identity, required fields, dates, codes, scope — and the
// first failing check ends the record: `RecordCheck` methods throw a private Refusal that
// `decide` turns into the rejected / skipped outcome, so no mapper can forget to stop.
import type { EventBody, Normalized, NormalizeContext, RejectionCode, SkipCode } from '../../../schemas/types.ts';
import { normalizeIdentity } from './identity.ts';
import { checkSourceDate, isNoEnd } from './date.ts';
import { lookupCode, type CodeTable } from './codes.ts';
import { hasUnreadableCharacter, isPresent, quote, replaceUnreadable } from './text.ts';

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
  dataset: string;
  /** the fields in published order: the only ones read */
  fields: readonly string[];
  /** the field named when the record is no object at all: the first one the check order reads */
  wholeRecordField: string;
}

/**
 * The fields of a record the hub reads (normalization.md "Hostile input"): only the published
 * fields, only the record's own properties, only string values — a value of another JSON type
 * counts as empty (a required field holding one is REQUIRED_MISSING when its step comes), and
 * a field the contract does not list is never looked at. A record that is not an object at all
 * (a number, a list, null inside a page) is still a record the source sent: it is rejected
 * REQUIRED_MISSING naming `wholeRecordField`. `extract` picks the field object out of the
 * record (civil: its `row`); it returns anything, and anything but an object is no record.
 */
export function readShape(raw: unknown, options: ShapeOptions, extract: (raw: unknown) => unknown): RawFields {
  const holder = isPlainRecord(raw) ? extract(raw) : raw;
  if (!isPlainRecord(holder)) {
    const field = options.wholeRecordField;
    throw new Refusal({
      outcome: 'rejected', reasonCode: 'REQUIRED_MISSING', field, personId: null,
      message: `The record is ${describeJson(holder)}, not an object of fields, so ${field} and every other field are missing.`,
    });
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of options.fields) {
    if (!Object.hasOwn(holder, name)) continue;
    const v = holder[name];
    if (typeof v === 'string') fields[name] = v;
  }
  return fields;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

  /** The field as sent ('' when absent or not a string). */
  value(field: string): string {
    return Object.hasOwn(this.fields, field) ? this.fields[field] : '';
  }

  /** An optional field as carried: control characters and lone surrogates become U+FFFD. */
  optional(field: string): string {
    return replaceUnreadable(this.value(field));
  }

  present(field: string): boolean {
    return isPresent(this.value(field));
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

  /**
   * Step 3: the record id must be present and readable: one holding a control character or an
   * unpaired surrogate cannot name the record to its source (REQUIRED_MISSING).
   */
  requireId(field: string): void {
    this.require(field, 'record id');
    if (hasUnreadableCharacter(this.value(field))) {
      this.reject('REQUIRED_MISSING', field, `${field} (record id) holds a control character or an unpaired surrogate, so it cannot name the record.`);
    }
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
    const value = this.value(field);
    // a control character is no white space to trim away: `1\n` is no code
    const found = hasUnreadableCharacter(value) ? null : lookupCode(table, value);
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

  /**
   * Step 4: an end date, which may lie in the future; undefined when empty or the sources'
   * "no end" (9999-12-31 in any accepted form, with or without a time).
   */
  endDate(field: string, meaning: string): string | undefined {
    if (!this.present(field) || isNoEnd(this.value(field))) return undefined;
    return this.date(field, meaning, true);
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
