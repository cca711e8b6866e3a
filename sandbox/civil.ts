// The civil affairs file drop (民政殡葬, sources.md §4): cremation CSVs written into the inbox
// in GBK or UTF-8 with BOM, each followed by its `.ok` marker; feedback files read back from
// the outbox. A re-delivery follows the sender's protocol: delete `.ok`, rewrite, write `.ok`.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { toChinaIso } from '../lib/china-time.ts';
import type { ReceivedRequest } from './received-log.ts';
import { WorldDataError } from './sorted-records.ts';
import type { CivilFile } from './world.ts';

export const CIVIL_FILE_NAME = /^HH_\d{6}_\d{8}\.csv$/;
export const OUTBOX_FILE_NAME = /^FK_\d{6}_\d{8}_\d{3}\.csv$/;
export const OUTBOX_HEADER = ['反馈编号', '身份证号码', '逝者姓名', '原文件', '行号', '问题字段', '原值', '更正值', '原因代码', '核实日期'] as const;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The bytes the office would send: GBK, or UTF-8 with a BOM added (`text` never holds one). */
export function encodeCivilText(file: CivilFile): Buffer {
  const text = file.text.startsWith('\uFEFF') ? file.text.slice(1) : file.text;
  if (file.encoding === 'utf8-bom') return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
  if (file.encoding !== 'gbk') throw new WorldDataError(`civil file ${file.name}: unknown encoding '${String(file.encoding)}' (gbk, utf8-bom)`);
  const bytes = iconv.encode(text, 'gbk');
  if (iconv.decode(bytes, 'gbk') !== text) {
    // iconv silently writes '?' for characters GBK lacks; a world must not lose data that way
    const bad = [...text].find((ch) => iconv.decode(iconv.encode(ch, 'gbk'), 'gbk') !== ch) ?? '?';
    throw new WorldDataError(`civil file ${file.name}: '${bad}' (U+${bad.codePointAt(0)?.toString(16).toUpperCase()}) cannot be written in GBK`);
  }
  return bytes;
}

export class CivilDrop {
  readonly civilDir: string;
  readonly inboxDir: string;
  readonly outboxDir: string;

  constructor(civilDir: string) {
    this.civilDir = civilDir;
    this.inboxDir = path.join(civilDir, 'inbox');
    this.outboxDir = path.join(civilDir, 'outbox');
    fs.mkdirSync(this.inboxDir, { recursive: true });
    fs.mkdirSync(this.outboxDir, { recursive: true });
  }

  /**
   * Deliver (or re-deliver) one file: delete its `.ok`, write the CSV, then write the `.ok`
   * unless the file is still being transferred (`complete: false`).
   */
  deliver(file: CivilFile): void {
    if (!CIVIL_FILE_NAME.test(file.name)) throw new WorldDataError(`civil file name '${file.name}' is not HH_<areaCode6>_<YYYYMMDD>.csv`);
    const bytes = encodeCivilText(file);
    const csvPath = path.join(this.inboxDir, file.name);
    fs.rmSync(`${csvPath}.ok`, { force: true });
    fs.writeFileSync(csvPath, bytes);
    if (file.complete !== false) fs.writeFileSync(`${csvPath}.ok`, '');
  }

  /**
   * Every complete feedback file in the outbox (one with its `.ok`), oldest marker first,
   * each parsed from GBK into items keyed by the file's header fields. A file that breaks the
   * contract (name, header, encoding, CSV form) is still listed, with `error` saying how.
   */
  readOutbox(): ReceivedRequest[] {
    const names = fs.readdirSync(this.outboxDir).filter((n) => /^FK_.*\.csv$/.test(n) && fs.existsSync(path.join(this.outboxDir, `${n}.ok`)));
    const files = names.map((name) => ({ name, okAt: fs.statSync(path.join(this.outboxDir, `${name}.ok`)).mtimeMs }));
    files.sort((a, b) => a.okAt - b.okAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return files.map(({ name, okAt }) => this.readFeedbackFile(name, okAt));
  }

  private readFeedbackFile(name: string, okAt: number): ReceivedRequest {
    const problems: string[] = [];
    if (!OUTBOX_FILE_NAME.test(name)) problems.push('file name is not FK_<areaCode6>_<YYYYMMDD>_<seq3>.csv');
    const bytes = fs.readFileSync(path.join(this.outboxDir, name));
    if (bytes.subarray(0, 3).equals(UTF8_BOM)) problems.push('file starts with a UTF-8 BOM; feedback files are GBK');
    const text = iconv.decode(bytes, 'gbk');
    let rows: string[][] = [];
    try {
      rows = parse(text, { skip_empty_lines: true, relax_column_count: true });
    } catch (err) {
      problems.push(`not readable as CSV: ${(err as Error).message}`);
    }
    const header = rows[0] ?? [];
    if (header.join(',') !== OUTBOX_HEADER.join(',')) problems.push(`header is '${header.join(',')}', expected '${OUTBOX_HEADER.join(',')}'`);
    const items = rows.slice(1).map((row, i) => {
      if (row.length !== header.length) problems.push(`row ${i + 2} has ${row.length} fields, the header ${header.length}`);
      return Object.fromEntries(header.map((h, k) => [h, row[k] ?? '']));
    });
    const entry: ReceivedRequest = { at: toChinaIso(okAt), operation: 'feedback-file', file: name, items };
    if (problems.length > 0) entry.error = problems.join('; ');
    return entry;
  }
}
