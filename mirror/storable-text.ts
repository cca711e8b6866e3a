// What a text column can hold. PostgreSQL text refuses U+0000 ("invalid byte sequence for
// encoding UTF8: 0x00") and the drivers turn an unpaired surrogate into U+FFFD on the way in,
// so a value the mirror keys by (a record id) would come back different from the one sent. A
// source may send both (normalization.md "Hostile input"): text columns get them as U+FFFD, the
// same on both stores, and the raw record keeps them (json stores its escapes as written) as
// does the raw page (bytea, the bytes received).

/** `value` as a text column stores it: U+0000 and unpaired surrogates as U+FFFD. */
export function storableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

/** The same for a nullable column. */
export function storableTextOrNull(value: string | null): string | null {
  return value === null ? null : storableText(value);
}
