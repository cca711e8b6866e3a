// Civil-affairs file-drop connector: reads the CSVs of the inbox whose `.ok` marker exists,
// again only when their content hash changed. A re-delivered file replaces the earlier one
// as a whole: every line's row is its record's current version (pages say `versionOrder:
// 'delivery'`, sources.md section 4), and a line that held a row before and is now missing or
// blank is yielded as withdrawn. Files are read in name
// (delivery) order and gathered into pages of about `pageSize` records (default 500; a file
// is never split): a province sends thousands of small files a month, and one page — one
// committed cursor — per file made the cursor, which remembers every file's hash and the
// lines that held a row, the cost of the pull. A page's body is its files' bytes one after
// another; its request names each file with its byte length and hash, so the archive still
// tells the files apart.
//
// A file whose header is not the agreed one (or that cannot be parsed) is a data error of
// that file only: the other files are read, the bad one is left unread (its state does not
// change, so a corrected re-delivery is read), and the pull then ends with a
// LIFECERT_CIVIL_HEADER_MISMATCH / LIFECERT_CIVIL_CSV_MALFORMED error naming every such file.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CivilRaw } from '../../schemas/types.ts';
import type { CheckResult, Connector, Page, PullOptions, PulledRecord } from '../kit/connector.ts';
import { loadConnectorSchema, validateConfig } from '../kit/config.ts';
import { checkFailure } from '../kit/connector-deps.ts';
import { assertDataset } from '../kit/datasets.ts';
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { throwIfAborted } from '../kit/retry.ts';
import { chinaDate, normalizeUpdateTime } from '../../lib/china-time.ts';
import { CIVIL_COLUMNS, decodeCivilCsv, headerMatches, parseCsvLines, rowOf } from './csv-file.ts';
import type { CivilEncoding, CsvLine } from './csv-file.ts';
import { CivilInboxError } from './inbox-error.ts';
import { decodeLines, encodeLines } from './line-set.ts';
import { areaCodeOfInboxFile, CivilOutbox } from './outbox.ts';
import type { CivilFeedbackRow, WrittenFeedbackFile } from './outbox.ts';
import { CIVIL_DATASETS } from './raw-records.ts';

/** Records per page when the caller asks for no page size. */
export const CIVIL_PAGE_RECORDS = 500;
/** A page is closed once its files reach this many bytes, whatever its record count. */
const CIVIL_PAGE_BYTES = 8 * 1024 * 1024;

export interface CivilConfig {
  inboxDir: string;
  outboxDir: string;
  filePattern: string;
}

/** What the connector remembers of one inbox file. */
export type CivilFileState = {
  /** sha-256 hex of the bytes last read */
  sha256: string;
  /** the lines that held a row in that delivery, as ranges (`2-5,7`) */
  lines: string;
  encoding: CivilEncoding;
};

export type CivilState = {
  files: Record<string, CivilFileState>;
};

export interface CivilConnector extends Connector<CivilState> {
  readonly outbox: CivilOutbox;
  /** Write feedback rows into the outbox: one file per area code (taken from `file`), dated `date` (default today, China). */
  writeFeedback(rows: readonly CivilFeedbackRow[], date?: string): Promise<WrittenFeedbackFile[]>;
}

const schema = loadConnectorSchema('civil');

export function createCivilConnector(input: unknown, deps: { now?: () => number } = {}): CivilConnector {
  const config = validateConfig<CivilConfig>('civil', schema, input);
  const outbox = new CivilOutbox(config.outboxDir);
  const now = deps.now ?? Date.now;

  return {
    channel: 'civil',
    datasets: CIVIL_DATASETS,
    outbox,
    spec: () => structuredClone(schema),

    async check(): Promise<CheckResult> {
      try {
        await fs.readdir(config.inboxDir);
        await fs.mkdir(config.outboxDir, { recursive: true });
        await fs.access(config.outboxDir, fs.constants.W_OK);
        return { ok: true };
      } catch (err) {
        return checkFailure(new ConnectorError('LIFECERT_CIVIL_FILE_UNREADABLE', `civil inbox/outbox not usable: ${(err as Error).message}`, { cause: err }));
      }
    },

    pull(dataset: string, state: CivilState | null, options: PullOptions): AsyncIterable<Page<CivilState>> {
      return pullInbox(config, dataset, state, options);
    },

    async writeFeedback(rows, date = chinaDate(now())) {
      const byArea = new Map<string, CivilFeedbackRow[]>();
      for (const row of rows) {
        const area = areaCodeOfInboxFile(row.file);
        if (!area) throw new ConnectorError('LIFECERT_CIVIL_OUTBOX_WRITE_FAILED', `feedback row ${row.feedbackId} names no HH_<area>_<date>.csv file (${JSON.stringify(row.file)})`);
        byArea.set(area, [...(byArea.get(area) ?? []), row]);
      }
      const written: WrittenFeedbackFile[] = [];
      for (const [area, list] of [...byArea].sort(([a], [b]) => a.localeCompare(b))) written.push(await outbox.write(area, date, list));
      return written;
    },
  };
}

interface FileProblem {
  file: string;
  code: 'LIFECERT_CIVIL_HEADER_MISMATCH' | 'LIFECERT_CIVIL_CSV_MALFORMED';
  message: string;
}

async function* pullInbox(config: Readonly<CivilConfig>, dataset: string, state: CivilState | null, options: PullOptions): AsyncGenerator<Page<CivilState>> {
  assertDataset('civil', CIVIL_DATASETS, dataset);
  const pattern = new RegExp(config.filePattern);
  const files: Record<string, CivilFileState> = { ...(state?.files ?? {}) };
  const problems: FileProblem[] = [];
  const pageRecords = Math.max(1, options.pageSize ?? CIVIL_PAGE_RECORDS);
  let page: { records: PulledRecord[]; bodies: Uint8Array[]; bytes: number; reads: string[] } = { records: [], bodies: [], bytes: 0, reads: [] };
  // the state after the page: a copy, so that later files never change a state already yielded
  const flush = (): Page<CivilState> => {
    const done = page;
    page = { records: [], bodies: [], bytes: 0, reads: [] };
    // a re-delivery replaces the file whatever its 登记时间 say: the delivery order decides
    return { records: done.records, state: { files: { ...files } }, body: Buffer.concat(done.bodies), request: `READ ${done.reads.join('; ')}`, versionOrder: 'delivery' };
  };

  let names: string[];
  try {
    names = await fs.readdir(config.inboxDir);
  } catch (err) {
    throw new ConnectorError('LIFECERT_CIVIL_FILE_UNREADABLE', `cannot list the civil inbox ${config.inboxDir}: ${(err as Error).message}`, { cause: err });
  }
  const present = new Set(names);
  // file names carry the date: name order is delivery order
  const ready = names.filter((n) => pattern.test(n) && present.has(`${n}.ok`)).sort();

  for (const name of ready) {
    throwIfAborted(options.signal);
    const read = await readComplete(path.join(config.inboxDir, name));
    if (!read) continue; // being re-delivered right now: the next pull takes it
    const sha256 = crypto.createHash('sha256').update(read).digest('hex');
    const before = files[name];
    if (before && before.sha256 === sha256) continue;

    const decoded = decodeCivilCsv(read);
    let lines: CsvLine[];
    try {
      lines = parseCsvLines(decoded.text);
    } catch (err) {
      problems.push({ file: name, code: 'LIFECERT_CIVIL_CSV_MALFORMED', message: `${name}: ${(err as Error).message}` });
      continue;
    }
    const header = lines.find((l) => l.line === 1);
    if (!header || !headerMatches(header.fields)) {
      problems.push({
        file: name,
        code: 'LIFECERT_CIVIL_HEADER_MISMATCH',
        message: `${name}: header ${JSON.stringify(header?.fields.join(',') ?? '')} is not ${CIVIL_COLUMNS.join(',')} (read as ${decoded.encoding})`,
      });
      continue;
    }

    const records = page.records;
    const held = new Set<number>();
    for (const l of lines) {
      if (l.line === 1) continue;
      if (l.blank) continue;
      held.add(l.line);
      const raw: CivilRaw = { file: name, line: l.line, row: rowOf(l.fields) };
      records.push({ recordId: `${name}:${l.line}`, raw, updatedAt: normalizeUpdateTime(raw.row['登记时间'] ?? '') });
    }
    if (before) {
      const blankRows = new Map(lines.filter((l) => l.blank && l.line > 1).map((l) => [l.line, l.fields]));
      for (const line of decodeLines(before.lines)) {
        if (held.has(line)) continue;
        const raw: CivilRaw = { file: name, line, row: rowOf(blankRows.get(line) ?? []) };
        records.push({ recordId: `${name}:${line}`, raw, updatedAt: '', withdrawn: true });
      }
    }
    files[name] = { sha256, lines: encodeLines(held), encoding: decoded.encoding };
    page.bodies.push(read);
    page.bytes += read.byteLength;
    page.reads.push(`${name} bytes=${read.byteLength} sha256=${sha256}${before ? ' (re-delivery)' : ''}`);
    if (page.records.length >= pageRecords || page.bytes >= CIVIL_PAGE_BYTES) yield flush();
  }
  if (page.reads.length > 0) yield flush();

  if (problems.length) {
    const code = problems.some((p) => p.code === 'LIFECERT_CIVIL_HEADER_MISMATCH') ? 'LIFECERT_CIVIL_HEADER_MISMATCH' : 'LIFECERT_CIVIL_CSV_MALFORMED';
    throw new CivilInboxError(code, `civil files left unread: ${problems.map((p) => p.message).join(' | ')}`, problems.map((p) => p.file));
  }
}

/**
 * The CSV's bytes, or null when its `.ok` vanished or changed while we read: the sender
 * deletes the marker before rewriting, so a read that straddles that is not a delivery.
 */
async function readComplete(csvPath: string): Promise<Uint8Array | null> {
  const okPath = `${csvPath}.ok`;
  try {
    const okBefore = await fs.stat(okPath);
    const bytes = await fs.readFile(csvPath);
    const okAfter = await fs.stat(okPath);
    if (okAfter.mtimeMs !== okBefore.mtimeMs || okAfter.ino !== okBefore.ino) return null;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConnectorError('LIFECERT_CIVIL_FILE_UNREADABLE', `cannot read ${csvPath}: ${(err as Error).message}`, { cause: err });
  }
}
