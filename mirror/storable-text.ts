import crypto from 'node:crypto';

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

/** Record ids longer than this (UTF-8 bytes) are stored in a digest form. */
export const MAX_STORED_RECORD_ID_BYTES = 512;

/**
 * A record id as the mirror keys it: storableText, and — for an id longer than 512 UTF-8 bytes,
 * which no source means but any may send — its first 128 characters, `…#` and the sha-256 of
 * the whole id. PostgreSQL's btree indexes (the unique key of a version, the current version,
 * rejections and feedback items by record) refuse a row past 2,704 bytes; the digest keeps two
 * long ids apart, and the raw record keeps the id as sent.
 */
export function storableRecordId(recordId: string): string {
  const text = storableText(recordId);
  if (text.length * 3 <= MAX_STORED_RECORD_ID_BYTES || Buffer.byteLength(text, 'utf8') <= MAX_STORED_RECORD_ID_BYTES) return text;
  const digest = crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  return `${text.slice(0, 128).toWellFormed()}…#${digest}`;
}
