// Decoding and parsing of civil-affairs cremation CSVs (sources.md §4): GBK, or UTF-8 with a
// BOM; quoted fields with commas; blank lines; a last line without a newline. Each row keeps
// its PHYSICAL line number (header = line 1, blank lines counted), which is its record id.
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
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

/**
 * Parse CSV text into physical lines; throws csv-parse's error on an unclosed quote.
 * csv-parse's own line counter counts a CRLF inside a quoted field twice, so the line a
 * record starts on is computed here: from where the previous record ended (`info.bytes`,
 * UTF-8 bytes) by counting the line breaks before it (CRLF, CR or LF each one break).
 */
export function parseCsvLines(text: string): CsvLine[] {
  const parsed = parse(text, {
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: false,
  }) as unknown as Array<{ record: string[]; info: { bytes: number } }>;
  const bytes = Buffer.from(text, 'utf8');
  let line = 1;
  let scanned = 0;
  let start = 0;
  const out: CsvLine[] = [];
  for (const { record, info } of parsed) {
    for (; scanned < start; scanned++) {
      const b = bytes[scanned];
      if (b === 0x0a || (b === 0x0d && bytes[scanned + 1] !== 0x0a)) line++;
    }
    out.push({ line, fields: record, blank: record.every((f) => f.trim() === '') });
    start = info.bytes;
  }
  return out;
}

export function headerMatches(fields: readonly string[] | string): boolean {
  const cells = typeof fields === 'string' ? fields.split(',') : fields;
  return cells.length === CIVIL_COLUMNS.length && cells.every((c, i) => c.replace(/^\uFEFF/, '').trim().replace(/^"|"$/g, '') === CIVIL_COLUMNS[i]);
}

/** A data row keyed by the header; extra fields beyond the header are kept as `_extra<N>`. */
export function rowOf(fields: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  fields.forEach((value, i) => {
    row[i < CIVIL_COLUMNS.length ? CIVIL_COLUMNS[i] : `_extra${i + 1}`] = value;
  });
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
