// Name normalization of normalization.md "Names", so that the roster name and event names
// are compared alike (§2 NAME_MISMATCH: "both normalized"). Names are never a match key.

const SEPARATOR_DOTS = new Set(['•', '・', '．', '‧', '･']);
const WHITE_SPACE = /\s/u;
const LATIN = /\p{Script=Latin}/u;

function isCommonCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || c === 0x00b7;
}

function isUnreadable(cp: number): boolean {
  return (
    cp === 0x3f || // ?
    cp === 0xff1f || // ？
    cp === 0xfffd || // replacement character
    (cp >= 0xe000 && cp <= 0xf8ff) || // private use: a rare character a GBK file could not carry
    (cp >= 0xf0000 && cp <= 0xffffd) ||
    (cp >= 0x100000 && cp <= 0x10fffd)
  );
}

/** The normalized form of a name; '' when empty or unreadable. */
export function normalizeName(raw: string): string {
  // Most names are plain CJK and already normal: skip the per-character rebuild.
  let plain = raw.length > 0;
  for (let i = 0; i < raw.length && plain; i++) plain = isCommonCjk(raw.charCodeAt(i));
  if (plain) return raw;

  let out = '';
  for (const ch of raw) {
    const cp = ch.codePointAt(0) as number;
    if (isUnreadable(cp)) return '';
    if (WHITE_SPACE.test(ch)) continue;
    if (SEPARATOR_DOTS.has(ch)) {
      out += '·';
      continue;
    }
    let c = ch;
    if ((cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) c = String.fromCodePoint(cp - 0xfee0);
    if (LATIN.test(c)) c = c.toUpperCase();
    out += c;
  }
  return out;
}
