// Decoding and parsing of civil-affairs cremation CSVs (sources.md §4): GBK, or UTF-8 with a
// BOM; quoted fields with commas; blank lines; a last line without a newline. Each row keeps
// its PHYSICAL line number (header = line 1, blank lines counted), which is its record id.
import iconv from 'iconv-lite';
import { CIVIL_HEADER } from '../../schemas/civil.ts';

export const CIVIL_COLUMNS: readonly string[] = CIVIL_HEADER;

export type CivilEncoding = 'gbk' | 'utf8-bom' | 'utf8';

export interface DecodedCsv {
  text: string;
  encoding: CivilEncoding;
}

export interface CsvLine {
  /** physical line number where the row starts (1 = header) */
  line: number;
  /** the fields as parsed */
  fields: string[];
  /** only separators and white space (U+3000 included) */
  blank: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * UTF-8 when the file starts with a BOM; otherwise GBK (decoded as GB18030, its superset, so
 * the rare characters some offices' software emits survive). A BOM-less file whose GBK
 * reading does not give the agreed header but whose strict UTF-8 reading does is taken as
 * UTF-8: some spreadsheet exports drop the BOM.
 */
export function decodeCivilCsv(bytes: Uint8Array): DecodedCsv {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 3 && UTF8_BOM.every((b, i) => buf[i] === b)) {
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf8-bom' };
  }
  const gbk = iconv.decode(buf, 'gb18030');
  if (headerMatches(firstLine(gbk))) return { text: gbk, encoding: 'gbk' };
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    if (headerMatches(firstLine(utf8))) return { text: utf8, encoding: 'utf8' };
  } catch {
    // not UTF-8 either: report it as GBK, the header check names the problem
  }
  return { text: gbk, encoding: 'gbk' };
}

/** The line an unclosed quote opened on: the file cannot be parsed (sources.md §4: refused whole, naming the line). */
export class CsvQuoteError extends Error {
  override readonly name = 'CsvQuoteError';
  readonly line: number;
  constructor(line: number) {
    super(`a quoted field opened on line ${line} is never closed`);
    this.line = line;
  }
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * Parse CSV text into physical lines in one left-to-right pass. CRLF, LF and a lone CR each end
 * a line, mixed within one file (sources.md §4), and each counts once in the physical line
 * numbers, also inside a quoted field. A field that starts with a quote runs to the closing
 * quote (`""` is a quote); a quote anywhere else is an ordinary character, and so is what
 * follows a closing quote up to the next separator. Throws CsvQuoteError on an unclosed quote.
 */
export function parseCsvLines(text: string): CsvLine[] {
  const out: CsvLine[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let blank = true;
    // one record: fields until a line end outside quotes, or the end of the text
    for (;;) {
      let field = '';
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const openedOn = line;
        i++;
        for (;;) {
          let j = i;
          // up to the next quote, counting the line ends passed
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) break;
            if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
            j++;
          }
          if (j >= n) throw new CsvQuoteError(openedOn);
          field += text.slice(i, j);
          if (text.charCodeAt(j + 1) === QUOTE) {
            field += '"';
            i = j + 2;
            continue;
          }
          i = j + 1;
          break;
        }
      }
      // unquoted (or the rest after a closing quote): up to a separator or a line end
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR) break;
        j++;
      }
      field += text.slice(i, j);
      fields.push(field);
      if (blank && field.trim() !== '') blank = false;
      i = j;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // a line end: CRLF is one
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    out.push({ line: startLine, fields, blank });
  }
  return out;
}

export function headerMatches(fields: readonly string[] | string): boolean {
  const cells = typeof fields === 'string' ? fields.split(',') : fields;
  return cells.length === CIVIL_COLUMNS.length && cells.every((c, i) => c.replace(/^\uFEFF/, '').trim().replace(/^"|"$/g, '') === CIVIL_COLUMNS[i]);
}

/** Extra fields beyond the header kept one by one; the rest of a longer row is kept joined. */
export const MAX_EXTRA_FIELDS = 32;

/**
 * A data row keyed by the header; extra fields beyond the header are kept as `_extra<N>` (N the
 * field's position), the first 32 of them: a line of ten million commas is one record, and the
 * fields past those are kept in `_extraRest`, joined by commas (the page archive has the bytes).
 */
export function rowOf(fields: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  const kept = Math.min(fields.length, CIVIL_COLUMNS.length + MAX_EXTRA_FIELDS);
  for (let i = 0; i < kept; i++) row[i < CIVIL_COLUMNS.length ? CIVIL_COLUMNS[i] : `_extra${i + 1}`] = fields[i];
  if (fields.length > kept) row._extraRest = fields.slice(kept).join(',');
  return row;
}

function firstLine(text: string): string {
  const end = text.search(/\r\n|\r|\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** Encode text as GBK (outbox files). */
export function encodeGbk(text: string): Buffer {
  return iconv.encode(text, 'gbk');
}
