// Identity numbers (公民身份号码, GB 11643-1999): valid ones for the roster and outsiders, the
// dirty-but-recoverable forms departments send, and the broken forms normalization rejects.
import type { Rng } from './prng.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export function hasValidCheck(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && checkChar(id.slice(0, 17)) === id[17];
}

/** 18-digit identity number of a county, birth date `YYYY-MM-DD`, sex `1`/`2` and a two-digit serial. */
export function makeIdentity(county: string, birthDate: string, sex: '1' | '2', serial: number, parityDigit: number): string {
  // the 17th digit is odd for men, even for women
  const sexDigit = sex === '1' ? [1, 3, 5, 7, 9][parityDigit % 5] : [0, 2, 4, 6, 8][parityDigit % 5];
  const first17 = `${county}${birthDate.replaceAll('-', '')}${String(serial).padStart(2, '0')}${sexDigit}`;
  return first17 + checkChar(first17);
}

/** The old 15-digit form (no century, no check digit) of an 18-digit id born in the 1900s. */
export function toFifteen(id: string): string | null {
  if (id.slice(6, 8) !== '19') return null;
  return id.slice(0, 6) + id.slice(8, 17);
}

const FULL_WIDTH_OFFSET = 0xff10 - 0x30;

export function fullWidthDigits(s: string): string {
  return s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET));
}

export type IdForm = 'clean' | 'fifteen' | 'lowerX' | 'fullWidth' | 'fullWidthHead' | 'padded' | 'innerSpaces';

/** Forms that normalization turns back into the same 18-digit id. */
export function recoverableForms(id: string): IdForm[] {
  const forms: IdForm[] = ['clean', 'fullWidth', 'fullWidthHead', 'padded', 'innerSpaces'];
  if (toFifteen(id) !== null) forms.push('fifteen');
  if (id.endsWith('X')) forms.push('lowerX');
  return forms;
}

export function writeId(id: string, form: IdForm, rng: Rng): string {
  switch (form) {
    case 'clean':
      return id;
    case 'fifteen':
      return toFifteen(id) ?? id;
    case 'lowerX':
      return id.replace(/X$/, 'x');
    case 'fullWidth': {
      const body = fullWidthDigits(id.slice(0, 17));
      const last = id[17] === 'X' ? rng.pick(['Ｘ', 'ｘ']) : fullWidthDigits(id[17]);
      return body + last;
    }
    case 'fullWidthHead':
      return fullWidthDigits(id.slice(0, 6)) + id.slice(6);
    case 'padded':
      return rng.pick([' ', '  ', '\t']) + id + rng.pick([' ', '  ', '']);
    case 'innerSpaces':
      return `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`;
  }
}

/** A recoverable dirty form chosen at random (clean most of the time). */
export function sendId(id: string, rng: Rng, dirtShare: number): string {
  if (!rng.chance(dirtShare)) return id;
  const forms = recoverableForms(id).filter((f) => f !== 'clean');
  return writeId(id, rng.pick(forms), rng);
}

/** A spreadsheet's scientific-notation rendering of an 18-digit id (unrecoverable). */
export function scientific(id: string, rng: Rng): string {
  const mantissa = `${id[0]}.${id.slice(1, 6)}`.replace(/0+$/, '');
  return rng.chance(0.7) ? `${mantissa}E+17` : `${mantissa}e17`;
}

/** The same id with a wrong check character. */
export function wrongCheck(id: string, rng: Rng): string {
  const right = id[17];
  const others = [...CHECK_CHARS].filter((c) => c !== right);
  return id.slice(0, 17) + rng.pick(others);
}
