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

/**
 * Quote a source value for a rejection message, showing white space, emptiness and control
 * characters plainly (JSON escapes); a value past 80 characters is cut, so a megabyte value
 * stays in the raw record and out of the message.
 */
export function quote(value: string): string {
  return value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}… (${value.length} characters)` : JSON.stringify(value);
}

/** A C0 control character other than tab (U+0000–U+0008, U+000A–U+001F). */
const CONTROL = /[\u0000-\u0008\u000A-\u001F]/;
/** The same, every occurrence, and every lone surrogate (a high one not followed by a low one, or a low one not preceded by a high one). */
const UNCARRIABLE = /[\u0000-\u0008\u000A-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * normalization.md "Hostile input": a value holding U+0000, another C0 control character (tab
 * aside) or an unpaired surrogate cannot be read in a field the hub uses. One pass, no backtracking.
 */
export function hasUnreadableCharacter(value: string): boolean {
  return CONTROL.test(value) || !value.isWellFormed();
}

/** An optional field's value with every such character replaced by U+FFFD (so a name holding one counts as empty). */
export function replaceUnreadable(value: string): string {
  return hasUnreadableCharacter(value) ? value.replace(UNCARRIABLE, '\uFFFD') : value;
}
