// Text helpers shared by the normalization primitives (normalization.md).

/**
 * A value is present when non-empty after trimming white space. String.prototype.trim strips
 * every Unicode space separator, so the ideographic space U+3000 that GBK sources pad with
 * is covered too.
 */
export function isPresent(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Trimmed value, '' for an absent field. */
export function trimmed(value: string | undefined): string {
  return value === undefined ? '' : value.trim();
}

const FULL_WIDTH_DIGIT = /[０-９]/g;

/** Full-width digits (U+FF10–U+FF19, common in Chinese office files) to ASCII digits. */
export function halfWidthDigits(value: string): string {
  return value.replace(FULL_WIDTH_DIGIT, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Quote a source value for a rejection message, showing white space and emptiness plainly. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
