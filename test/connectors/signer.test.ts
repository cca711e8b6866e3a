import assert from 'node:assert/strict';
import { canonicalQuery, randomNonce, rfc3986Encode, sha256Hex, signRequest } from '../../connectors/bigdata/signer.ts';

const creds = { appId: 'lifecert-hub', appSecret: 'sandbox-bigdata-secret' };

describe('big-data request signing (sources.md §2 test vectors)', () => {
  it('signs the GET vector', () => {
    const signed = signRequest(creds, {
      method: 'GET',
      path: '/api/v1/datasets/death/records',
      query: { updatedSince: '2026-11-01T00:00:00+08:00', limit: 2 },
      timestamp: 1764518400000,
      nonce: 'k3J9xQ2mP7vL4tZa',
    });
    assert.equal(signed.canonicalQuery, 'limit=2&updatedSince=2026-11-01T00%3A00%3A00%2B08%3A00');
    assert.equal(signed.signature, 'ac44cc614a46c98e55b128dbd9bae695f4be77986aabc5bc7d04693db26da1a3');
    assert.equal(signed.pathWithQuery, '/api/v1/datasets/death/records?limit=2&updatedSince=2026-11-01T00%3A00%3A00%2B08%3A00');
    assert.deepEqual(Object.keys(signed.headers).sort(), ['X-App-Id', 'X-Nonce', 'X-Signature', 'X-Timestamp']);
    assert.equal(signed.headers['X-Timestamp'], '1764518400000');
  });

  it('signs the POST vector with the body hash', () => {
    const signed = signRequest(creds, { method: 'post', path: '/api/v1/feedback', body: '{"items":[]}', timestamp: 1764518400000, nonce: 'k3J9xQ2mP7vL4tZa' });
    assert.equal(signed.canonicalQuery, '');
    assert.equal(signed.signature, 'ad77858ba582d4d41ebc6edf4d773c005ec02adf5a1b57e2d2cbfaef76459af2');
    assert.equal(signed.stringToSign.split('\n')[0], 'POST');
    assert.equal(signed.stringToSign.split('\n')[5], sha256Hex('{"items":[]}'));
  });

  it('encodes per RFC 3986 with upper-case hex, UTF-8 bytes, + as %2B and space as %20', () => {
    assert.equal(rfc3986Encode('a+b c~._-'), 'a%2Bb%20c~._-');
    assert.equal(rfc3986Encode('死'), '%E6%AD%BB');
    assert.equal(rfc3986Encode('*/?'), '%2A%2F%3F');
  });

  it('sorts by encoded name then value in byte order and leaves out valueless parameters', () => {
    assert.equal(canonicalQuery({ b: '2', a: '1', cursor: undefined, empty: '', Z: 'z' }), 'Z=z&a=1&b=2');
  });

  it('makes 32-character [A-Za-z0-9] nonces that differ', () => {
    const a = randomNonce();
    const b = randomNonce();
    assert.match(a, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a, b);
  });
});
