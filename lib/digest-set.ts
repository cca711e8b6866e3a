// A set of 128-bit digests in typed arrays: about 21–43 bytes an entry, against about 100 for a
// JavaScript Set of 43-character digest strings — what a pull keeps of every version it served
// (connectors/kit: the overlap of offset paging), millions for a province's largest dataset.
//
// Identity by the first 128 bits of a sha-256 is the mirror's own rule for versions (the version
// key of 017_staging_indexes.sql): two different versions sharing them is not a case to handle.

const WORDS = 4;
const MIN_CAPACITY = 1024;
/**
 * Slots may be three quarters full before the table doubles (linear probing stays short: under
 * three probes a miss on average over a doubling). At one half, a 10,000,000-person month's five
 * largest pulls held ~1.5 GB of slots at once in the hub; at three quarters a third less.
 */
const MAX_LOAD_NUM = 3;
const MAX_LOAD_DEN = 4;

export class DigestSet {
  /** capacity × 4 words; an all-zero slot is empty */
  private table: Uint32Array;
  private mask: number;
  private count = 0;
  /** the all-zero digest, which cannot live in the table */
  private hasZero = false;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD_NUM < expected * MAX_LOAD_DEN) capacity *= 2;
    this.table = new Uint32Array(capacity * WORDS);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the first 16 bytes of `digest`; false when they were already held. */
  add(digest: Uint8Array): boolean {
    const [a, b, c, d] = words(digest);
    if ((a | b | c | d) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.count++;
      return true;
    }
    if ((this.count + 1) * MAX_LOAD_DEN > (this.mask + 1) * MAX_LOAD_NUM) this.grow();
    const slot = this.find(a, b, c, d);
    const t = this.table;
    if (t[slot] !== 0 || t[slot + 1] !== 0 || t[slot + 2] !== 0 || t[slot + 3] !== 0) return false;
    t[slot] = a;
    t[slot + 1] = b;
    t[slot + 2] = c;
    t[slot + 3] = d;
    this.count++;
    return true;
  }

  has(digest: Uint8Array): boolean {
    const [a, b, c, d] = words(digest);
    if ((a | b | c | d) === 0) return this.hasZero;
    const slot = this.find(a, b, c, d);
    const t = this.table;
    return t[slot] !== 0 || t[slot + 1] !== 0 || t[slot + 2] !== 0 || t[slot + 3] !== 0;
  }

  /** The slot holding (a, b, c, d), or the empty slot where it would go (linear probing). */
  private find(a: number, b: number, c: number, d: number): number {
    const t = this.table;
    // the digest is uniform: its first word is as good an index as any hash of it
    for (let i = (a ^ c) & this.mask; ; i = (i + 1) & this.mask) {
      const s = i * WORDS;
      const x = t[s];
      const y = t[s + 1];
      const z = t[s + 2];
      const w = t[s + 3];
      if ((x | y | z | w) === 0) return s;
      if (x === a && y === b && z === c && w === d) return s;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = old.length / WORDS * 2 - 1;
    for (let s = 0; s < old.length; s += WORDS) {
      const a = old[s];
      const b = old[s + 1];
      const c = old[s + 2];
      const d = old[s + 3];
      if ((a | b | c | d) === 0) continue;
      const to = this.find(a, b, c, d);
      this.table[to] = a;
      this.table[to + 1] = b;
      this.table[to + 2] = c;
      this.table[to + 3] = d;
    }
  }
}

function words(digest: Uint8Array): [number, number, number, number] {
  if (digest.byteLength < 16) throw new RangeError(`a digest of at least 16 bytes is needed, got ${digest.byteLength}`);
  const v = new DataView(digest.buffer, digest.byteOffset, 16);
  return [v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)];
}
