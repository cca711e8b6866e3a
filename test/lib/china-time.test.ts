// lib/china-time.ts: the arithmetic formatters and the digit-by-digit reader of the two common
// update-time forms give exactly what the Date-based formatting and the regular expressions give.
import assert from 'node:assert/strict';
import { normalizeUpdateTime, parseUpdateTime, toChinaIso, toChinaIsoMillis } from '../../lib/china-time.ts';

const OFFSET = 8 * 3600 * 1000;
const refIso = (ms: number): string => `${new Date(ms + OFFSET).toISOString().slice(0, 19)}+08:00`;
const refIsoMillis = (ms: number): string => {
  const iso = new Date(ms + OFFSET).toISOString();
  const millis = iso.slice(19, 23);
  return `${iso.slice(0, 19)}${millis === '.000' ? '' : millis}+08:00`;
};

/** A deterministic generator (xorshift) so that a failure names the same cases again. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

describe('lib: China time', () => {
  it('formats instants as the Date-based formatting does, across days, years, leap days and the four-digit range', () => {
    const next = random(12);
    const instants = [
      0, -1, 1, 999, 1000, -OFFSET, -OFFSET - 1, Date.UTC(2024, 1, 29, 15, 59, 59, 999), Date.UTC(2026, 10, 20, 1, 12, 45, 500),
      Date.UTC(1900, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59, 1), -62_167_219_200_000 - OFFSET, 253_402_300_799_999 - OFFSET,
    ];
    // years about -7,500 to 11,500: the four-digit range and both sides of it; whole seconds half the time
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((next() - 0.45) * 2 * 300_000_000_000_000);
      instants.push(next() < 0.5 ? ms : ms - (ms % 1000));
    }
    for (let i = 0; i < 5_000; i++) instants.push(Date.UTC(2026, 10, 1) + Math.floor(next() * 40 * 86_400_000));
    for (const ms of instants) {
      assert.equal(toChinaIso(ms), refIso(ms), `toChinaIso(${ms})`);
      assert.equal(toChinaIsoMillis(ms), refIsoMillis(ms), `toChinaIsoMillis(${ms})`);
    }
    // outside years 0–9999 the six-digit form, as before; NaN throws as Date does
    assert.equal(toChinaIso(253_402_300_800_000), refIso(253_402_300_800_000));
    assert.match(toChinaIso(253_402_300_800_000), /^\+010000-/);
    assert.throws(() => toChinaIso(Number.NaN), RangeError);
    assert.throws(() => toChinaIsoMillis(Number.NaN), RangeError);
  });

  it('reads the common forms digit by digit exactly as the general reader does', () => {
    const next = random(34);
    const cases = ['2026-11-20 09:12:45', '2026-11-20T09:12:45', '2026-11-20T09:12:45+08:00', '2024-02-29 12:00:00', '2026-02-29 12:00:00', '1900-02-29 00:00:00', '2100-02-29T00:00:00+08:00', '2000-02-29 00:00:00', '2026-02-28 24:00:00',
      '0099-12-31 23:59:59', '0100-01-01 00:00:00', '9999-12-31T23:59:59+08:00', '2026-11-20 09:60:00', '2026-13-01 00:00:00', '2026-00-10 00:00:00',
      '2026-11-20X09:12:45', '2026-11-20 09:12:4x', '2026/11/20 09:12:45', '2026-11-20T09:12:45+09:00', '2026-11-20 09:12:45+08:00', '２０２６-11-20 09:12:45'];
    const digitsOr = (n: number, w: number): string => (next() < 0.03 ? 'x'.repeat(w) : pad(n, w));
    for (let i = 0; i < 20_000; i++) {
      const sep = next() < 0.6 ? ' ' : 'T';
      const text = `${digitsOr(Math.floor(next() * 10_000), 4)}-${digitsOr(Math.floor(next() * 14), 2)}-${digitsOr(Math.floor(next() * 33), 2)}${sep}` +
        `${digitsOr(Math.floor(next() * 25), 2)}:${digitsOr(Math.floor(next() * 61), 2)}:${digitsOr(Math.floor(next() * 61), 2)}`;
      cases.push(text, sep === 'T' ? `${text}+08:00` : text);
    }
    let readable = 0;
    for (const text of cases) {
      // a leading space is trimmed by the general reader and keeps the text off the digit-by-digit path
      const general = parseUpdateTime(` ${text}`);
      assert.equal(parseUpdateTime(text), general, text);
      if (!Number.isNaN(general)) readable++;
    }
    assert.ok(readable > cases.length / 2, `most generated times are real (${readable} of ${cases.length})`);
    assert.equal(parseUpdateTime('2026-11-20 09:12:45'), Date.parse('2026-11-20T09:12:45+08:00'));
    assert.equal(parseUpdateTime('2026-11-20T09:12:45+08:00'), Date.parse('2026-11-20T09:12:45+08:00'));
    assert.ok(Number.isNaN(parseUpdateTime('2026-02-29 12:00:00')), 'no 29 February in 2026');
    assert.ok(Number.isNaN(parseUpdateTime('1900-02-29 00:00:00')), 'nor in 1900');
    assert.equal(normalizeUpdateTime('2024-02-29 23:59:59'), '2024-02-29T23:59:59+08:00');
  });
});
