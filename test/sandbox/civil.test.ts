import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { CIVIL_TEXT, smallWorld, start, type Started } from './helpers.ts';

const OUT_HEADER = '反馈编号,身份证号码,逝者姓名,原文件,行号,问题字段,原值,更正值,原因代码,核实日期';

describe('sandbox: civil file drop', () => {
  let s: Started;
  beforeEach(async () => {
    s = await start();
  });
  afterEach(async () => {
    await s.stop();
  });

  const inbox = (name: string) => path.join(s.dir, 'inbox', name);

  it('writes GBK and UTF-8-with-BOM files, with .ok only when complete', () => {
    const gbk = fs.readFileSync(inbox('HH_440106_20261103.csv'));
    assert.notEqual(gbk.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.equal(gbk.subarray(0, 4).toString('hex'), 'cac5d5df', '逝者 in GBK');
    assert.equal(iconv.decode(gbk, 'gbk'), CIVIL_TEXT);
    assert.ok(fs.existsSync(inbox('HH_440106_20261103.csv.ok')));

    const utf8 = fs.readFileSync(inbox('HH_440303_20261104.csv'));
    assert.equal(utf8.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.equal(utf8.subarray(3).toString('utf8'), CIVIL_TEXT);
    assert.ok(fs.existsSync(inbox('HH_440303_20261104.csv.ok')));

    assert.ok(fs.existsSync(inbox('HH_440104_20261105.csv')));
    assert.equal(fs.existsSync(inbox('HH_440104_20261105.csv.ok')), false);
    assert.equal(s.sandbox.inboxDir, path.join(s.dir, 'inbox'));
    assert.ok(fs.statSync(s.sandbox.outboxDir).isDirectory());
  });

  it('re-delivers a file through the control API: .ok removed, CSV rewritten, .ok written', async () => {
    const name = 'HH_440106_20261103.csv';
    const corrected = CIVIL_TEXT.replace('2026-11-01', '2026-11-02');
    const okBefore = fs.statSync(inbox(`${name}.ok`)).mtimeMs;
    const res = await fetch(`${s.sandbox.url}/_sandbox/records/civil/${name}/1`, { method: 'PUT', body: JSON.stringify({ text: corrected }) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'redelivered', file: name, complete: true });
    assert.equal(iconv.decode(fs.readFileSync(inbox(name)), 'gbk'), corrected);
    assert.ok(fs.statSync(inbox(`${name}.ok`)).mtimeMs >= okBefore);

    // a re-delivery still in transfer has no .ok; finishing it writes the marker
    const pending = await fetch(`${s.sandbox.url}/_sandbox/records/civil/${name}`, { method: 'PUT', body: JSON.stringify({ text: CIVIL_TEXT, complete: false }) });
    assert.equal(pending.status, 200);
    assert.equal(fs.existsSync(inbox(`${name}.ok`)), false);
    await fetch(`${s.sandbox.url}/_sandbox/records/civil/${name}`, { method: 'PUT', body: JSON.stringify({ text: CIVIL_TEXT }) });
    assert.ok(fs.existsSync(inbox(`${name}.ok`)));

    // the UTF-8 file keeps its encoding when re-delivered
    await fetch(`${s.sandbox.url}/_sandbox/records/civil/HH_440303_20261104.csv/x`, { method: 'PUT', body: JSON.stringify({ text: corrected }) });
    assert.equal(fs.readFileSync(inbox('HH_440303_20261104.csv')).subarray(0, 3).toString('hex'), 'efbbbf');

    const added = await fetch(`${s.sandbox.url}/_sandbox/records/civil/HH_440111_20261120.csv`, { method: 'PUT', body: JSON.stringify({ text: CIVIL_TEXT, encoding: 'utf8-bom' }) });
    assert.equal(added.status, 201);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/civil/notes.txt`, { method: 'PUT', body: JSON.stringify({ text: 'x' }) })).status, 400);
    assert.equal((await fetch(`${s.sandbox.url}/_sandbox/records/civil/HH_440111_20261120.csv`, { method: 'PUT', body: JSON.stringify({ text: '𠮷', encoding: 'gbk' }) })).status, 400, 'GBK cannot hold it');
  });

  it('reads complete outbox files back as items keyed by the outbox header', async () => {
    const write = (name: string, text: string, ok = true) => {
      fs.writeFileSync(path.join(s.sandbox.outboxDir, name), iconv.encode(text, 'gbk'));
      if (ok) fs.writeFileSync(path.join(s.sandbox.outboxDir, `${name}.ok`), '');
    };
    write('FK_440106_20261128_001.csv', `${OUT_HEADER}\r\nFB-1,440106194103021234,张三,HH_440106_20261103.csv,2,死亡日期,2026-11-01,"2026-11-02",NOT_DEAD,2026-11-28\r\n`);
    write('FK_440106_20261128_002.csv', `${OUT_HEADER}\r\nFB-2,,李四,HH_440106_20261103.csv,4,身份证号码,4.40106E+17,"",ID_SCI,2026-11-28`, false);
    const log = (await (await fetch(`${s.sandbox.url}/_sandbox/received/civil`)).json()) as Array<{ file: string; operation: string; items: Array<Record<string, string>>; error?: string }>;
    assert.equal(log.length, 1, 'a file without .ok is still being written');
    assert.equal(log[0].file, 'FK_440106_20261128_001.csv');
    assert.equal(log[0].error, undefined);
    assert.deepEqual(log[0].items, [
      { 反馈编号: 'FB-1', 身份证号码: '440106194103021234', 逝者姓名: '张三', 原文件: 'HH_440106_20261103.csv', 行号: '2', 问题字段: '死亡日期', 原值: '2026-11-01', 更正值: '2026-11-02', 原因代码: 'NOT_DEAD', 核实日期: '2026-11-28' },
    ]);
    fs.writeFileSync(path.join(s.sandbox.outboxDir, 'FK_440106_20261128_002.csv.ok'), '');
    // a UTF-8 feedback file breaks the contract and is flagged
    fs.writeFileSync(path.join(s.sandbox.outboxDir, 'FK_440106_20261128_003.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${OUT_HEADER}\n`)]));
    fs.writeFileSync(path.join(s.sandbox.outboxDir, 'FK_440106_20261128_003.csv.ok'), '');
    const again = s.sandbox.received('civil');
    assert.deepEqual(again.map((e) => e.file), ['FK_440106_20261128_001.csv', 'FK_440106_20261128_002.csv', 'FK_440106_20261128_003.csv']);
    assert.equal((again[1].items as Array<Record<string, string>>)[0].原值, '4.40106E+17');
    assert.match(String(again[2].error), /BOM/);
  });

  it('refuses a world whose GBK file holds characters GBK lacks', async () => {
    const world = smallWorld();
    world.sources.civil = [{ name: 'HH_440106_20261103.csv', encoding: 'gbk', text: '逝者姓名\n𠮷' }];
    await assert.rejects(start(world), /cannot be written in GBK/);
  });
});
