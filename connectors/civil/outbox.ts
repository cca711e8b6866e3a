// The civil feedback outbox (sources.md §4): `FK_<areaCode6>_<YYYYMMDD>_<seq3>.csv` in GBK,
// then its done-marker `<same name>.ok`. seq counts 001, 002 … per area code and day; a
// written file is never changed: files are created exclusively, and a name already taken
// (by us earlier, or by another worker at the same moment) moves on to the next number.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { encodeGbk } from './csv-file.ts';
import { csvField } from '../../lib/csv.ts';

export const FEEDBACK_HEADER = ['反馈编号', '身份证号码', '逝者姓名', '原文件', '行号', '问题字段', '原值', '更正值', '原因代码', '核实日期'] as const;

/** One feedback row, in the outbox header's order. */
export interface CivilFeedbackRow {
  /** 反馈编号 */
  feedbackId: string;
  /** 身份证号码 */
  idNumber: string;
  /** 逝者姓名 */
  name: string;
  /** 原文件: the inbox file the row came from */
  file: string;
  /** 行号: its physical line */
  line: number;
  /** 问题字段: the CSV column at fault */
  field: string;
  /** 原值 */
  reportedValue: string;
  /** 更正值 */
  correctedValue: string;
  /** 原因代码 */
  reasonCode: string;
  /** 核实日期 */
  verifiedDate: string;
}

export interface WrittenFeedbackFile {
  file: string;
  path: string;
  seq: number;
  rows: number;
}

export class CivilOutbox {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Write one feedback file for an area and day (`YYYY-MM-DD` or `YYYYMMDD`). */
  async write(areaCode: string, date: string, rows: readonly CivilFeedbackRow[]): Promise<WrittenFeedbackFile> {
    if (!/^\d{6}$/.test(areaCode)) throw new ConnectorError('LIFECERT_CIVIL_OUTBOX_WRITE_FAILED', `area code must be 6 digits, got ${JSON.stringify(areaCode)}`);
    const day = date.replaceAll('-', '');
    if (!/^\d{8}$/.test(day)) throw new ConnectorError('LIFECERT_CIVIL_OUTBOX_WRITE_FAILED', `date must be YYYY-MM-DD or YYYYMMDD, got ${JSON.stringify(date)}`);
    await fs.mkdir(this.dir, { recursive: true });
    const bytes = encodeGbk(feedbackCsv(rows));
    for (let seq = (await this.lastSeq(areaCode, day)) + 1; seq <= 999; seq++) {
      const file = `FK_${areaCode}_${day}_${String(seq).padStart(3, '0')}.csv`;
      const full = path.join(this.dir, file);
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(full, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new ConnectorError('LIFECERT_CIVIL_OUTBOX_WRITE_FAILED', `cannot create ${full}: ${(err as Error).message}`, { cause: err });
      }
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // the marker comes last: a reader that sees it sees the whole CSV
      await fs.writeFile(`${full}.ok`, '', { flag: 'wx' });
      return { file, path: full, seq, rows: rows.length };
    }
    throw new ConnectorError('LIFECERT_CIVIL_OUTBOX_WRITE_FAILED', `no sequence number left for area ${areaCode} on ${day} (999 files written)`);
  }

  private async lastSeq(areaCode: string, day: string): Promise<number> {
    const pattern = new RegExp(`^FK_${areaCode}_${day}_(\\d{3})\\.csv(\\.ok)?$`);
    let max = 0;
    for (const name of await fs.readdir(this.dir)) {
      const m = pattern.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max;
  }
}

export function feedbackCsv(rows: readonly CivilFeedbackRow[]): string {
  const lines = [FEEDBACK_HEADER.join(',')];
  for (const r of rows) {
    lines.push([r.feedbackId, r.idNumber, r.name, r.file, String(r.line), r.field, r.reportedValue, r.correctedValue, r.reasonCode, r.verifiedDate].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The 6-digit area code in an inbox file name `HH_<area>_<date>.csv`, or null. */
export function areaCodeOfInboxFile(file: string): string | null {
  return /^HH_(\d{6})_\d{8}\.csv$/.exec(file)?.[1] ?? null;
}
