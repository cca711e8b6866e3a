// What a source says about its paging is checked before it is believed (sources.md, the list
// after the incremental rules): totals, page numbers and sizes are non-negative integers as
// documented, an echoed page number is the page asked for, a cursor is a string. A field that
// is not is a retryable paging error (thrown inside the client's retry, so the same request is
// asked again first); the pages already staged stay staged and the cursor stays where it was.
import { ConnectorError } from './errors/connector-error.ts';

/** A paging count as the source sent it: a JSON number, or (SOAP) the element's text. */
export function pagingInteger(value: unknown, field: string, request: string): number {
  let n: number = Number.NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value.trim())) n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_INVALID', `${request}: ${field} is ${describePaging(value)}, not a non-negative integer; the page is not believed`, { request });
  }
  return n;
}

/** An echoed page number: when the source sends one it must be the page asked for. */
export function checkEchoedPage(value: unknown, field: string, asked: number, request: string): void {
  if (value === undefined) return;
  const n = pagingInteger(value, field, request);
  if (n !== asked) {
    throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_INVALID', `${request}: ${field} is ${n}, but page ${asked} was asked for; the page is not believed`, { request });
  }
}

function describePaging(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return value.length > 40 ? `the text ${JSON.stringify(value.slice(0, 40))}…` : `the text ${JSON.stringify(value)}`;
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/**
 * Watches a pull for a source that pages without end: a page whose records are those of the
 * page before (PAGING_REPEAT), and a run of records with nothing new that is longer than every
 * record seen so far plus a page (PAGING_STALLED) — an honest re-pass re-reads at most what was
 * seen before; a source cycling its pages reads it again and again.
 */
export class PagingWatch {
  private previous: string | null = null;
  private staleRun = 0;
  private readonly describe: string;

  constructor(describe: string) {
    this.describe = describe;
  }

  /** A new pass over the window starts: its first page may repeat the last page of the pass before. */
  newPass(): void {
    this.previous = null;
  }

  /**
   * One page: the version keys of its records in order, how many of them were new, and how
   * many versions the pull has seen. Throws a retryable paging error on a repeat or a stall.
   */
  page(keys: readonly string[], fresh: number, seen: number, pageSize: number, request: string): void {
    if (keys.length === 0) return;
    const signature = keys.join('\u0001');
    if (signature === this.previous && fresh === 0) {
      throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_REPEAT', `${request}: ${this.describe} served the records of the page before again; the pull stops and resumes from the last committed state`, { request });
    }
    this.previous = signature;
    this.staleRun = fresh > 0 ? 0 : this.staleRun + keys.length;
    if (this.staleRun > seen + pageSize) {
      throw new ConnectorError('LIFECERT_CONNECTOR_PAGING_STALLED', `${request}: ${this.describe} served ${this.staleRun} records in a row without a new one, more than it holds; the pull stops and resumes from the last committed state`, { request });
    }
  }
}
