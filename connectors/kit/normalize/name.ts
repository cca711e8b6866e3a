import { replaceUnreadable } from './text.ts';
// Person names (normalization.md "Names"). Names are compared after this, never used as a key.

const WHITE_SPACE = /\s+/g;
/** Full-width Latin letters U+FF21–FF3A and U+FF41–FF5A. */
const FULL_WIDTH_LATIN = /[Ａ-Ｚａ-ｚ]/g;
const LATIN_LETTER = /\p{Script=Latin}/gu;
/** Separator dots in transliterated names (阿依古丽·吐尔逊) as different systems write them. */
const SEPARATOR_DOTS = /[•・．‧･]/g;
/**
 * A character lost in transcoding: `?` / `？` written by a GBK encoder, U+FFFD by a decoder, or
 * a private-use code point (a rare character the sender's font mapped privately).
 */
const UNREADABLE = /[?？\uFFFD\p{Co}]/u;

/** Normalized name, '' when the name is empty or holds a character that could not be carried. */
export function normalizeName(value: string): string {
  // a control character or a lone surrogate is no part of a name (normalization.md "Hostile input"): U+FFFD, so the name counts as empty
  const name = replaceUnreadable(value)
    .replace(WHITE_SPACE, '')
    .replace(FULL_WIDTH_LATIN, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(LATIN_LETTER, (c) => c.toUpperCase())
    .replace(SEPARATOR_DOTS, '·');
  return UNREADABLE.test(name) ? '' : name;
}
