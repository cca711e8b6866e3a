// Masking of personal information (workflow.md "Privacy"): the report is read by a department
// head, so identity numbers show as `440106********123X` and names as `张*`.

/**
 * Mask an identity number, keeping the first 6 (the county of issue) and the last 4 characters:
 * `440106194105160216` → `440106********0216`. Raw values that are not 18 characters long are
 * masked the same way when long enough; a value too short for that keeps only its first character.
 */
export function maskPersonId(value: string): string {
  const chars = Array.from(value.trim());
  const n = chars.length;
  if (n === 0) return '';
  if (n >= 11) return chars.slice(0, 6).join('') + '*'.repeat(n - 10) + chars.slice(n - 4).join('');
  return chars[0] + '*'.repeat(n - 1);
}

/**
 * Mask a name, keeping its first character (the family name) and one `*` per further character,
 * at most three: `张三` → `张*`, `欧阳娜娜` → `欧***`. A one-character value shows as `*`.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

// 15- or 18-character identity numbers (the 18th may be X) not embedded in a longer digit run.
const IDENTITY_IN_TEXT = /(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])/g;

/**
 * Mask every identity number found in free text (messages, record and case ids), plus the
 * given raw values wherever they occur: a source message or id must not carry a full number
 * onto the page.
 */
export function maskIdentityNumbersIn(text: string, rawValues: readonly string[] = []): string {
  let out = text;
  for (const raw of rawValues) {
    const v = raw.trim();
    if (v.length >= 11) out = out.split(v).join(maskPersonId(v));
  }
  return out.replace(IDENTITY_IN_TEXT, (id) => maskPersonId(id));
}
