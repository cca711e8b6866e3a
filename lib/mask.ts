// Masking of personal information and secrets (workflow.md "Privacy"): the report is read by a
// department head, logs and error messages by operators, so identity numbers show as
// `440106********123X`, names as `张*` and secrets not at all. The report, the logs
// (lib/log.ts) and the command line's error lines all mask here.

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

// ---------------------------------------------------------------------------------------------
// Log lines, error messages and anything else an operator reads: masked by the field a value
// sits in (the identity and name fields of every source, secret settings and headers) and, in
// free text, by what it looks like (an identity number, a name or secret quoted as JSON or XML,
// a bearer token, a secret query parameter). A name in running prose cannot be recognized:
// callers put names in fields, never into messages.

export const REDACTED = '[Redacted]';

// keys compared lower-case without `-` and `_`
const SECRET_KEYS = new Set(['password', 'passwd', 'secret', 'apikey', 'xapikey', 'token', 'accesstoken', 'refreshtoken', 'authorization', 'proxyauthorization', 'cookie', 'setcookie', 'xsignature', 'signature', 'nonce', 'xnonce']);
/** the identity-number fields of the hub and of every source (sources.md) */
const IDENTITY_KEYS = new Set(['personid', 'rawpersonid', 'reportedpersonid', 'aac002', 'gmsfhm', 'sfzh', '身份证号码', 'idnumber']);
/** the name fields of the hub and of every source */
const NAME_KEYS = new Set(['name', 'personname', 'aac003', 'xm', '逝者姓名', '姓名']);

const keyOf = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

function isSecretKey(key: string): boolean {
  const k = keyOf(key);
  return SECRET_KEYS.has(k) || k.endsWith('secret') || k.endsWith('password');
}

const NAME_KEY_PATTERN = 'name|personName|aac003|xm|XM|逝者姓名|姓名';
const SECRET_KEY_PATTERN = 'password|passwd|appSecret|app_secret|clientSecret|client_secret|apiKey|api_key|x-api-key|token|access_token|refresh_token';
const TEXT_RULES: ReadonlyArray<[RegExp, (...groups: string[]) => string]> = [
  // a name quoted as JSON (`"xm":"张三"`) or as XML (`<aac003>张三</aac003>`) in a message or body
  [new RegExp(`("(?:${NAME_KEY_PATTERN})"\\s*:\\s*")([^"\\\\]*)(")`, 'g'), (_m, a, v, b) => `${a}${maskName(v)}${b}`],
  [new RegExp(`(<(?:\\w+:)?(?:${NAME_KEY_PATTERN})>)([^<]*)(</)`, 'g'), (_m, a, v, b) => `${a}${maskName(v)}${b}`],
  // secrets as JSON, as a query or form parameter, as an Authorization value, as a WS-Security element
  [new RegExp(`("(?:${SECRET_KEY_PATTERN})"\\s*:\\s*")([^"\\\\]*)(")`, 'gi'), (_m, a, _v, b) => `${a}${REDACTED}${b}`],
  [new RegExp(`\\b((?:${SECRET_KEY_PATTERN})=)([^&\\s"']+)`, 'gi'), (_m, a) => `${a}${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, (_m, scheme) => `${scheme} ${REDACTED}`],
  [/(<(?:\w+:)?(?:Password|Nonce)\b[^>]*>)([^<]*)(<\/)/g, (_m, a, _v, b) => `${a}${REDACTED}${b}`],
];

/** Free text with identity numbers, quoted names and quoted secrets masked. */
export function maskText(text: string): string {
  let out = maskIdentityNumbersIn(text);
  for (const [pattern, replace] of TEXT_RULES) out = out.replace(pattern, replace as (...args: string[]) => string);
  return out;
}

/** A value with every secret, identity number and name masked, at any depth. */
export function maskValue(value: unknown, key?: string): unknown {
  if (key !== undefined && isSecretKey(key) && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') {
    if (key !== undefined && IDENTITY_KEYS.has(keyOf(key))) return maskPersonId(value);
    if (key !== undefined && NAME_KEYS.has(keyOf(key))) return maskName(value);
    return maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskValue(v, k);
    return out;
  }
  return value;
}
