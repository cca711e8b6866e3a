// `lifecert roster import`: CSV or JSON lines checked line by line (every problem with its
// line number, values masked, nothing loaded), then the roster replaced in one transaction.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { maskPersonId } from '../../lib/mask.ts';
import { rosterEntry as readEntry, rosterShards } from '../../mirror/index.ts';
import { importRoster, RosterImportError } from '../../pipeline/roster-import.ts';
import type { RosterEntry } from '../../schemas/types.ts';
import { rosterEntry } from '../gateway/fixtures.ts';
import { forEachDatabase } from '../mirror/db-targets.ts';

const CLI = path.join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const NODE = path.join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'node');
const HEADER = 'personId,name,sex,birthDate,areaCode,benefitStatus,suspendReason,suspendedSince,accountStatus,lastCertifiedMonth,startedMonth,paidThrough,monthlyAmountFen';

function csvLine(e: RosterEntry): string {
  const q = (v: string) => (/[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [e.personId, q(e.name), e.sex, e.birthDate, e.areaCode, e.benefitStatus, e.suspendReason ?? '', e.suspendedSince ?? '', e.accountStatus, e.lastCertifiedMonth, e.startedMonth, e.paidThrough, String(e.monthlyAmountFen)].join(',');
}

const suspended: RosterEntry = { ...rosterEntry('440303', 7), name: '李, "大" 明', benefitStatus: 'suspended', suspendReason: 'IMPRISONED', suspendedSince: '2025-06' };
const FIRST = [rosterEntry('440106', 1), rosterEntry('440106', 2), suspended];
const SECOND = [rosterEntry('440103', 5), rosterEntry('440103', 6)];

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-import-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function rejects(p: Promise<unknown>): Promise<RosterImportError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RosterImportError, String(err));
    return err;
  }
  throw new Error('expected a RosterImportError');
}

forEachDatabase('roster import', ({ db, kind }) => {
  it('loads a CSV (quoted fields, empty optional fields, BOM, CRLF) and reads back the same entries', async () => {
    const file = write('roster.csv', `\uFEFF${HEADER}\r\n${FIRST.map(csvLine).join('\r\n')}\r\n\r\n`);
    assert.equal(await importRoster(db(), file), 3);
    for (const e of FIRST) assert.deepEqual(await readEntry(db(), e.personId), e);
  });

  it('replaces the previous roster whole with a JSON-lines file, snake_case CSV headers accepted too', async () => {
    const file = write('roster.jsonl', `${SECOND.map((e) => JSON.stringify(e)).join('\n')}\n\n`);
    assert.equal(await importRoster(db(), file), 2);
    assert.deepEqual(await rosterShards(db()), [{ areaCode: '440103', recipients: 2 }]);
    const snake = write('snake.csv', `${HEADER.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}\n${FIRST.map(csvLine).join('\n')}`);
    assert.equal(await importRoster(db(), snake), 3);
    assert.deepEqual((await rosterShards(db())).map((s) => s.areaCode), ['440106', '440303']);
  });

  it('names every bad line, masks the values and loads nothing', async () => {
    const badChecksum = `${FIRST[0].personId.slice(0, 17)}${FIRST[0].personId[17] === '0' ? '1' : '0'}`;
    const lines = [
      JSON.stringify(SECOND[0]),
      JSON.stringify({ ...SECOND[1], personId: badChecksum }),
      JSON.stringify({ ...SECOND[1], birthDate: '1950-02-30' }),
      '{"personId": ',
      JSON.stringify({ ...SECOND[1], sex: '3', colour: 'red' }),
      JSON.stringify({ ...SECOND[1], benefitStatus: 'suspended' }),
      JSON.stringify({ ...SECOND[1], suspendReason: 'OTHER' }),
      JSON.stringify({ ...SECOND[1], monthlyAmountFen: '18000' }),
    ];
    const err = await rejects(importRoster(db(), write('bad.jsonl', lines.join('\n'))));
    const text = err.problems.join('\n');
    assert.match(text, new RegExp(`^line 2: personId ${maskPersonId(badChecksum).replaceAll('*', '\\*')} fails the GB 11643 check character$`, 'm'));
    assert.match(text, /^line 3: birthDate 1950-02-30 is not a real date$/m);
    assert.match(text, /^line 4: not a JSON object$/m);
    assert.match(text, /^line 5: sex must be one of 1, 2$/m);
    assert.match(text, /^line 5: colour is not a roster field$/m);
    assert.match(text, /^line 6: a suspended benefit needs suspendReason and suspendedSince$/m);
    assert.match(text, /^line 7: suspendReason and suspendedSince belong to a suspended benefit only$/m);
    assert.match(text, /^line 8: monthlyAmountFen must be integer$/m);
    assert.ok(!text.includes('line 1:'), 'the good line is not named');
    assert.equal(err.problems.length, 8, text);
    assert.ok(!text.includes(badChecksum), 'identity numbers are masked');
    assert.deepEqual((await rosterShards(db())).map((s) => s.areaCode), ['440106', '440303'], 'the roster is as it was');
  });

  it('names the lines of a person listed twice, and CSV rows of the wrong width', async () => {
    const twice = write('twice.csv', `${HEADER}\n${csvLine(SECOND[0])}\n${csvLine(SECOND[1])}\n${csvLine(SECOND[0])}\n`);
    const err = await rejects(importRoster(db(), twice));
    assert.deepEqual(err.problems, ['lines 2, 4: the same personId']);
    assert.ok(err.message.includes(maskPersonId(SECOND[0].personId)) && !err.message.includes(SECOND[0].personId));
    const narrow = await rejects(importRoster(db(), write('narrow.csv', `${HEADER}\n${csvLine(SECOND[0])}\n440106,x\n`)));
    assert.deepEqual(narrow.problems, ['line 3: 2 fields for 13 columns']);
    assert.deepEqual((await rosterShards(db())).map((s) => s.areaCode), ['440106', '440303']);
  });

  it('refuses an unknown or missing column, an empty file and a file it cannot name the format of', async () => {
    assert.match((await rejects(importRoster(db(), write('extra.csv', `${HEADER},colour\n`)))).message, /line 1: unknown column 'colour'/);
    assert.match((await rejects(importRoster(db(), write('short.csv', 'personId,name\n')))).message, /line 1: missing column sex, birthDate/);
    assert.match((await rejects(importRoster(db(), write('empty.csv', '')))).message, /empty/);
    assert.match((await rejects(importRoster(db(), write('blank.jsonl', '\n\n')))).message, /no roster entries/);
    assert.match((await rejects(importRoster(db(), write('roster.txt', 'x')))).message, /--format csv\|jsonl/);
  });

  if (kind === 'postgres') {
    it('works as the command, with COPY into the mirror of --database-url', async () => {
      const url = (await db().query<{ db: string }>('SELECT current_database() AS db')).rows[0].db;
      const target = new URL(process.env.LIFECERT_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      target.pathname = `/${url}`;
      const ok = spawnSync(NODE, [CLI, 'roster', 'import', write('cli.jsonl', SECOND.map((e) => JSON.stringify(e)).join('\n')), '--database-url', target.toString()], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /^roster replaced: 2 entries/);
      const bad = spawnSync(NODE, [CLI, 'roster', 'import', write('cli-bad.csv', `${HEADER}\n${csvLine({ ...SECOND[0], sex: '9' as '1' })}\n`), '--database-url', target.toString()], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^line 2: sex must be one of 1, 2$/m);
      assert.match(bad.stderr, /LIFECERT_ROSTER_INPUT_INVALID: cli-bad.csv: 1 problems; nothing was loaded/);
      assert.deepEqual((await rosterShards(db())).map((s) => s.areaCode), ['440103']);
    });
  }
});
