// The identity numbers a streamed world has minted, in 8 bytes each: a Set of strings costs about
// 80 bytes an entry, 1 GB for the 13 million numbers of a 10,000,000-person world. The first 17
// digits of a generated number (county, birth date, serial + sex digit) become one integer below
// 10^14, kept in an open-addressing table of doubles (0 = empty) that doubles when half full.
import type { IdSet } from './world-draft.ts';

export class CompactIdSet implements IdSet {
  private table: Float64Array;
  private mask: number;
  private count = 0;

  /** `expected`: how many numbers the world will mint (sizes the table once). */
  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.table = new Float64Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** county (6 digits) · 10^8 + birth day (year from 1800 · 372 + month · 31 + day, 5 digits) · 10^3 + serial and sex digit (3 digits) + 1: below 10^14 */
  static key(id: string): number {
    if (!/^\d{17}[\dX]$/.test(id)) throw new RangeError(`generator bug: not an 18-character identity number: ${id}`);
    const county = Number(id.slice(0, 6));
    const year = Number(id.slice(6, 10)) - 1800;
    const day = year * 372 + (Number(id.slice(10, 12)) - 1) * 31 + Number(id.slice(12, 14)) - 1;
    if (year < 0 || day >= 100000) throw new RangeError(`generator bug: birth date out of range in ${id}`);
    return county * 1e8 + day * 1e3 + Number(id.slice(14, 17)) + 1;
  }

  private slot(key: number): number {
    const hi = Math.floor(key / 4294967296);
    const lo = key >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let i = h & this.mask;
    while (this.table[i] !== 0 && this.table[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  has(id: string): boolean {
    const key = CompactIdSet.key(id);
    return this.table[this.slot(key)] === key;
  }

  add(id: string): this {
    const key = CompactIdSet.key(id);
    const i = this.slot(key);
    if (this.table[i] === key) return this;
    this.table[i] = key;
    this.count += 1;
    if (this.count * 2 > this.table.length) this.grow();
    return this;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const key of old) if (key !== 0) this.table[this.slot(key)] = key;
  }
}
