// The out-of-hours rule (workflow.md, article 9) over the shipped calendar: working hours
// 08:30–18:00 China time on working days; weekends, public holidays and 调休 from the State
// Council's notice for 2026.
import assert from 'node:assert/strict';
import { loadWorkingCalendar, parseWorkingCalendar, WorkingCalendarError } from '../../lib/working-calendar.ts';

const calendar = loadWorkingCalendar();
const at = (iso: string) => calendar.isOutOfHours(Date.parse(iso));

describe('working calendar', () => {
  it('flags before 08:30 and from 18:00 China time on a working day', () => {
    assert.equal(at('2026-11-20T08:29:59+08:00'), true);
    assert.equal(at('2026-11-20T08:30:00+08:00'), false);
    assert.equal(at('2026-11-20T17:59:59+08:00'), false);
    assert.equal(at('2026-11-20T18:00:00+08:00'), true);
    assert.equal(at('2026-11-20T18:05:00+08:00'), true);
    // the instant, not the server's zone, decides: 10:05 UTC is 18:05 China time
    assert.equal(at('2026-11-20T10:05:00Z'), true);
    assert.equal(at('2026-11-20T02:00:00Z'), false);
  });

  it('a 调休 Saturday is a working day; an ordinary Saturday and the holidays are not', () => {
    assert.equal(calendar.isWorkingDay('2026-02-14'), true, 'Saturday worked for the Spring Festival');
    assert.equal(at('2026-02-14T10:00:00+08:00'), false);
    assert.equal(at('2026-02-14T18:05:00+08:00'), true);
    assert.equal(calendar.isWorkingDay('2026-02-07'), false, 'an ordinary Saturday');
    assert.equal(at('2026-02-07T10:00:00+08:00'), true);
    for (const day of ['2026-01-04', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) assert.equal(calendar.isWorkingDay(day), true, day);
    for (const day of ['2026-01-01', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07']) {
      assert.equal(calendar.isWorkingDay(day), false, day);
    }
    assert.equal(at('2026-10-05T10:00:00+08:00'), true, 'National Day holiday, a Monday');
    assert.equal(calendar.isWorkingDay('2026-10-08'), true, 'the Thursday after National Day');
  });

  it('names its years and which are provisional; outside them weekends alone are non-working', () => {
    assert.deepEqual(calendar.years, ['2026', '2027']);
    assert.deepEqual(calendar.provisionalYears, ['2027']);
    assert.equal(calendar.isWorkingDay('2028-01-03'), true);
    assert.equal(calendar.isWorkingDay('2028-01-01'), false, 'a Saturday');
  });

  it('refuses a calendar file with impossible dates or a working day that is no weekend day', () => {
    const base = { workingHours: { start: '08:30', end: '18:00' } };
    const bad: unknown[] = [
      { ...base, years: { 2026: { source: 'x', holidays: [{ name: 'x', from: '2026-02-30', to: '2026-03-01' }], makeUpWorkdays: [] } } },
      { ...base, years: { 2026: { source: 'x', holidays: [], makeUpWorkdays: [{ date: '2026-02-16', for: 'x' }] } } },
      { ...base, years: { 2026: { source: 'x', holidays: [{ name: 'x', from: '2027-01-01', to: '2027-01-01' }], makeUpWorkdays: [] } } },
      { workingHours: { start: '18:00', end: '08:30' }, years: {} },
      { ...base, years: { 2026: { source: 'x', holidays: [{ name: 'x', from: '2026-02-14', to: '2026-02-14' }], makeUpWorkdays: [{ date: '2026-02-14', for: 'x' }] } } },
    ];
    for (const data of bad) assert.throws(() => parseWorkingCalendar(data), WorkingCalendarError, JSON.stringify(data));
    const custom = parseWorkingCalendar({ workingHours: { start: '09:00', end: '17:00' }, years: { 2026: { source: 'x', holidays: [{ name: 'x', from: '2026-11-20', to: '2026-11-20' }], makeUpWorkdays: [] } } });
    assert.equal(custom.isOutOfHours(Date.parse('2026-11-19T08:45:00+08:00')), true);
    assert.equal(custom.isOutOfHours(Date.parse('2026-11-20T10:00:00+08:00')), true);
  });
});
