import assert from 'node:assert/strict';
import { addDays, addMonths, monthDiff } from '../../lib/china-time.ts';
import { ageOnLastDay, compareUtf8, dayNumber, monthFromIndex, monthIndex, periodContext } from '../../matching/calendar.ts';
import { normalizeName } from '../../matching/names.ts';
import { seededRandom } from './helpers.ts';

describe('decision engine: calendar helpers', () => {
  it('dayNumber agrees with Date over 1880…2100 (day differences)', () => {
    let date = '1880-01-01';
    let n = dayNumber(date);
    assert.equal(dayNumber('1970-01-01'), 0);
    while (date < '2100-12-31') {
      const next = addDays(date, 1);
      assert.equal(dayNumber(next), n + 1, next);
      date = next;
      n += 1;
    }
  });

  it('monthIndex / monthFromIndex agree with time.ts month arithmetic', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const m = `${1900 + Math.floor(random() * 200)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`;
      const k = Math.floor(random() * 60) - 30;
      assert.equal(monthFromIndex(monthIndex(m) + k), addMonths(m, k));
      assert.equal(monthIndex(addMonths(m, k)) - monthIndex(m), monthDiff(addMonths(m, k), m));
    }
    assert.equal(monthIndex('2026-11-30'), monthIndex('2026-11'));
  });

  it('period context', () => {
    const ctx = periodContext('2024-02');
    assert.equal(ctx.firstDay, '2024-02-01');
    assert.equal(ctx.lastDay, '2024-02-29');
    assert.equal(ctx.staleFromMonth, '2023-03');
    assert.equal(periodContext('2026-11').staleFromMonth, '2025-12');
  });

  it('age on the last day of P, 29 February birthdays on 1 March in other years', () => {
    assert.equal(ageOnLastDay('1946-11-30', periodContext('2026-11')), 80);
    assert.equal(ageOnLastDay('1946-12-01', periodContext('2026-11')), 79);
    assert.equal(ageOnLastDay('1936-02-29', periodContext('2026-02')), 89);
    assert.equal(ageOnLastDay('1936-02-29', periodContext('2026-03')), 90);
    assert.equal(ageOnLastDay('1944-02-29', periodContext('2024-02')), 80);
    assert.equal(ageOnLastDay('1944-03-01', periodContext('2024-02')), 79);
  });

  it('compareUtf8 is byte order', () => {
    const strings = ['', 'A', 'HK10', 'HK9', 'a', '\u00e9', '\u4e00', '\uff21', '\u{1f600}', '\u{20000}', 'HH.csv:11', 'HH.csv:4'];
    const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
    for (const x of strings) {
      for (const y of strings) {
        assert.equal(Math.sign(compareUtf8(x, y)), Math.sign(Buffer.compare(bytes(x), bytes(y))), `${x} vs ${y}`);
      }
    }
  });
});

describe('decision engine: name normalization (normalization.md "Names")', () => {
  const cases: Array<[string, string]> = [
    ['陈秀兰', '陈秀兰'],
    [' 陈 秀\u3000兰 ', '陈秀兰'],
    ['林mary', '林MARY'],
    ['林ｍａｒｙ', '林MARY'],
    ['阿依古丽•买买提', '阿依古丽·买买提'],
    ['阿依古丽・买买提', '阿依古丽·买买提'],
    ['阿依古丽．买买提', '阿依古丽·买买提'],
    ['王?', ''],
    ['王？', ''],
    ['王\ufffd', ''],
    ['王\ue000', ''],
    ['', ''],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizeName(raw), expected);
      assert.equal(normalizeName(expected), expected, 'idempotent');
    });
  }
});
