// What a simulator needs of one source dataset, in serving order (update time, record id):
// positions by time and key, pages of rows or of their JSON text, and the control API's
// changes. SortedRecords (sorted-records.ts) holds a dataset given in memory; OverlayRecords
// serves a dataset of an indexed world file (world-index.ts) from disk, with what the control
// API adds or replaces at run time held in memory over it.
import { parseUpdateTime } from '../lib/china-time.ts';
import { compareIds, NotNewerError, WorldDataError } from './sorted-records.ts';
import type { SourceRow } from './world.ts';

export interface RecordStore {
  /** e.g. `bigdata/hukou`, used in error messages */
  readonly label: string;
  readonly idField: string;
  readonly timeField: string;
  readonly length: number;
  at(index: number): SourceRow;
  slice(from: number, to: number): SourceRow[];
  /** `JSON.stringify(this.slice(from, to))`, built without parsing what is already JSON */
  jsonSlice(from: number, to: number): string;
  /** Index of the first record whose update time is ≥ `ms`. */
  firstAtOrAfter(ms: number): number;
  /** Index of the first record whose update time is > `ms`. */
  firstAfter(ms: number): number;
  /** Index of the first record strictly after the position (`ms`, `id`) in serving order. */
  firstAfterKey(ms: number, id: string): number;
  timeAt(index: number): number;
  idAt(index: number): string;
  /** Render every record once now (at start) for `prerenderedBytes`; nothing for a dataset held in memory. */
  prerender(render: (row: SourceRow) => string): void;
  /**
   * The UTF-8 bytes of `slice(from, to).map(render).join('')` (the records' wire form as a
   * simulator renders them) read from what `prerender(render)` rendered, with the same function,
   * while the dataset is unchanged; undefined otherwise: the simulator renders the page itself.
   */
  prerenderedBytes(from: number, to: number, render: (row: SourceRow) => string): Buffer | undefined;
  /** Add a record at its place in serving order (late-arriving data). */
  insert(row: SourceRow): void;
  /** Replace every held version of `row`'s record by `row` (it must be newer), or add it. */
  upsert(row: SourceRow): 'replaced' | 'added';
}

/** A read-only dataset in serving order, its records read on demand (an indexed world file). */
export interface BaseRecords {
  readonly length: number;
  timeAt(index: number): number;
  idAt(index: number): string;
  rowAt(index: number): SourceRow;
  /** The rows of records [from, to). */
  rows(from: number, to: number): SourceRow[];
  /** The JSON texts of records [from, to), each `JSON.stringify` of its row. */
  texts(from: number, to: number): string[];
  /** `[` + texts(from, to).join(',') + `]` */
  jsonArray(from: number, to: number): string;
  firstAtOrAfter(ms: number): number;
  firstAfter(ms: number): number;
  firstAfterKey(ms: number, id: string): number;
  /** Indexes of every record whose id is `id` (a scan of the dataset). */
  indexesOfId(id: string): number[];
  /** Every record rendered once by `render`, kept for reads of runs of records (a scratch file). */
  prerender?(render: (row: SourceRow) => string): RenderedRuns;
}

/** A dataset's records as one function rendered them, read back by runs (world-index.ts RenderedTexts). */
export interface RenderedRuns {
  bytes(from: number, to: number): Buffer;
}

interface Added {
  ms: number;
  id: string;
  row: SourceRow;
}

/**
 * A base dataset with run-time changes over it: base records replaced by a PUT are hidden
 * (`removed`), added and replacing records are held in memory in serving order (`added`,
 * each after every record of an equal key, as SortedRecords inserts). With no changes every
 * call goes straight to the base.
 */
export class OverlayRecords implements RecordStore {
  readonly label: string;
  readonly idField: string;
  readonly timeField: string;
  private readonly base: BaseRecords;
  /** base indexes no longer served, ascending */
  private readonly removed: number[] = [];
  private readonly added: Added[] = [];
  /** merged position of each added record (same order as `added`), recomputed after a change */
  private addedAt: number[] = [];
  /** the base's records as `prerender` rendered them, and by which function */
  private rendered: { render: (row: SourceRow) => string; texts: RenderedRuns } | null = null;

  constructor(label: string, base: BaseRecords, idField: string, timeField: string) {
    this.label = label;
    this.base = base;
    this.idField = idField;
    this.timeField = timeField;
  }

  get length(): number {
    return this.base.length - this.removed.length + this.added.length;
  }

  private get plain(): boolean {
    return this.removed.length === 0 && this.added.length === 0;
  }

  /** Base records before base index `b` that are still served. */
  private survivingBefore(b: number): number {
    let n = 0;
    for (const r of this.removed) {
      if (r < b) n++;
      else break;
    }
    return b - n;
  }

  /** Base index of the `s`-th (0-based) base record still served. */
  private nthSurviving(s: number): number {
    let i = s;
    for (const r of this.removed) {
      if (r <= i) i++;
      else break;
    }
    return i;
  }

  /** Where merged position `p` comes from. */
  private locate(p: number): { added: Added } | { base: number } {
    let before = 0;
    for (let j = 0; j < this.addedAt.length; j++) {
      if (this.addedAt[j] === p) return { added: this.added[j] };
      if (this.addedAt[j] < p) before++;
      else break;
    }
    return { base: this.nthSurviving(p - before) };
  }

  private recompute(): void {
    this.addedAt = this.added.map((a, j) => this.survivingBefore(this.base.firstAfterKey(a.ms, a.id)) + j);
  }

  at(index: number): SourceRow {
    const where = this.locate(index);
    return 'added' in where ? where.added.row : this.base.rowAt(where.base);
  }

  slice(from: number, to: number): SourceRow[] {
    const [a, b] = clampRange(from, to, this.length);
    if (this.plain) return this.base.rows(a, b);
    const rows: SourceRow[] = [];
    for (let i = a; i < b; i++) rows.push(this.at(i));
    return rows;
  }

  prerender(render: (row: SourceRow) => string): void {
    if (this.base.prerender) this.rendered = { render, texts: this.base.prerender(render) };
  }

  prerenderedBytes(from: number, to: number, render: (row: SourceRow) => string): Buffer | undefined {
    // with no run-time change the served positions are the base's, and so are its rendered texts
    if (!this.plain || this.rendered?.render !== render) return undefined;
    const [a, b] = clampRange(from, to, this.length);
    return this.rendered.texts.bytes(a, b);
  }

  jsonSlice(from: number, to: number): string {
    const [a, b] = clampRange(from, to, this.length);
    if (this.plain) return this.base.jsonArray(a, b);
    const parts: string[] = [];
    for (let i = a; i < b; i++) {
      const where = this.locate(i);
      parts.push('added' in where ? JSON.stringify(where.added.row) : this.base.texts(where.base, where.base + 1)[0]);
    }
    return `[${parts.join(',')}]`;
  }

  firstAtOrAfter(ms: number): number {
    let n = 0;
    for (const a of this.added) if (a.ms < ms) n++;
    return this.survivingBefore(this.base.firstAtOrAfter(ms)) + n;
  }

  firstAfter(ms: number): number {
    let n = 0;
    for (const a of this.added) if (a.ms <= ms) n++;
    return this.survivingBefore(this.base.firstAfter(ms)) + n;
  }

  firstAfterKey(ms: number, id: string): number {
    let n = 0;
    for (const a of this.added) if ((a.ms - ms || compareIds(a.id, id)) <= 0) n++;
    return this.survivingBefore(this.base.firstAfterKey(ms, id)) + n;
  }

  timeAt(index: number): number {
    const where = this.locate(index);
    return 'added' in where ? where.added.ms : this.base.timeAt(where.base);
  }

  idAt(index: number): string {
    const where = this.locate(index);
    return 'added' in where ? where.added.id : this.base.idAt(where.base);
  }

  insert(row: SourceRow): void {
    const id = row[this.idField] ?? '';
    const ms = this.timeOf(row, `record ${id}`);
    let at = 0;
    while (at < this.added.length && (this.added[at].ms - ms || compareIds(this.added[at].id, id)) <= 0) at++;
    this.added.splice(at, 0, { ms, id, row });
    this.recompute();
  }

  upsert(row: SourceRow): 'replaced' | 'added' {
    const id = row[this.idField] ?? '';
    const ms = this.timeOf(row, `record ${id}`);
    const heldBase = this.base.indexesOfId(id).filter((i) => !this.removed.includes(i));
    const heldAdded = this.added.filter((a) => a.id === id);
    const held = [...heldBase.map((i) => ({ ms: this.base.timeAt(i), row: () => this.base.rowAt(i) })), ...heldAdded.map((a) => ({ ms: a.ms, row: () => a.row }))];
    for (const h of held) {
      if (h.ms >= ms) {
        throw new NotNewerError(`${this.label} record ${id}: ${this.timeField} '${row[this.timeField]}' is not newer than the held '${h.row()[this.timeField]}'`);
      }
    }
    for (const i of heldBase) {
      let k = 0;
      while (k < this.removed.length && this.removed[k] < i) k++;
      this.removed.splice(k, 0, i);
    }
    for (const a of heldAdded) this.added.splice(this.added.indexOf(a), 1);
    this.insert(row);
    return held.length > 0 ? 'replaced' : 'added';
  }

  private timeOf(row: SourceRow, where: string): number {
    const raw = row[this.timeField];
    const ms = typeof raw === 'string' ? parseUpdateTime(raw) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new WorldDataError(
        `${this.label} ${where} (${this.idField} ${row[this.idField] ?? ''}): the update time ${this.timeField} '${String(raw ?? '')}' is unreadable; a source system always stamps its records`,
      );
    }
    return ms;
  }
}

function clampRange(from: number, to: number, length: number): [number, number] {
  const a = Math.max(0, Math.min(from, length));
  return [a, Math.max(a, Math.min(to, length))];
}
