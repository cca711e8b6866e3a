// A world file of any size served from disk: one streaming pass over its bytes finds every
// source record (byte offset and length) and its update time, each dataset is put in serving
// order (update time, record id) once, and the simulators read the records of a page with
// positioned reads. What stays in memory is a few typed arrays per dataset (about 10 bytes a
// record), the civil files, the faults and the top-level fields; the roster is only counted
// (the simulators never serve it). A malformed file is refused with WorldFileError
// (LIFECERT_SANDBOX_WORLD_INVALID) naming the byte offset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseUpdateTime } from '../lib/china-time.ts';
import { validateWorld } from '../schemas/index.ts';
import { HEALTH_ID_FIELDS } from './health.ts';
import type { BaseRecords } from './record-store.ts';
import { WorldFileError } from './read-world.ts';
import { compareIds, WorldDataError } from './sorted-records.ts';
import { HEALTH_DATASETS, type CivilFile, type SourceRow, type WorldFaults } from './world.ts';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, isSpace } from '../lib/json-bytes.ts';


/** The id and update-time fields of each channel's records (sandbox.md "Serving rules"). */
export function recordFields(channel: string, dataset: string): { idField: string; timeField: string } | undefined {
  if (channel === 'ministry') return { idField: 'recordId', timeField: 'aae036' };
  if (channel === 'bigdata') return { idField: 'JLID', timeField: 'GXSJ' };
  if (channel === 'police') return { idField: 'id', timeField: 'gxsj' };
  if (channel === 'health' && (HEALTH_DATASETS as readonly string[]).includes(dataset)) {
    return { idField: HEALTH_ID_FIELDS[dataset as (typeof HEALTH_DATASETS)[number]], timeField: 'updatedAt' };
  }
  return undefined;
}

/** A numeric column: `base + values[i] * scale`, stored in the narrowest typed array that holds it exactly. */
class Column {
  private readonly values: Float64Array | Uint32Array | Uint16Array;
  private readonly base: number;
  private readonly scale: number;

  constructor(values: Float64Array | Uint32Array | Uint16Array, base = 0, scale = 1) {
    this.values = values;
    this.base = base;
    this.scale = scale;
  }

  get(i: number): number {
    return this.base + this.values[i] * this.scale;
  }

  get bytes(): number {
    return this.values.byteLength;
  }

  /** The narrowest exact column for `get(i) = source(order[i])`. */
  static pack(n: number, source: (i: number) => number, wantScale = 1): Column {
    let min = Infinity;
    let max = -Infinity;
    let whole = true;
    for (let i = 0; i < n; i++) {
      const v = source(i);
      if (v < min) min = v;
      if (v > max) max = v;
      if (whole && !Number.isInteger(v)) whole = false;
    }
    if (n === 0) return new Column(new Uint16Array(0));
    let scaled = whole && wantScale > 1;
    if (scaled) for (let i = 0; i < n && scaled; i++) if ((source(i) - min) % wantScale !== 0) scaled = false;
    const scale = scaled ? wantScale : 1;
    const span = (max - min) / scale;
    if (whole && span < 65536) {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = (source(i) - min) / scale;
      return new Column(out, min, scale);
    }
    if (whole && span < 2 ** 32) {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = (source(i) - min) / scale;
      return new Column(out, min, scale);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = source(i);
    return new Column(out);
  }
}

/** A growable column in blocks of 65,536 (no copy on growth): doubles, or 32-bit unsigned with `uint32`. */
class Blocks {
  private static readonly SIZE = 1 << 16;
  private readonly blocks: Array<Float64Array | Uint32Array> = [];
  private readonly uint32: boolean;
  length = 0;

  constructor(uint32 = false) {
    this.uint32 = uint32;
  }

  push(v: number): void {
    const b = this.length >>> 16;
    if (b === this.blocks.length) this.blocks.push(this.uint32 ? new Uint32Array(Blocks.SIZE) : new Float64Array(Blocks.SIZE));
    this.blocks[b][this.length & 0xffff] = v;
    this.length++;
  }

  get(i: number): number {
    return this.blocks[i >>> 16][i & 0xffff];
  }
}

/** The file a world index reads from: one descriptor, one scratch buffer, and the scratch files of its pre-rendered texts. */
class WorldFile {
  readonly fd: number;
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly rendered: number[] = [];

  constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * A new scratch file for pre-rendered texts, open for reading and writing. Its name is removed
   * at once: the disk space lives as long as the descriptor, so nothing is left behind by a
   * process that is killed rather than closed.
   */
  openScratch(): number {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-sandbox-rendered-'));
    const name = path.join(dir, 'texts');
    try {
      const fd = fs.openSync(name, 'w+');
      this.rendered.push(fd);
      return fd;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    for (const fd of this.rendered.splice(0)) fs.closeSync(fd);
    fs.closeSync(this.fd);
  }

  /** Read `length` bytes at file `offset` into `into` at `at`. */
  readInto(into: Buffer, at: number, offset: number, length: number): void {
    readFully(this.fd, into, at, offset, length, (byte) => `the world file ended at byte ${byte} inside a record it held when indexed (was it changed?)`);
  }

  read(offset: number, length: number): string {
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    this.readInto(this.scratch, 0, offset, length);
    return this.scratch.toString('utf8', 0, length);
  }
}

/** Positioned reads until `length` bytes are in `into` at `at`; a file that ends first is a WorldFileError (`ended` names the byte). */
function readFully(fd: number, into: Buffer, at: number, position: number, length: number, ended: (byte: number) => string): void {
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, into, at + got, length - got, position + got);
    if (n === 0) throw new WorldFileError(ended(position + got));
    got += n;
  }
}

/** One dataset of an indexed world file, in serving order. */
export class FileDataset implements BaseRecords {
  readonly label: string;
  readonly idField: string;
  readonly timeField: string;
  readonly length: number;
  /** every record's text in the file is `JSON.stringify` of its row: served as read */
  readonly verbatim: boolean;
  private readonly file: WorldFile;
  private readonly starts: Column;
  private readonly lengths: Column;
  private readonly times: Column;

  constructor(
    init: { label: string; idField: string; timeField: string; length: number; verbatim: boolean; starts: Column; lengths: Column; times: Column },
    file: WorldFile,
  ) {
    this.label = init.label;
    this.idField = init.idField;
    this.timeField = init.timeField;
    this.length = init.length;
    this.verbatim = init.verbatim;
    this.starts = init.starts;
    this.lengths = init.lengths;
    this.times = init.times;
    this.file = file;
  }

  /** Bytes of memory the index of this dataset holds. */
  get indexBytes(): number {
    return this.starts.bytes + this.lengths.bytes + this.times.bytes;
  }

  private text(i: number): string {
    return this.file.read(this.starts.get(i), this.lengths.get(i));
  }

  timeAt(i: number): number {
    return this.times.get(i);
  }

  rowAt(i: number): SourceRow {
    return JSON.parse(this.text(i)) as SourceRow;
  }

  idAt(i: number): string {
    return this.rowAt(i)[this.idField] ?? '';
  }

  /** The rows of records [from, to), parsed in one JSON.parse of the page. */
  rows(from: number, to: number): SourceRow[] {
    if (!this.verbatim) {
      const out: SourceRow[] = [];
      for (let i = from; i < to; i++) out.push(this.rowAt(i));
      return out;
    }
    return JSON.parse(this.jsonArray(from, to)) as SourceRow[];
  }

  /**
   * `JSON.stringify` of records [from, to) as one array: the records read from the file straight
   * into one buffer between the commas, decoded once (the file's text is served as it is).
   */
  jsonArray(from: number, to: number): string {
    if (!this.verbatim) return `[${this.texts(from, to).join(',')}]`;
    if (to <= from) return '[]';
    let total = 1 + (to - from);
    for (let i = from; i < to; i++) total += this.lengths.get(i);
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    out[at++] = OPEN_BRACKET;
    for (let i = from; i < to; i++) {
      if (i > from) out[at++] = COMMA;
      const n = this.lengths.get(i);
      this.file.readInto(out, at, this.starts.get(i), n);
      at += n;
    }
    out[at++] = CLOSE_BRACKET;
    return out.toString('utf8', 0, at);
  }

  texts(from: number, to: number): string[] {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(this.verbatim ? this.text(i) : JSON.stringify(this.rowAt(i)));
    return out;
  }

  firstAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times.get(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  firstAfter(ms: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times.get(mid) <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  firstAfterKey(ms: number, id: string): number {
    // the records of update time `ms` are ordered by id: only those are read from the file
    let lo = this.firstAtOrAfter(ms);
    let hi = this.firstAfter(ms);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.idAt(mid), id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Every record rendered once by `render` (a simulator's wire form of a row), written in serving
   * order to a scratch file beside the index: the rendered texts of a run of records are then one
   * read (RenderedTexts). Costs one pass over the dataset, at start rather than per page; the
   * records are parsed and written `batch` at a time.
   */
  prerender(render: (row: SourceRow) => string, batch = PRERENDER_BATCH): RenderedTexts {
    const out = this.file.openScratch();
    const ends = new Float64Array(this.length);
    let at = 0;
    for (let from = 0; from < this.length; from += batch) {
      const to = Math.min(from + batch, this.length);
      const rows = this.rows(from, to);
      const batchStart = at;
      let text = '';
      for (let k = 0; k < rows.length; k++) {
        const rendered = render(rows[k]);
        text += rendered;
        at += Buffer.byteLength(rendered, 'utf8');
        ends[from + k] = at;
      }
      writeAll(out, Buffer.from(text, 'utf8'), batchStart);
    }
    return new RenderedTexts(this.label, out, ends);
  }

  indexesOfId(id: string): number[] {
    const out: number[] = [];
    // read a page at a time: one positioned read per record, one JSON.parse per page
    for (let from = 0; from < this.length; from += 1000) {
      const rows = this.rows(from, Math.min(from + 1000, this.length));
      for (let k = 0; k < rows.length; k++) if ((rows[k][this.idField] ?? '') === id) out.push(from + k);
    }
    return out;
  }
}

const PRERENDER_BATCH = 1000;

function writeAll(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** A dataset's records as one simulator renders them, in serving order, on disk (FileDataset.prerender). */
export class RenderedTexts {
  private readonly label: string;
  private readonly fd: number;
  /** byte offset just past record i's text */
  private readonly ends: Float64Array;

  constructor(label: string, fd: number, ends: Float64Array) {
    this.label = label;
    this.fd = fd;
    this.ends = ends;
  }

  get length(): number {
    return this.ends.length;
  }

  /** The rendered texts of records [from, to), concatenated, as UTF-8 bytes: one positioned read. */
  bytes(from: number, to: number): Buffer {
    if (from < 0 || to > this.ends.length) throw new RangeError(`${this.label}: records ${from}..${to} outside 0..${this.ends.length}`);
    if (to <= from) return Buffer.alloc(0);
    const start = from === 0 ? 0 : this.ends[from - 1];
    const length = this.ends[to - 1] - start;
    const buf = Buffer.allocUnsafe(length);
    readFully(this.fd, buf, 0, start, length, (byte) => `${this.label}: the pre-rendered texts ended at byte ${byte} (was the scratch file removed?)`);
    return buf;
  }
}

/** What the index keeps of a world file: everything but the records, which stay on disk. */
export interface WorldIndex {
  readonly file: string;
  readonly bytes: number;
  readonly period: string;
  readonly asOf: string;
  /** roster entries in the file (counted, not kept: the simulators do not serve the roster) */
  readonly rosterSize: number;
  readonly faults?: WorldFaults;
  readonly civil: CivilFile[];
  /** city codes of `sources.police`, in file order */
  readonly policeCities: string[];
  /** `<channel>/<dataset>` (`police/<city4>`) → its records */
  readonly datasets: ReadonlyMap<string, FileDataset>;
  /** source records indexed */
  readonly records: number;
  /** bytes of memory the record index holds */
  readonly indexBytes: number;
  close(): void;
}

/** Buffered forward reader over the file, keeping the bytes of the value being scanned. */
class Reader {
  buf: Buffer;
  len = 0;
  pos = 0;
  /** buffer index of the value being scanned (kept over refills), -1 when none */
  mark = -1;
  /** file offset of buf[0] */
  base = 0;
  private readonly fd: number;
  private readonly size: number;

  constructor(fd: number, size: number, chunk: number) {
    this.fd = fd;
    this.size = size;
    this.buf = Buffer.allocUnsafe(chunk);
  }

  /** Read more bytes; returns how far buffer indexes moved down, or null at the end of the file. */
  more(): number | null {
    if (this.base + this.len >= this.size) return null;
    const keep = this.mark >= 0 ? this.mark : this.pos;
    let shift = 0;
    if (keep > 0) {
      this.buf.copy(this.buf, 0, keep, this.len);
      this.len -= keep;
      this.base += keep;
      this.pos -= keep;
      if (this.mark >= 0) this.mark -= keep;
      shift = keep;
    } else if (this.len === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = fs.readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.base + this.len);
    if (n === 0) throw new WorldFileError(`the world file ended early at byte ${this.base + this.len} (was it changed while read?)`);
    this.len += n;
    return shift;
  }

  fail(what: string, at = this.pos): never {
    throw new WorldFileError(`the world file is not valid JSON: ${what} at byte ${this.base + at}`);
  }

  /** The next byte after white space, -1 at the end of the file. */
  peek(): number {
    for (;;) {
      while (this.pos < this.len && isSpace(this.buf[this.pos])) this.pos++;
      if (this.pos < this.len) return this.buf[this.pos];
      if (this.more() === null) return -1;
    }
  }

  expect(byte: number, what: string): void {
    if (this.peek() !== byte) this.fail(`${what} expected`);
    this.pos++;
  }

  /** Scan the value at the reader: its bytes are buf[mark, pos) until the next scan. */
  scanValue(): void {
    if (this.peek() < 0) this.fail('a value expected');
    this.mark = this.pos;
    const buf0 = this.buf[this.pos];
    let j = this.pos;
    if (buf0 === QUOTE) {
      j = this.stringEnd(j + 1);
    } else if (buf0 === OPEN_BRACE || buf0 === OPEN_BRACKET) {
      let depth = 0;
      for (;;) {
        if (j >= this.len) {
          const shift = this.more();
          if (shift === null) this.fail('unterminated array or object', this.mark);
          j -= shift;
          continue;
        }
        const b = this.buf[j];
        if (b === QUOTE) {
          j = this.stringEnd(j + 1);
          continue;
        }
        if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            j++;
            break;
          }
        }
        j++;
      }
    } else {
      for (;;) {
        if (j >= this.len) {
          const shift = this.more();
          if (shift === null) break;
          j -= shift;
          continue;
        }
        const b = this.buf[j];
        if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b)) break;
        j++;
      }
      if (j === this.mark) this.fail('a value expected');
    }
    this.pos = j;
  }

  /** Index just after the closing quote of the string whose content starts at `j`. */
  private stringEnd(j: number): number {
    const from = j;
    let contentStart = from;
    for (;;) {
      const q = j < this.len ? this.buf.indexOf(QUOTE, j) : -1;
      if (q >= 0 && q < this.len) {
        let k = q - 1;
        let slashes = 0;
        while (k >= contentStart && this.buf[k] === BACKSLASH) {
          slashes++;
          k--;
        }
        if (slashes % 2 === 0) return q + 1;
        j = q + 1;
        continue;
      }
      j = this.len;
      const shift = this.more();
      if (shift === null) this.fail('unterminated string', this.mark);
      j -= shift;
      contentStart -= shift;
    }
  }

  /** The scanned value's text. */
  scannedText(): string {
    return this.buf.toString('utf8', this.mark, this.pos);
  }

  /** Parse the value at the reader (a value of the file's top level, a civil file, a key). */
  parseValue(): unknown {
    this.scanValue();
    const at = this.mark;
    try {
      return JSON.parse(this.scannedText());
    } catch (err) {
      return this.fail((err as Error).message, at);
    } finally {
      this.mark = -1;
    }
  }

  key(): string {
    if (this.peek() !== QUOTE) this.fail('a key expected');
    const k = this.parseValue() as string;
    this.expect(COLON, '":"');
    return k;
  }

  /** `{ key: value, ... }`, calling `member` with the reader at each value. */
  object(member: (key: string) => void, what: string): void {
    this.expect(OPEN_BRACE, `${what}: an object`);
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      member(this.key());
      const b = this.peek();
      this.pos++;
      if (b === COMMA) continue;
      if (b === CLOSE_BRACE) return;
      this.fail(`"," or "}" expected in ${what}`, this.pos - 1);
    }
  }

  /** `[ value, ... ]`, calling `element` with the reader at each element; returns their number. */
  array(element: () => void, what: string): number {
    this.expect(OPEN_BRACKET, `${what}: an array`);
    if (this.peek() === CLOSE_BRACKET) {
      this.pos++;
      return 0;
    }
    let n = 0;
    for (;;) {
      element();
      n++;
      const b = this.peek();
      this.pos++;
      if (b === COMMA) continue;
      if (b === CLOSE_BRACKET) return n;
      this.fail(`"," or "]" expected in ${what}`, this.pos - 1);
    }
  }
}

/** Collects one dataset's records in file order, then puts them in serving order. */
class DatasetBuilder {
  readonly label: string;
  readonly idField: string;
  readonly timeField: string;
  private readonly starts = new Blocks();
  private readonly lengths = new Blocks(true);
  private readonly times = new Blocks();
  private verbatim = true;
  private inOrder = true;
  private prevMs = -Infinity;
  private prevId = '';

  constructor(label: string, fields: { idField: string; timeField: string }) {
    this.label = label;
    this.idField = fields.idField;
    this.timeField = fields.timeField;
  }

  add(text: string, offset: number, byteLength: number): void {
    const n = this.times.length + 1;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (err) {
      throw new WorldFileError(`the world file is not valid JSON: ${this.label} record #${n}: ${(err as Error).message} (record at byte ${offset})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row) || !Object.values(row).every((v) => typeof v === 'string')) {
      throw new WorldFileError(`${this.label} record #${n} (at byte ${offset}) is not an object of string values, as world.schema.json requires`);
    }
    const r = row as SourceRow;
    const id = r[this.idField] ?? '';
    const raw = r[this.timeField];
    const ms = typeof raw === 'string' ? parseUpdateTime(raw) : Number.NaN;
    if (Number.isNaN(ms)) {
      // the same words as SortedRecords: a record the sandbox could not place in serving order
      throw new WorldDataError(
        `${this.label} record #${n} (${this.idField} ${id}): the update time ${this.timeField} '${String(raw ?? '')}' is unreadable; a source system always stamps its records`,
      );
    }
    if (this.verbatim && JSON.stringify(r) !== text) this.verbatim = false;
    if (this.inOrder && (ms - this.prevMs || compareIds(id, this.prevId)) < 0) this.inOrder = false;
    this.prevMs = ms;
    this.prevId = id;
    this.starts.push(offset);
    this.lengths.push(byteLength);
    this.times.push(ms);
  }

  finish(file: WorldFile): FileDataset {
    const n = this.times.length;
    const order = this.inOrder ? null : this.serviceOrder(file);
    const at = order ? (i: number) => order[i] : (i: number) => i;
    return new FileDataset(
      {
        label: this.label,
        idField: this.idField,
        timeField: this.timeField,
        length: n,
        verbatim: this.verbatim,
        starts: Column.pack(n, (i) => this.starts.get(at(i))),
        lengths: Column.pack(n, (i) => this.lengths.get(at(i))),
        times: Column.pack(n, (i) => this.times.get(at(i)), 1000),
      },
      file,
    );
  }

  /** File positions in serving order: (update time, id), equal keys in file order (a stable sort). */
  private serviceOrder(file: WorldFile): Uint32Array {
    const n = this.times.length;
    const idOf = (i: number): string => (JSON.parse(file.read(this.starts.get(i), this.lengths.get(i))) as SourceRow)[this.idField] ?? '';
    let min = Infinity;
    let max = -Infinity;
    let whole = true;
    for (let i = 0; i < n; i++) {
      const t = this.times.get(i);
      if (t < min) min = t;
      if (t > max) max = t;
      if (!Number.isInteger(t)) whole = false;
    }
    const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const order = new Uint32Array(n);
    if (whole && max - min < 2 ** Math.min(53, 64 - indexBits)) {
      // sort (time, file position) as one unsigned 64-bit key: a native sort, no comparator
      const keys = new BigUint64Array(n);
      const shift = BigInt(indexBits);
      for (let i = 0; i < n; i++) keys[i] = (BigInt(this.times.get(i) - min) << shift) | BigInt(i);
      keys.sort();
      const mask = (1n << shift) - 1n;
      for (let i = 0; i < n; i++) order[i] = Number(keys[i] & mask);
    } else {
      const all = Array.from({ length: n }, (_, i) => i);
      all.sort((a, b) => this.times.get(a) - this.times.get(b) || a - b);
      order.set(all);
    }
    // records of equal update time: by id (read back from the file), equal ids in file order
    let i = 0;
    while (i < n) {
      const t = this.times.get(order[i]);
      let j = i + 1;
      while (j < n && this.times.get(order[j]) === t) j++;
      if (j - i > 1) {
        const group = Array.from(order.subarray(i, j), (pos) => ({ pos, id: idOf(pos) }));
        group.sort((a, b) => compareIds(a.id, b.id));
        for (let k = 0; k < group.length; k++) order[i + k] = group[k].pos;
      }
      i = j;
    }
    return order;
  }
}

const SOURCE_CHANNELS = ['ministry', 'bigdata', 'police', 'health'] as const;

/** Index a world file in one streaming pass. Throws WorldFileError (or WorldDataError) for a file the sandbox cannot serve. */
export function indexWorldFile(file: string, options: { chunkBytes?: number } = {}): WorldIndex {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new WorldFileError(`cannot read world file ${file}: ${(err as Error).message}`);
  }
  try {
    return indexOpen(file, fd, options.chunkBytes ?? 8 * 1024 * 1024);
  } catch (err) {
    fs.closeSync(fd);
    if (err instanceof WorldFileError) throw new WorldFileError(`${file}: ${err.message}`, { cause: err });
    throw err;
  }
}

function indexOpen(file: string, fd: number, chunkBytes: number): WorldIndex {
  const size = fs.fstatSync(fd).size;
  const reader = new Reader(fd, size, chunkBytes);
  const worldFile = new WorldFile(fd);
  const top: Record<string, unknown> = {};
  const skeletonSources: Record<string, unknown> = {};
  const datasets = new Map<string, FileDataset>();
  const civil: CivilFile[] = [];
  const policeCities: string[] = [];
  let rosterSize = 0;

  reader.object((key) => {
    if (key === 'roster') {
      rosterSize = reader.array(() => {
        reader.scanValue();
        reader.mark = -1;
      }, 'roster');
      top.roster = [];
    } else if (key === 'sources') {
      top.sources = skeletonSources;
      reader.object((channel) => {
        if (channel === 'civil') {
          skeletonSources.civil = civil;
          civil.length = 0;
          reader.array(() => civil.push(reader.parseValue() as CivilFile), 'sources.civil');
        } else if ((SOURCE_CHANNELS as readonly string[]).includes(channel)) {
          const names: Record<string, unknown[]> = {};
          skeletonSources[channel] = names;
          reader.object((dataset) => {
            names[dataset] = [];
            const label = `${channel}/${dataset}`;
            const fields = recordFields(channel, dataset);
            if (!fields) {
              // an unknown dataset: parsed whole so that the schema check below names it
              names[dataset] = reader.parseValue() as unknown[];
              return;
            }
            if (channel === 'police' && !policeCities.includes(dataset)) policeCities.push(dataset);
            const builder = new DatasetBuilder(label, fields);
            reader.array(() => {
              reader.scanValue();
              builder.add(reader.scannedText(), reader.base + reader.mark, reader.pos - reader.mark);
              reader.mark = -1;
            }, `sources.${channel}.${dataset}`);
            datasets.set(label, builder.finish(worldFile));
          }, `sources.${channel}`);
        } else {
          // world.schema.json lets a world carry other sources; no simulator serves them
          reader.scanValue();
          reader.mark = -1;
        }
      }, 'sources');
    } else {
      top[key] = reader.parseValue();
    }
  }, 'the world');
  if (reader.peek() !== -1) reader.fail('unexpected data after the world object');

  // everything but the records and the roster, checked against world.schema.json as readWorld checks it
  const errors = validateWorld(top);
  if (errors.length > 0) {
    const shown = errors.slice(0, 10).map((e) => `  ${e.path || '/'}: ${e.message}`).join('\n');
    const more = errors.length > 10 ? `\n  … and ${errors.length - 10} more` : '';
    throw new WorldFileError(`does not follow world.schema.json:\n${shown}${more}`);
  }
  let records = 0;
  let indexBytes = 0;
  for (const d of datasets.values()) {
    records += d.length;
    indexBytes += d.indexBytes;
  }
  return {
    file,
    bytes: size,
    period: top.period as string,
    asOf: top.asOf as string,
    rosterSize,
    faults: top.faults as WorldFaults | undefined,
    civil,
    policeCities,
    datasets,
    records,
    indexBytes,
    close: () => worldFile.close(),
  };
}
