// CSV text for people and departments (RFC 4180): `lifecert export --format csv` and the
// civil-affairs outbox. Not the COPY encoding of mirror/db.ts, where an unquoted empty field
// means NULL.

/** Quote a CSV field when it holds a separator, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (CRLF-terminated, as RFC 4180 writes it) from already-formatted fields. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
