// WS-Security 1.0 UsernameToken with PasswordDigest (OASIS UsernameToken Profile 1.0):
//   digest = Base64(SHA-1(nonce bytes + Created + password))
// Own implementation rather than soap's WSSecurity so the nonce and clock are injectable and
// the digest is checked against the test vector of sources.md. A new nonce and Created go
// into every call: the ministry refuses a nonce seen in the last 10 minutes.
import crypto from 'node:crypto';

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

/** Base64(SHA-1(nonce + created + password)). */
export function passwordDigest(nonce: Uint8Array, created: string, password: string): string {
  return crypto
    .createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

/** `2026-11-28T02:00:00Z`: ISO 8601 UTC without milliseconds, as the profile examples write it. */
export function createdTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export interface UsernameTokenOptions {
  /** clock for Created; default Date.now */
  now?: () => number;
  /** nonce bytes; default 16 random bytes */
  nonce?: () => Uint8Array;
}

/** The `<wsse:Security>` header of one call. */
export function usernameTokenXml(username: string, password: string, nonce: Uint8Array, created: string): string {
  return (
    `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}" soap:mustUnderstand="1">` +
    '<wsse:UsernameToken>' +
    `<wsse:Username>${xmlEscape(username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${passwordDigest(nonce, created, password)}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${Buffer.from(nonce).toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    '</wsse:UsernameToken>' +
    '</wsse:Security>'
  );
}

/** A soap ISecurity: `toXML()` runs once per request, so each call gets a fresh token. */
export class UsernameTokenDigestSecurity {
  private readonly username: string;
  private readonly password: string;
  private readonly now: () => number;
  private readonly nonce: () => Uint8Array;

  constructor(username: string, password: string, options: UsernameTokenOptions = {}) {
    this.username = username;
    this.password = password;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce ?? (() => crypto.randomBytes(16));
  }

  toXML(): string {
    return usernameTokenXml(this.username, this.password, this.nonce(), createdTimestamp(this.now()));
  }
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
