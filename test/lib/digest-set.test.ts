import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DigestSet } from '../../lib/digest-set.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

describe('DigestSet (lib/digest-set.ts)', () => {
  it('holds each digest once, through growth far past its first capacity', () => {
    const set = new DigestSet();
    const n = 50_000;
    for (let i = 0; i < n; i++) assert.equal(set.add(digest(`v${i}`)), true);
    assert.equal(set.size, n);
    for (let i = 0; i < n; i++) assert.equal(set.add(digest(`v${i}`)), false, `v${i} again`);
    assert.equal(set.size, n);
    for (let i = 0; i < n; i += 997) assert.equal(set.has(digest(`v${i}`)), true);
    for (let i = n; i < n + 1000; i++) assert.equal(set.has(digest(`v${i}`)), false);
  });

  it('tells apart digests that share their first word or differ only in the 128th bit', () => {
    const set = new DigestSet();
    const base = Buffer.alloc(32, 0xab);
    const sameFirstWord = Buffer.from(base);
    sameFirstWord[8] ^= 1;
    const lastBit = Buffer.from(base);
    lastBit[15] ^= 0x80;
    const pastTheKey = Buffer.from(base);
    pastTheKey[16] ^= 1; // beyond the first 128 bits: the same key
    assert.equal(set.add(base), true);
    assert.equal(set.add(sameFirstWord), true);
    assert.equal(set.add(lastBit), true);
    assert.equal(set.add(pastTheKey), false);
    assert.equal(set.size, 3);
  });

  it('holds the all-zero digest, which an empty slot cannot', () => {
    const set = new DigestSet();
    const zero = new Uint8Array(16);
    assert.equal(set.has(zero), false);
    assert.equal(set.add(zero), true);
    assert.equal(set.add(zero), false);
    assert.equal(set.has(zero), true);
    assert.equal(set.size, 1);
  });

  it('refuses a digest shorter than 128 bits', () => {
    assert.throws(() => new DigestSet().add(new Uint8Array(15)), RangeError);
  });
});
