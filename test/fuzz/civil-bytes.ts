// Byte-level mutations of the world's civil files (invalid GBK, BOMs, quotes, mixed line ends,
// truncation): the file is read whole with every row at its physical line, or refused whole
// for an unclosed quote naming its line — never a row merged into another or dropped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createCivilConnector } from '../../connectors/civil/connector.ts';
import { CivilInboxError } from '../../connectors/civil/inbox-error.ts';
import iconv from 'iconv-lite';
import { CsvQuoteError, decodeCivilCsv, parseCsvLines, rowOf } from '../../connectors/civil/csv-file.ts';
import { normalize } from '../../connectors/normalize.ts';
import { fuzzWorld, REJECTION_CODES, SKIP_CODES } from './records.ts';

export type ByteOp =
  | { op: 'line-end'; line: number; end: '\r\n' | '\n' | '\r' }
  | { op: 'bom' }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'truncate'; at: number };

export interface CivilCase {
  file: number;
  ops: ByteOp[];
}

let files: Buffer[] | undefined;
function civilFiles(): Buffer[] {
  files ??= (fuzzWorld().sources.civil ?? []).map((f) => (f.encoding === 'gbk' ? iconv.encode(f.text, 'gbk') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(f.text, 'utf8')])));
  return files;
}

export function civilCaseArb(): fc.Arbitrary<CivilCase> {
  const count = civilFiles().length;
  const op: fc.Arbitrary<ByteOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('line-end' as const), line: fc.nat({ max: 40 }), end: fc.constantFrom('\r\n' as const, '\n' as const, '\r' as const) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat({ max: 4000 }),
        // invalid GBK lead bytes, quotes, separators, line ends, NUL
        bytes: fc.array(fc.constantFrom(0x81, 0xfe, 0xff, 0x80, 0x22, 0x2c, 0x0d, 0x0a, 0x00, 0x20, 0x34), { minLength: 1, maxLength: 6 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 4000 }) }) },
  );
  return fc.record({ file: fc.nat({ max: Math.max(0, count - 1) }), ops: fc.array(op, { maxLength: 5 }) });
}

/** The file's bytes after the case's operations. */
export function civilBytes(c: CivilCase): Buffer {
  let bytes = civilFiles()[c.file] ?? Buffer.alloc(0);
  for (const o of c.ops) {
    if (o.op === 'bom') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    else if (o.op === 'truncate') bytes = bytes.subarray(0, Math.min(o.at, bytes.length));
    else if (o.op === 'insert') {
      const at = Math.min(o.at, bytes.length);
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(o.bytes), bytes.subarray(at)]);
    } else {
      // replace the line end after line `line` (0-based) with another kind
      let seen = 0;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b !== 0x0a && b !== 0x0d) continue;
        const width = b === 0x0d && bytes[i + 1] === 0x0a ? 2 : 1;
        if (seen === o.line) {
          bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from(o.end, 'latin1'), bytes.subarray(i + width)]);
          break;
        }
        seen++;
        i += width - 1;
      }
    }
  }
  return bytes;
}

export function checkCivilCase(c: CivilCase): void {
  const bytes = civilBytes(c);
  const { text } = decodeCivilCsv(bytes);
  let lines;
  try {
    lines = parseCsvLines(text);
  } catch (err) {
    assert.ok(err instanceof CsvQuoteError, `only an unclosed quote refuses a file: ${String(err)}`);
    assert.ok(err.line >= 1, 'the refusal names the line');
    return;
  }
  // the physical lines, each of CRLF, LF and a lone CR ending one
  const physical = text === '' ? [] : text.split(/\r\n|\r|\n/);
  if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop();
  if (!text.includes('"')) {
    assert.equal(lines.length, physical.length, 'one record per physical line');
    lines.forEach((l, i) => {
      assert.equal(l.line, i + 1, 'each record at its physical line');
      assert.deepEqual(l.fields, physical[i].split(','), `line ${i + 1} split at its separators`);
    });
  } else {
    for (let i = 1; i < lines.length; i++) assert.ok(lines[i].line > lines[i - 1].line, 'line numbers ascend');
    assert.ok(lines.length === 0 || lines[lines.length - 1].line <= Math.max(1, physical.length), 'no line beyond the file');
  }
  for (const l of lines) {
    if (l.line === 1 || l.blank) continue;
    const n = normalize('civil', 'cremation', { file: 'HH_440106_20261103.csv', line: l.line, row: rowOf(l.fields) }, { asOf: '2026-11-28' });
    assert.ok(n.outcome === 'staged' || (n.outcome === 'rejected' && REJECTION_CODES.has(n.reasonCode)) || (n.outcome === 'skipped' && SKIP_CODES.has(n.reasonCode)));
  }
}

/**
 * The same mutations through the civil connector: a file dropped with its `.ok` is read whole —
 * every non-blank data line a record `<file>:<line>` at its physical line — or refused whole
 * (an unclosed quote naming its line, or a header that is not the agreed one), left unread
 * with its state unsaved so that a corrected re-delivery is read.
 */
export async function checkCivilPull(inbox: string, c: CivilCase): Promise<void> {
  const name = 'HH_440106_20261103.csv';
  for (const f of fs.readdirSync(inbox)) fs.rmSync(path.join(inbox, f));
  const bytes = civilBytes(c);
  fs.writeFileSync(path.join(inbox, name), bytes);
  fs.writeFileSync(path.join(inbox, `${name}.ok`), '');
  const connector = createCivilConnector({ inboxDir: inbox, outboxDir: path.join(inbox, '..', 'outbox') });
  const pages = [];
  try {
    for await (const p of connector.pull('cremation', null, { asOf: '2026-11-28' })) pages.push(p);
  } catch (err) {
    assert.ok(err instanceof CivilInboxError, `only a file's own problem fails the pull: ${String(err)}`);
    assert.ok(err.code === 'LIFECERT_CIVIL_CSV_MALFORMED' || err.code === 'LIFECERT_CIVIL_HEADER_MISMATCH');
    assert.deepEqual(err.files, [name]);
    if (err.code === 'LIFECERT_CIVIL_CSV_MALFORMED') assert.match(err.message, /line \d+/, 'the refusal names the line');
    assert.deepEqual(pages.flatMap((p) => p.records), [], 'nothing of a refused file is read');
    return;
  }
  const lines = parseCsvLines(decodeCivilCsv(bytes).text);
  const expected = lines.filter((l) => l.line > 1 && !l.blank).map((l) => `${name}:${l.line}`);
  assert.deepEqual(pages.flatMap((p) => p.records.map((r) => r.recordId)), expected, 'every non-blank data line is a record at its physical line');
  assert.equal(pages.at(-1)?.state.files[name]?.sha256.length, 64, 'the file is remembered once read');
}
