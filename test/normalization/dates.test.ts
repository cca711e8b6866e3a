// Source dates: every accepted form, China time, impossible and future dates and their exceptions.
import assert from 'node:assert/strict';
import { checkSourceDate, isCalendarDate, parseSourceDate } from '../../connectors/kit/normalize/date.ts';
import { normalize } from '../../connectors/normalize.ts';
import { AS_OF, assertRejected, ctx, staged } from './helpers.ts';

describe('dates: accepted forms', () => {
  const forms: [string, string, string][] = [
    ['YYYY-MM-DD', '2026-11-03', '2026-11-03'],
    ['YYYY-M-D', '2026-9-7', '2026-09-07'],
    ['YYYY-M-DD', '2026-9-17', '2026-09-17'],
    ['YYYYMMDD', '20261103', '2026-11-03'],
    ['YYYY/M/D', '2026/9/7', '2026-09-07'],
    ['YYYY/MM/DD', '2026/10/20', '2026-10-20'],
    ['YYYY.M.D', '2026.10.5', '2026-10-05'],
    ['YYYY年M月D日', '2026年10月5日', '2026-10-05'],
    ['YYYY年MM月DD日', '2026年11月03日', '2026-11-03'],
    ['full-width digits', '２０２６年１０月５日', '2026-10-05'],
    ['full-width YYYYMMDD', '２０２６１１０３', '2026-11-03'],
    ['padded with white space', ' \u30002026-11-03\u3000 ', '2026-11-03'],
    ['YYYY-MM-DD HH:mm:ss China time, late evening', '2026-10-31 22:40:00', '2026-10-31'],
    ['YYYY-MM-DD HH:mm:ss China time, just after midnight', '2026-11-01 00:05:00', '2026-11-01'],
    ['ISO without offset is China time', '2026-10-31T23:15:00', '2026-10-31'],
    ['ISO without seconds or offset', '2026-10-31T23:15', '2026-10-31'],
    ['ISO with Z crossing midnight into the next China day', '2026-11-02T18:30:00Z', '2026-11-03'],
    ['ISO with Z before 16:00 UTC stays on the day', '2026-11-02T15:59:59Z', '2026-11-02'],
    ['ISO with fractions and Z', '2026-10-31T17:20:00.250Z', '2026-11-01'],
    ['ISO with +08:00', '2026-09-12T09:30:00+08:00', '2026-09-12'],
    ['ISO with +0800', '2026-09-12T23:30:00+0800', '2026-09-12'],
    ['ISO with a negative offset crossing midnight', '2026-11-02T12:30:00-05:00', '2026-11-03'],
    ['ISO with +09:00 going back a day', '2026-11-03T00:30:00+09:00', '2026-11-02'],
    ['leap day', '2024-02-29', '2024-02-29'],
    ['leap day of a 400-year', '20000229', '2000-02-29'],
  ];
  for (const [form, value, date] of forms) {
    it(`${form}: ${JSON.stringify(value)} → ${date}`, () => {
      assert.equal(parseSourceDate(value), date);
    });
  }
});

describe('dates: invalid values', () => {
  const bad: [string, string][] = [
    ['impossible day', '2026-02-30'],
    ['impossible YYYYMMDD', '20260931'],
    ['day 32', '2026-10-32'],
    ['month 13', '2026/13/01'],
    ['month 0', '2026.0.5'],
    ['day 0', '2026年10月0日'],
    ['not a leap year', '2025-02-29'],
    ['century not a leap year', '19000229'],
    ['impossible date-time', '2026-02-30 10:00:00'],
    ['impossible hour', '2026-10-31 24:10:00'],
    ['impossible ISO', '2026-04-31T10:00:00+08:00'],
    ['two-digit year', '26-11-03'],
    ['seven digits', '2026113'],
    ['text', '不详'],
    ['mixed separators', '2026-11/03'],
    ['unpadded date-time', '2026-9-7 10:00:00'],
    ['month name', '03 Nov 2026'],
    ['day-first', '03/11/2026'],
    ['empty', ''],
  ];
  for (const [why, value] of bad) {
    it(`${why}: ${JSON.stringify(value)} is DATE_INVALID`, () => {
      assert.equal(parseSourceDate(value), null);
      const r = checkSourceDate(value, { asOf: AS_OF, futureAllowed: true });
      assert.equal(r.ok ? 'ok' : r.code, 'DATE_INVALID');
    });
  }

  it('knows the Gregorian calendar', () => {
    assert.equal(isCalendarDate(2024, 2, 29), true);
    assert.equal(isCalendarDate(2100, 2, 29), false);
    assert.equal(isCalendarDate(2026, 4, 31), false);
    assert.equal(isCalendarDate(2026, 12, 31), true);
  });
});

describe('dates: the as-of date', () => {
  it('a date on the as-of date passes; the day after is DATE_FUTURE', () => {
    assert.deepEqual(checkSourceDate('20261128', { asOf: AS_OF, futureAllowed: false }), { ok: true, date: '2026-11-28' });
    const r = checkSourceDate('20261129', { asOf: AS_OF, futureAllowed: false });
    assert.equal(r.ok ? 'ok' : r.code, 'DATE_FUTURE');
    assert.deepEqual(checkSourceDate('20261129', { asOf: AS_OF, futureAllowed: true }), { ok: true, date: '2026-11-29' });
  });

  it('an instant late on the as-of day in UTC is the next China day: DATE_FUTURE', () => {
    const r = checkSourceDate('2026-11-28T16:00:00Z', { asOf: AS_OF, futureAllowed: false });
    assert.equal(r.ok ? 'ok' : r.code, 'DATE_FUTURE');
    assert.equal(checkSourceDate('2026-11-28T15:59:59Z', { asOf: AS_OF, futureAllowed: false }).ok, true);
  });

  const ministry = (dataType: string, extra: Record<string, string>) => ({
    recordId: 'T1', aac002: '440105195303290212', aac003: '方锡昌', aac004: '1', dataType, aae036: '2026-11-20 09:12:45', ...extra,
  });

  it('exception: a BENEFIT may start after the as-of date', () => {
    const e = staged(normalize('ministry', 'BENEFIT', ministry('BENEFIT', { eventDate: '20270101', detailCode: '120', aab301: '110000' }), ctx));
    assert.equal(e.date, '2027-01-01');
  });

  it('exception: any end date may lie in the future (benefit end, ministry and big-data sentence end)', () => {
    const b = staged(normalize('ministry', 'BENEFIT', ministry('BENEFIT', { eventDate: '20200101', eventEndDate: '20301231', detailCode: '110', aab301: '350000' }), ctx));
    assert.equal(b.endDate, '2030-12-31');
    const p = staged(normalize('ministry', 'PRISON', ministry('PRISON', { eventDate: '20250410', eventEndDate: '20290409' }), ctx));
    assert.equal(p.endDate, '2029-04-09');
    const bp = staged(normalize('bigdata', 'prison', {
      JLID: 'FX1', GMSFHM: '440303195805060212', XM: '罗海生', XBDM: '1', CSRQ: '19580506', SJLY: '省监狱管理局',
      GXSJ: '2026-04-18 09:00:00', XQQSRQ: '20250410', XQJZRQ: '2032/4/9', JYMC: '广东省广州监狱',
    }, ctx));
    assert.deepEqual([bp.kind, bp.origin, bp.date, bp.endDate], ['IMPRISONED', 'justice', '2025-04-10', '2032-04-09']);
  });

  it('an end date must still be a real date', () => {
    assertRejected(normalize('ministry', 'PRISON', ministry('PRISON', { eventDate: '20250410', eventEndDate: '20290230' }), ctx), 'DATE_INVALID', 'eventEndDate');
    assertRejected(normalize('ministry', 'BENEFIT', ministry('BENEFIT', { eventDate: '20200101', eventEndDate: 'never', detailCode: '110', aab301: '350000' }), ctx), 'DATE_INVALID', 'eventEndDate');
  });

  it('no exception for the start of anything else: a sentence start, an auth, a death', () => {
    assertRejected(normalize('ministry', 'PRISON', ministry('PRISON', { eventDate: '20261201', eventEndDate: '20291201' }), ctx), 'DATE_FUTURE', 'eventDate');
    assertRejected(normalize('ministry', 'DEATH', ministry('DEATH', { eventDate: '20261130' }), ctx), 'DATE_FUTURE', 'eventDate');
  });

  it('an empty end date means open-ended: no endDate key', () => {
    const p = staged(normalize('ministry', 'PRISON', ministry('PRISON', { eventDate: '20250410', eventEndDate: ' ' }), ctx));
    assert.equal('endDate' in p, false);
  });

  it('only dates an event uses are checked: an AUTH eventEndDate and other dates are carried as given', () => {
    const e = staged(normalize('ministry', 'AUTH', ministry('AUTH', { eventDate: '20261012', eventEndDate: '20261399', channel: '01', result: '1' }), ctx));
    assert.equal(e.date, '2026-10-12');
    const c = staged(normalize('bigdata', 'cremation', {
      JLID: 'HH1', GMSFHM: '44030419430327022X', XM: '卢桂兰', XBDM: '2', CSRQ: '不详', SJLY: '省民政厅',
      GXSJ: '2026-10-14 10:00:00', SWRQ: '20261010', HHRQ: '20261399', BYG: '深圳市殡仪馆',
    }, ctx));
    assert.deepEqual([c.date, c.detail], ['2026-10-10', { dateKind: 'death' }]);
  });
});
