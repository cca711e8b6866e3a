import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { CivilRaw } from '../../schemas/types.ts';
import { createCivilConnector } from '../../connectors/civil/connector.ts';
import type { CivilState } from '../../connectors/civil/connector.ts';
import { parseCsvLines } from '../../connectors/civil/csv-file.ts';
import { CivilInboxError } from '../../connectors/civil/inbox-error.ts';
import { decodeLines, encodeLines } from '../../connectors/civil/line-set.ts';
import type { CivilFeedbackRow } from '../../connectors/civil/outbox.ts';
import { ConnectorError } from '../../connectors/kit/errors/connector-error.ts';
import { deliver, HEADER, tempDirs } from './fixtures.ts';
import { collect, collectUntilError } from './helpers.ts';

const rawOf = (r: { raw: unknown }) => r.raw as CivilRaw;

describe('civil CSV parsing', () => {
  it('keeps physical line numbers across blank lines, separator-only lines, quoted commas and quoted line breaks', () => {
    const text = `${HEADER}\r\n张三,"440106194103020017",1,1941-03-02,2026-11-01,2026-11-03,"广州市殡仪馆,东区",2026-11-03 09:00:00\r\n\r\n , ,,\u3000\r\n李四,440106194103020025,2,19410302,,"2026年11月3日","多行\r\n备注",2026-11-03 10:00:00\r\n王五,440106194103020033,1,,2026/11/3,,,2026-11-03 11:00:00`;
    const lines = parseCsvLines(text);
    assert.deepEqual(lines.map((l) => [l.line, l.blank]), [[1, false], [2, false], [3, true], [4, true], [5, false], [7, false]]);
    assert.equal(lines[1].fields[6], '广州市殡仪馆,东区');
  });

  it('encodes line sets as ranges', () => {
    assert.equal(encodeLines([2, 3, 4, 7, 9, 10]), '2-4,7,9-10');
    assert.deepEqual(decodeLines('2-4,7,9-10'), [2, 3, 4, 7, 9, 10]);
    assert.equal(encodeLines([]), '');
  });
});

describe('civil connector', () => {
  let dirs: ReturnType<typeof tempDirs>;
  beforeEach(() => {
    dirs = tempDirs();
  });
  afterEach(() => fs.rmSync(dirs.root, { recursive: true, force: true }));
  const connector = () => createCivilConnector({ inboxDir: dirs.inbox, outboxDir: dirs.outbox });

  it('reads only CSVs whose .ok exists, GBK and UTF-8 with BOM', async () => {
    deliver(dirs.inbox, 'HH_440106_20261103.csv', `${HEADER}\n张三,440106194103020017,男,1941-03-02,2026-11-01,2026-11-03,广州市殡仪馆,2026-11-03 09:00:00\n`, 'gbk');
    deliver(dirs.inbox, 'HH_440303_20261103.csv', `${HEADER}\n李四,440303194103020011,女,1941-03-02,,2026-11-02,深圳市殡仪馆,2026-11-02 09:00:00`, 'utf8-bom');
    deliver(dirs.inbox, 'HH_440104_20261103.csv', `${HEADER}\n在途,440104194103020011,女,1941-03-02,2026-11-01,,x,2026-11-02 09:00:00\n`, 'gbk', false);
    const c = connector();
    const pages = await collect(c.pull('cremation', null, { asOf: '2026-11-28' }));
    assert.equal(pages.length, 1, 'two small files, one page');
    assert.equal(pages[0].records.length, 2, 'the file without .ok is not read');
    const [gbk, utf8] = pages[0].records;
    assert.equal(gbk.recordId, 'HH_440106_20261103.csv:2');
    assert.deepEqual(rawOf(gbk), { file: 'HH_440106_20261103.csv', line: 2, row: { 逝者姓名: '张三', 身份证号码: '440106194103020017', 性别: '男', 出生日期: '1941-03-02', 死亡日期: '2026-11-01', 火化日期: '2026-11-03', 殡仪馆: '广州市殡仪馆', 登记时间: '2026-11-03 09:00:00' } });
    assert.equal(gbk.updatedAt, '2026-11-03T09:00:00+08:00');
    assert.equal(rawOf(utf8).row['逝者姓名'], '李四');
    assert.equal(rawOf(utf8).row['殡仪馆'], '深圳市殡仪馆');
    assert.equal(pages[0].state.files['HH_440303_20261103.csv'].encoding, 'utf8-bom');

    // the .ok arrives later: the next pull takes that file only
    fs.writeFileSync(path.join(dirs.inbox, 'HH_440104_20261103.csv.ok'), '');
    const next = await collect(c.pull('cremation', pages.at(-1)!.state, { asOf: '2026-11-28' }));
    assert.deepEqual(next.flatMap((p) => p.records.map((r) => r.recordId)), ['HH_440104_20261103.csv:2']);
  });

  it('counts blank lines in the numbering and never emits them as records', async () => {
    deliver(dirs.inbox, 'HH_440106_20261103.csv', `${HEADER}\n\n张三,440106194103020017,男,1941-03-02,2026-11-01,"2026-11-03",广州市殡仪馆,2026-11-03 09:00:00\n,,,,,,,\n李四,"44010619410302002X",女,,2026-11-02,,"殡仪馆,东区",2026-11-03 10:00:00`);
    const pages = await collect(connector().pull('cremation', null, { asOf: '2026-11-28' }));
    assert.deepEqual(pages[0].records.map((r) => r.recordId), ['HH_440106_20261103.csv:3', 'HH_440106_20261103.csv:5']);
    assert.equal(rawOf(pages[0].records[1]).row['殡仪馆'], '殡仪馆,东区');
  });

  it('re-reads a re-delivered file: changed rows are new versions, vanished or blanked lines are withdrawn', async () => {
    const name = 'HH_440106_20261103.csv';
    const row = (n: string, id: string, t: string) => `${n},${id},男,1941-03-02,2026-11-01,2026-11-03,广州市殡仪馆,${t}`;
    deliver(dirs.inbox, name, [HEADER, row('甲', '440106194103020017', '2026-11-03 09:00:00'), row('乙', '440106194103020025', '2026-11-03 09:00:00'), row('丙', '440106194103020033', '2026-11-03 09:00:00'), row('丁', '440106194103020041', '2026-11-03 09:00:00')].join('\n'));
    const c = connector();
    const first = await collect(c.pull('cremation', null, { asOf: '2026-11-28' }));
    assert.equal(first[0].records.length, 4);

    // unchanged re-delivery: nothing
    deliver(dirs.inbox, name, iconv.decode(fs.readFileSync(path.join(dirs.inbox, name)), 'gbk'));
    assert.deepEqual(await collect(c.pull('cremation', first[0].state, { asOf: '2026-11-28' })), []);

    // corrected: line 2 changed, line 3 blanked, line 5 gone
    deliver(dirs.inbox, name, [HEADER, row('甲', '440106194103020017', '2026-11-04 09:00:00'), '', row('丙', '440106194103020033', '2026-11-03 09:00:00')].join('\n'));
    const second = await collect(c.pull('cremation', first[0].state, { asOf: '2026-11-28' }));
    assert.equal(second.length, 1, 'a file is one page');
    const recs = second[0].records;
    assert.deepEqual(recs.filter((r) => !r.withdrawn).map((r) => r.recordId), [`${name}:2`, `${name}:4`]);
    assert.deepEqual(recs.filter((r) => r.withdrawn).map((r) => r.recordId), [`${name}:3`, `${name}:5`]);
    assert.equal(second[0].state.files[name].lines, '2,4');
    assert.notEqual(second[0].state.files[name].sha256, first[0].state.files[name].sha256);
  });

  it('leaves a file with a wrong header unread, reads the others, then reports it', async () => {
    deliver(dirs.inbox, 'HH_440106_20261103.csv', `姓名,证件号\n张三,440106194103020017\n`);
    deliver(dirs.inbox, 'HH_440106_20261104.csv', `${HEADER}\n张三,440106194103020017,男,1941-03-02,2026-11-01,2026-11-03,广州市殡仪馆,2026-11-03 09:00:00\n`);
    const { pages, error } = await collectUntilError(connector().pull('cremation', null, { asOf: '2026-11-28' }));
    assert.deepEqual(pages.flatMap((p) => p.records.map((r) => r.recordId)), ['HH_440106_20261104.csv:2']);
    assert.ok(error instanceof CivilInboxError);
    assert.equal(error.code, 'LIFECERT_CIVIL_HEADER_MISMATCH');
    assert.equal(error.kind, 'data');
    assert.deepEqual(error.files, ['HH_440106_20261103.csv']);
    assert.ok(!('HH_440106_20261103.csv' in pages.at(-1)!.state.files), 'its state is not committed');
  });

  it('stops between files when aborted', async () => {
    deliver(dirs.inbox, 'HH_440106_20261103.csv', `${HEADER}\n甲,440106194103020017,男,,2026-11-01,,,2026-11-03 09:00:00\n`);
    deliver(dirs.inbox, 'HH_440106_20261104.csv', `${HEADER}\n乙,440106194103020025,男,,2026-11-01,,,2026-11-03 09:00:00\n`);
    const ac = new AbortController();
    const got: string[] = [];
    let last: CivilState | null = null;
    await assert.rejects(
      (async () => {
        for await (const p of connector().pull('cremation', null, { asOf: '2026-11-28', signal: ac.signal, pageSize: 1 })) {
          got.push(...p.records.map((r) => r.recordId));
          last = p.state;
          ac.abort();
        }
      })(),
      (e: unknown) => e instanceof ConnectorError && e.code === 'LIFECERT_CONNECTOR_ABORTED',
    );
    assert.deepEqual(got, ['HH_440106_20261103.csv:2']);
    const resumed = await collect(connector().pull('cremation', last, { asOf: '2026-11-28' }));
    assert.deepEqual(resumed.flatMap((p) => p.records.map((r) => r.recordId)), ['HH_440106_20261104.csv:2']);
  });

  it('gathers small files into pages of about pageSize records, never splitting a file; the body keeps each file’s bytes', async () => {
    const names: string[] = [];
    for (let day = 1; day <= 9; day++) {
      const name = `HH_440106_202611${String(day).padStart(2, '0')}.csv`;
      names.push(name);
      // day d has d rows
      const rows = Array.from({ length: day }, (_, i) => `甲${i},440106194103020017,男,,2026-11-01,,,2026-11-${String(day).padStart(2, '0')} 09:00:00`);
      deliver(dirs.inbox, name, [HEADER, ...rows].join('\n'));
    }
    const pages = await collect(connector().pull('cremation', null, { asOf: '2026-11-28', pageSize: 10 }));
    // 1+2+3+4 = 10 | 5+6 = 11 | 7+8 = 15 | 9
    assert.deepEqual(pages.map((p) => p.records.length), [10, 11, 15, 9]);
    assert.deepEqual(pages.map((p) => Object.keys(p.state.files).length), [4, 6, 8, 9], 'each page’s state holds every file read so far');
    for (const p of pages) {
      const listed = [...p.request.matchAll(/(HH_\d+_\d+\.csv) bytes=(\d+) sha256=([0-9a-f]{64})/g)];
      const bodies = listed.map(([, name]) => fs.readFileSync(path.join(dirs.inbox, name)));
      assert.deepEqual(Buffer.from(p.body as Uint8Array), Buffer.concat(bodies), 'the body is the listed files, in order');
      for (const [, name, bytes] of listed) assert.equal(Number(bytes), fs.statSync(path.join(dirs.inbox, name)).size);
    }
    assert.deepEqual(pages.flatMap((p) => [...new Set(p.records.map((r) => r.recordId.split(':')[0]))]), names);
    // resuming from the second page's state reads the files after it only
    const resumed = await collect(connector().pull('cremation', pages[1].state, { asOf: '2026-11-28' }));
    assert.deepEqual(resumed.map((p) => p.records.length), [24]);
  });

  it('writes feedback files FK_<area>_<date>_<seq>.csv in GBK with .ok, numbering per area and day, never overwriting', async () => {
    const c = connector();
    const row = (id: string, file: string): CivilFeedbackRow => ({ feedbackId: id, idNumber: '440106194103020017', name: '张三', file, line: 2, field: '死亡日期', reportedValue: '2026-11-01', correctedValue: '', reasonCode: 'ALIVE', verifiedDate: '2026-11-20' });
    const a = await c.writeFeedback([row('F1', 'HH_440106_20261103.csv'), row('F2', 'HH_440303_20261103.csv')], '2026-11-28');
    const b = await c.writeFeedback([row('F3', 'HH_440106_20261104.csv')], '2026-11-28');
    const d = await c.writeFeedback([row('F4', 'HH_440106_20261104.csv')], '2026-11-29');
    assert.deepEqual(a.map((f) => f.file), ['FK_440106_20261128_001.csv', 'FK_440303_20261128_001.csv']);
    assert.deepEqual(b.map((f) => f.file), ['FK_440106_20261128_002.csv']);
    assert.deepEqual(d.map((f) => f.file), ['FK_440106_20261129_001.csv']);
    const files = fs.readdirSync(dirs.outbox).sort();
    assert.ok(files.includes('FK_440106_20261128_002.csv.ok'));
    const text = iconv.decode(fs.readFileSync(path.join(dirs.outbox, 'FK_440106_20261128_001.csv')), 'gbk');
    assert.equal(text.split('\r\n')[0], '反馈编号,身份证号码,逝者姓名,原文件,行号,问题字段,原值,更正值,原因代码,核实日期');
    assert.equal(text.split('\r\n')[1], 'F1,440106194103020017,张三,HH_440106_20261103.csv,2,死亡日期,2026-11-01,,ALIVE,2026-11-20');
    // a file someone else already wrote under the next number is skipped, not overwritten
    fs.writeFileSync(path.join(dirs.outbox, 'FK_440106_20261128_003.csv'), 'taken');
    const e = await c.writeFeedback([row('F5', 'HH_440106_20261104.csv')], '2026-11-28');
    assert.equal(e[0].file, 'FK_440106_20261128_004.csv');
    assert.equal(fs.readFileSync(path.join(dirs.outbox, 'FK_440106_20261128_003.csv'), 'utf8'), 'taken');
  });
});
