// One source dataset kept in (update time, record id) order: sorted once at start, then
// answered by binary search, so that paging a world of millions of records never re-sorts.
import { parseUpdateTime } from '../lib/china-time.ts';
import type { RecordStore } from './record-store.ts';
import type { SourceRow } from './world.ts';

export class WorldDataError extends Error {
  override readonly name = 'WorldDataError';
}

export class NotNewerError extends Error {
  override readonly name = 'NotNewerError';
}

export class SortedRecords implements RecordStore {
  /** e.g. `bigdata/hukou`, used in error messages */
  readonly label: string;
  readonly idField: string;
  readonly timeField: string;
  private rows: SourceRow[];
  private times: number[];

  constructor(label: string, rows: readonly SourceRow[], idField: string, timeField: string) {
    this.label = label;
    this.idField = idField;
    this.timeField = timeField;
    const times = rows.map((row, i) => this.timeOf(row, `record #${i + 1}`));
    const order = rows.map((_, i) => i);
    order.sort((a, b) => times[a] - times[b] || compareIds(this.idOf(rows[a]), this.idOf(rows[b])));
    this.rows = order.map((i) => rows[i]);
    this.times = order.map((i) => times[i]);
  }

  get length(): number {
    return this.rows.length;
  }

  at(index: number): SourceRow {
    return this.rows[index];
  }

  slice(from: number, to: number): SourceRow[] {
    return this.rows.slice(from, to);
  }

  jsonSlice(from: number, to: number): string {
    return JSON.stringify(this.rows.slice(from, to));
  }

  /** Rows held in memory are rendered per page: nothing to prepare. */
  prerender(): void {}

  prerenderedBytes(): undefined {
    return undefined;
  }

  /** Index of the first record whose update time is ≥ `ms`. */
  firstAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first record whose update time is > `ms`. */
  firstAfter(ms: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first record strictly after the position (`ms`, `id`) in serving order. */
  firstAfterKey(ms: number, id: string): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.times[mid] - ms || compareIds(this.idOf(this.rows[mid]), id);
      if (c <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Update time (epoch ms) of the record at `index`. */
  timeAt(index: number): number {
    return this.times[index];
  }

  idAt(index: number): string {
    return this.idOf(this.rows[index]);
  }

  /** Add a record at its place in serving order (late-arriving data). */
  insert(row: SourceRow): void {
    const ms = this.timeOf(row, `record ${this.idOf(row)}`);
    const at = this.firstAfterKey(ms, this.idOf(row));
    this.rows.splice(at, 0, row);
    this.times.splice(at, 0, ms);
  }

  /**
   * Replace every version the source holds of `row`'s record by `row`, or add it when new.
   * The department only ever moves a record forward in time: a replacement whose update
   * time is not newer than what is held throws NotNewerError.
   */
  upsert(row: SourceRow): 'replaced' | 'added' {
    const id = this.idOf(row);
    const ms = this.timeOf(row, `record ${id}`);
    const held: number[] = [];
    for (let i = 0; i < this.rows.length; i++) if (this.idOf(this.rows[i]) === id) held.push(i);
    for (const i of held) {
      if (this.times[i] >= ms) {
        throw new NotNewerError(
          `${this.label} record ${id}: ${this.timeField} '${row[this.timeField]}' is not newer than the held '${this.rows[i][this.timeField]}'`,
        );
      }
    }
    for (let k = held.length - 1; k >= 0; k--) {
      this.rows.splice(held[k], 1);
      this.times.splice(held[k], 1);
    }
    this.insert(row);
    return held.length > 0 ? 'replaced' : 'added';
  }

  private idOf(row: SourceRow): string {
    return row[this.idField] ?? '';
  }

  private timeOf(row: SourceRow, where: string): number {
    // a record without its id is dirt the source may send; it is served (ordered as id '')
    const id = row[this.idField] ?? '';
    const raw = row[this.timeField];
    const ms = typeof raw === 'string' ? parseUpdateTime(raw) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new WorldDataError(
        `${this.label} ${where} (${this.idField} ${id}): the update time ${this.timeField} '${String(raw ?? '')}' is unreadable; a source system always stamps its records`,
      );
    }
    return ms;
  }
}

/** Record ids compare in byte order (ids are ASCII in every source). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
