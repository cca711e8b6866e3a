import assert from 'node:assert/strict';
import { checkUsernameToken } from '../../sandbox/ministry.ts';
import {
  canonicalQuery,
  hmacSignature,
  NonceRegistry,
  parseRfc3986Query,
  passwordDigest,
  QueryDecodeError,
  rfc3986Encode,
  stringToSign,
} from '../../sandbox/signing.ts';
import { DIGEST_TYPE } from './helpers.ts';

describe('sandbox signing (sources.md test vectors)', () => {
  it('builds the canonical query of the big-data vector', () => {
    const pairs = parseRfc3986Query('updatedSince=2026-11-01T00%3A00%3A00%2B08%3A00&limit=2');
    assert.deepEqual(pairs, [
      ['updatedSince', '2026-11-01T00:00:00+08:00'],
      ['limit', '2'],
    ]);
    assert.equal(canonicalQuery(pairs), 'limit=2&updatedSince=2026-11-01T00%3A00%3A00%2B08%3A00');
  });

  it('signs the GET vector', () => {
    const sig = hmacSignature('sandbox-bigdata-secret', {
      method: 'GET',
      path: '/api/v1/datasets/death/records',
      canonicalQuery: 'limit=2&updatedSince=2026-11-01T00%3A00%3A00%2B08%3A00',
      timestamp: '1764518400000',
      nonce: 'k3J9xQ2mP7vL4tZa',
      body: Buffer.alloc(0),
    });
    assert.equal(sig, 'ac44cc614a46c98e55b128dbd9bae695f4be77986aabc5bc7d04693db26da1a3');
  });

  it('signs the POST vector', () => {
    const sig = hmacSignature('sandbox-bigdata-secret', {
      method: 'post',
      path: '/api/v1/feedback',
      canonicalQuery: '',
      timestamp: '1764518400000',
      nonce: 'k3J9xQ2mP7vL4tZa',
      body: Buffer.from('{"items":[]}'),
    });
    assert.equal(sig, 'ad77858ba582d4d41ebc6edf4d773c005ec02adf5a1b57e2d2cbfaef76459af2');
  });

  it('writes the string to sign with an upper-case method and the body hash last', () => {
    const s = stringToSign({ method: 'get', path: '/p', canonicalQuery: 'a=1', timestamp: '1', nonce: 'n', body: Buffer.alloc(0) });
    assert.equal(s, 'GET\n/p\na=1\n1\nn\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('encodes per RFC 3986 with upper-case hex over UTF-8 bytes', () => {
    assert.equal(rfc3986Encode('+08:00'), '%2B08%3A00');
    assert.equal(rfc3986Encode("A-z0.9_~ !*'()"), "A-z0.9_~%20%21%2A%27%28%29");
    assert.equal(rfc3986Encode('广'), '%E5%B9%BF');
  });

  it('decodes a query per RFC 3986 only: + stays a plus', () => {
    assert.deepEqual(parseRfc3986Query('updatedSince=2026-11-01T00:00:00+08:00'), [['updatedSince', '2026-11-01T00:00:00+08:00']]);
    assert.deepEqual(parseRfc3986Query('a%20b=c%2bd&flag'), [
      ['a b', 'c+d'],
      ['flag', ''],
    ]);
    assert.throws(() => parseRfc3986Query('a=%E5%B9'), QueryDecodeError);
  });

  it('sorts by encoded name, then encoded value, in byte order', () => {
    const q = canonicalQuery([
      ['b', '2'],
      ['a', 'z'],
      ['a', 'B'],
      ['A', '1'],
      ['a', '+'],
    ]);
    // '%' (0x25) < 'B' (0x42) < 'z'; upper-case names before lower-case
    assert.equal(q, 'A=1&a=%2B&a=B&a=z&b=2');
    assert.equal(canonicalQuery([]), '');
  });

  it('computes the ministry PasswordDigest vector', () => {
    const nonce = Buffer.from('AAECAwQFBgcICQoLDA0ODw==', 'base64');
    assert.deepEqual([...nonce], [...Array(16).keys()]);
    assert.equal(passwordDigest(nonce, '2026-11-28T02:00:00Z', 'sandbox-ministry-password'), '0nin8Qdw/4s045oQnLwDpSgwyeo=');
  });

  it('accepts the vector token at its Created time and refuses its replay', () => {
    const token = {
      UsernameToken: {
        Username: 'lifecert',
        Password: { attributes: { Type: DIGEST_TYPE }, $value: '0nin8Qdw/4s045oQnLwDpSgwyeo=' },
        Nonce: { attributes: {}, $value: 'AAECAwQFBgcICQoLDA0ODw==' },
        Created: '2026-11-28T02:00:00Z',
      },
    };
    const nonces = new NonceRegistry(10 * 60 * 1000);
    const at = Date.parse('2026-11-28T02:04:59Z');
    assert.equal(checkUsernameToken(token, at, nonces), undefined);
    assert.match(checkUsernameToken(token, at, nonces) ?? '', /already used/);
    assert.match(checkUsernameToken(token, Date.parse('2026-11-28T02:05:01Z'), new NonceRegistry(600000)) ?? '', /5 minutes/);
    const wrong = { UsernameToken: { ...token.UsernameToken, Password: { attributes: { Type: DIGEST_TYPE }, $value: 'AAAA' } } };
    assert.match(checkUsernameToken(wrong, at, new NonceRegistry(600000)) ?? '', /digest/);
  });

  it('forgets a nonce after its window', () => {
    const r = new NonceRegistry(1000);
    r.remember('n1', 0);
    assert.equal(r.isReplay('n1', 999), true);
    assert.equal(r.isReplay('n1', 1000), false);
  });
});
