// Citizen identity number (公民身份号码, GB 11643-1999), normalization.md "Identity number".
import type { RejectionCode } from '../../../schemas/types.ts';
import { halfWidthDigits, hasUnreadableCharacter } from './text.ts';
import { isCalendarDate } from './date.ts';

export type IdentityRejection = Extract<
  RejectionCode,
  'REQUIRED_MISSING' | 'ID_SCIENTIFIC_NOTATION' | 'ID_FORMAT' | 'ID_CHECKSUM' | 'ID_BIRTHDATE' | 'ID_REGION'
>;

export type IdentityResult =
  | { ok: true; personId: string }
  | { ok: false; code: IdentityRejection; /** the problem, without the number itself */ problem: string };

/** ISO 7064 MOD 11-2 weights over the first 17 digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character indexed by the weighted sum mod 11. */
const CHECK_CHARS = '10X98765432';

/**
 * Province-level administrative division codes (GB/T 2260 first two digits): 11–15, 21–23,
 * 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81–83 (Hong Kong, Macau, and 83 for Taiwan residents'
 * permits).
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...range(11, 15), ...range(21, 23), ...range(31, 37), ...range(41, 46),
  ...range(50, 54), ...range(61, 65), '71', ...range(81, 83),
]);

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(String(n));
  return out;
}

/** Oldest birth date a living pension recipient's number can plausibly carry. */
export const EARLIEST_BIRTH_DATE = '1880-01-01';

/** normalization.md "Hostile input": a number longer than this after step 1 is ID_FORMAT without reading further. */
export const MAX_IDENTITY_LENGTH = 32;
const EIGHTEEN = /^\d{17}[\dX]$/;
const FIFTEEN = /^\d{15}$/;

/**
 * Scientific notation as normalization.md defines it: `<digits>[.<digits>]E[+]<digits>`, either
 * case, ASCII digits (full-width ones were converted by step 1). A single left-to-right scan:
 * a pattern with nested repetition backtracked quadratically on a long run of digits.
 */
export function isScientificNotation(text: string): boolean {
  let i = 0;
  const n = text.length;
  const digits = (): number => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    return i - start;
  };
  if (digits() === 0) return false;
  if (text[i] === '.') {
    i++;
    if (digits() === 0) return false;
  }
  if (text[i] !== 'E' && text[i] !== 'e') return false;
  i++;
  if (text[i] === '+') i++;
  if (digits() === 0) return false;
  return i === n;
}

/**
 * Step 1: trim, full-width digits and Ｘ/ｘ to half-width, x upper-cased, inner white space
 * removed (a number copied from a form often arrives as `440105 19471102 025X`).
 */
export function cleanIdentityText(value: string): string {
  return halfWidthDigits(value)
    .replace(/[Ｘｘx]/g, 'X')
    .replace(/\s+/g, '');
}

/** The GB 11643 check character for 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** Old 15-digit number (two-digit birth year, no check character) to the 18-digit form. */
export function upgradeFifteen(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + checkCharacter(first17);
}

export function isProvinceCode(firstTwo: string): boolean {
  return PROVINCE_CODES.has(firstTwo);
}

/**
 * Normalize an identity number as a source sent it, checking format, check character, birth
 * date (a real date from 1880-01-01 up to `asOf`) and province code, in that order.
 * The county code's history is deliberately not checked: sources carry numbers issued under
 * county codes that were later renamed or merged, and those are still the person's number.
 */
export function normalizeIdentity(value: string, asOf: string): IdentityResult {
  if (hasUnreadableCharacter(value)) {
    return { ok: false, code: 'ID_FORMAT', problem: 'holds a control character or an unpaired surrogate, which no identity number holds' };
  }
  const text = cleanIdentityText(value);
  if (text === '') return { ok: false, code: 'REQUIRED_MISSING', problem: 'is empty, but every record needs one' };
  if (text.length > MAX_IDENTITY_LENGTH) {
    return { ok: false, code: 'ID_FORMAT', problem: `is ${text.length} characters long, far beyond the 18 (or 15) of a number` };
  }
  if (isScientificNotation(text)) {
    return {
      ok: false,
      code: 'ID_SCIENTIFIC_NOTATION',
      problem: `holds ${text}, a number a spreadsheet turned into scientific notation; the lost digits cannot be recovered`,
    };
  }
  const id = FIFTEEN.test(text) ? upgradeFifteen(text) : text;
  if (!EIGHTEEN.test(id)) {
    return {
      ok: false,
      code: 'ID_FORMAT',
      problem: /^[\dX]*$/.test(text.slice(0, -1)) && !text.slice(0, -1).includes('X')
        ? `has ${[...text].length} characters, but a number has 18 (17 digits and a digit or X) or, in the old form, 15 digits`
        : `holds a character other than a digit (or a final X), but a number is 17 digits and a digit or X, or 15 digits`,
    };
  }
  const expected = checkCharacter(id.slice(0, 17));
  if (id[17] !== expected) {
    return {
      ok: false,
      code: 'ID_CHECKSUM',
      problem: `ends in check character ${id[17]}, but its first 17 digits give ${expected} (ISO 7064 MOD 11-2)`,
    };
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isCalendarDate(y, m, d)) {
    return { ok: false, code: 'ID_BIRTHDATE', problem: `carries the birth date ${id.slice(6, 14)}, which is not a calendar date` };
  }
  if (birth < EARLIEST_BIRTH_DATE || birth > asOf) {
    return {
      ok: false,
      code: 'ID_BIRTHDATE',
      problem: `carries the birth date ${birth}, outside ${EARLIEST_BIRTH_DATE} to the as-of date ${asOf}`,
    };
  }
  if (!isProvinceCode(id.slice(0, 2))) {
    return { ok: false, code: 'ID_REGION', problem: `starts with ${id.slice(0, 2)}, which is not a province-level region code` };
  }
  return { ok: true, personId: id };
}
