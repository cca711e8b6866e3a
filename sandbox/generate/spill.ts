// Temporary files of the streamed generator (stream.ts): buffered writers, lists of JSON values
// spilled to disk as they are made, and sorted runs merged back in order (an external sort).
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const FLUSH = 1 << 20;

/** A file written through a string buffer of about 1 MB. */
export class Out {
  private readonly fd: number;
  private buffer = '';

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH) this.flush();
  }

  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  /** Append the bytes of a closed file as they are. */
  copyFrom(path: string): void {
    this.flush();
    const fd = openSync(path, 'r');
    const chunk = Buffer.allocUnsafe(FLUSH);
    try {
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        writeSync(this.fd, chunk, 0, n);
      }
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** The elements of one JSON array or members of one object, comma-separated, in the order they come. */
export class Spill {
  readonly path: string;
  private readonly out: Out;
  count = 0;

  constructor(path: string) {
    this.path = path;
    this.out = new Out(path);
  }

  /** One element (already JSON text, or `"key":value` for an object member). */
  push(json: string): void {
    this.out.write(this.count === 0 ? json : `,${json}`);
    this.count += 1;
  }

  close(): void {
    this.out.close();
  }
}

/** Lines of a file, read through a small buffer. */
class LineReader {
  private readonly fd: number;
  private readonly chunk = Buffer.allocUnsafe(1 << 16);
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private pos = 0;
  private done = false;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf('\n', this.pos);
      if (nl >= 0) {
        const line = this.text.slice(this.pos, nl);
        this.pos = nl + 1;
        return line;
      }
      if (this.done) {
        const rest = this.text.slice(this.pos);
        this.text = '';
        this.pos = 0;
        return rest.length > 0 ? rest : null;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      this.text = this.text.slice(this.pos) + (n === 0 ? this.decoder.end() : this.decoder.write(this.chunk.subarray(0, n)));
      this.pos = 0;
      if (n === 0) this.done = true;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Sorted runs of lines `key \t rest`: each run written whole, sorted by key (plain string order),
 * then merged by `mergeRuns` into one ascending sequence. Keys never contain a tab or a newline.
 */
export function writeRun(path: string, lines: [key: string, rest: string][]): void {
  lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out = new Out(path);
  for (const [key, rest] of lines) out.write(`${key}\t${rest}\n`);
  out.close();
}

/** Merge sorted runs: `each(key, rest)` in ascending key order (a binary heap over the runs' heads). */
export function mergeRuns(paths: readonly string[], each: (key: string, rest: string) => void): void {
  type Head = { key: string; rest: string; reader: LineReader };
  const heap: Head[] = [];
  const less = (a: Head, b: Head): boolean => a.key < b.key;
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  const readers = paths.map((p) => new LineReader(p));
  try {
    const load = (reader: LineReader): Head | null => {
      const line = reader.next();
      if (line === null) return null;
      const tab = line.indexOf('\t');
      return { key: line.slice(0, tab), rest: line.slice(tab + 1), reader };
    };
    for (const reader of readers) {
      const head = load(reader);
      if (head) { heap.push(head); up(heap.length - 1); }
    }
    while (heap.length > 0) {
      const top = heap[0];
      each(top.key, top.rest);
      const next = load(top.reader);
      if (next) heap[0] = next;
      else {
        const last = heap.pop()!;
        if (heap.length > 0) heap[0] = last;
      }
      if (heap.length > 0) down(0);
    }
  } finally {
    for (const r of readers) r.close();
  }
}
