// Records that normalization must refuse or skip, or that a run must not see at all: the dirty
// forms real departments send (normalization.md "Order of checks", test/data/normalization.json).
// None of them may change anyone's result.
import type { Gen } from './builder.ts';
import type { Subject } from './world-draft.ts';
import { addDays, compact } from './calendar.ts';
import { checkChar, scientific, wrongCheck } from './identity.ts';
import { impossibleDate, isoStamp } from './forms.ts';
import { rejected, skipped } from './ledger.ts';

export interface DirtItem {
  name: string;
  /** written exactly once per world (an empty record id cannot repeat meaningfully) */
  once?: boolean;
  write: (g: Gen, s: Subject) => void;
}

function recent(g: Gen): string {
  return g.dateBetween(g.daysAgo(300), g.daysAgo(5));
}

function future(g: Gen): string {
  return addDays(g.asOf, g.rng.int(1, 60));
}

function year(g: Gen): string {
  return g.asOf.slice(0, 4);
}

/** 18 characters with a letter inside (not the final check character). */
function letterInside(id: string, g: Gen): string {
  const i = g.rng.int(6, 16);
  return id.slice(0, i) + g.rng.pick(['A', 'O', 'l', 'B']) + id.slice(i + 1);
}

function withBirth(s: Subject, birthCompact: string): string {
  const first17 = `${s.areaCode}${birthCompact}${s.personId.slice(14, 17)}`;
  return first17 + checkChar(first17);
}

function regionless(s: Subject): string {
  const first17 = `900106${s.personId.slice(6, 17)}`;
  return first17 + checkChar(first17);
}

const R = rejected;

export const DIRT: readonly DirtItem[] = [
  // ---- ministry ------------------------------------------------------------------------------
  { name: 'ministry-id-letter-inside', write: (g, s) => g.ministry.auth(s, recent(g), '03', '1', { idText: letterInside(s.personId, g), outcome: R('ID_FORMAT', 'aac002') }) },
  { name: 'ministry-id-17-digits', write: (g, s) => g.ministry.death(s, recent(g), { idText: s.personId.slice(0, 17), outcome: R('ID_FORMAT', 'aac002') }) },
  { name: 'ministry-id-checksum', write: (g, s) => g.ministry.travel(s, recent(g), 'G6011 广州南-深圳北', { idText: wrongCheck(s.personId, g.rng), outcome: R('ID_CHECKSUM', 'aac002') }) },
  { name: 'ministry-id-empty', write: (g, s) => g.ministry.medical(s, recent(g), '门诊结算', { idText: '', outcome: R('REQUIRED_MISSING', 'aac002') }) },
  { name: 'ministry-auth-channel-unknown', write: (g, s) => g.ministry.auth(s, recent(g), '09', '1', { outcome: R('CODE_UNKNOWN', 'channel') }) },
  { name: 'ministry-auth-result-unknown', write: (g, s) => g.ministry.auth(s, recent(g), '02', '1', { raw: { result: '2' }, outcome: R('CODE_UNKNOWN', 'result') }) },
  { name: 'ministry-auth-channel-missing', write: (g, s) => g.ministry.auth(s, recent(g), '', '1', { outcome: R('REQUIRED_MISSING', 'channel') }) },
  {
    name: 'ministry-auth-date-before-code',
    write: (g, s) => g.ministry.auth(s, recent(g), '09', '1', { raw: { eventDate: impossibleDate('compact', g.rng, year(g)) }, outcome: R('DATE_INVALID', 'eventDate') }),
  },
  {
    name: 'ministry-auth-future-failed',
    write: (g, s) => g.ministry.auth(s, g.asOf, '01', '0', { raw: { eventDate: compact(addDays(g.asOf, 1)) }, outcome: R('DATE_FUTURE', 'eventDate') }),
  },
  { name: 'ministry-travel-date-invalid', write: (g, s) => g.ministry.travel(s, recent(g), 'D7501 深圳北-潮汕', { raw: { eventDate: impossibleDate('compact', g.rng, year(g)) }, outcome: R('DATE_INVALID', 'eventDate') }) },
  { name: 'ministry-medical-date-empty', write: (g, s) => g.ministry.medical(s, recent(g), '住院结算', { raw: { eventDate: '' }, outcome: R('REQUIRED_MISSING', 'eventDate') }) },
  { name: 'ministry-death-future', write: (g, s) => g.ministry.death(s, future(g), { outcome: R('DATE_FUTURE', 'eventDate') }) },
  { name: 'ministry-prison-future-start', write: (g, s) => g.ministry.prison(s, future(g), null, '广东省广州监狱', { outcome: R('DATE_FUTURE', 'eventDate') }) },
  { name: 'ministry-benefit-province-not-six-digits', write: (g, s) => g.ministry.benefit(s, '110', '4400', '2024-03-01', null, { outcome: R('CODE_UNKNOWN', 'aab301') }) },
  { name: 'ministry-benefit-type-unknown', write: (g, s) => g.ministry.benefit(s, '180', '350000', '2023-07-01', null, { outcome: R('CODE_UNKNOWN', 'detailCode') }) },
  { name: 'ministry-benefit-type-missing', write: (g, s) => g.ministry.benefit(s, '', '350000', '2022-01-01', null, { outcome: R('REQUIRED_MISSING', 'detailCode') }) },
  {
    name: 'ministry-own-pension-impossible-date',
    write: (g, s) => g.ministry.benefit(s, '170', '440000', '2025-02-01', null, { raw: { eventDate: `${Number(year(g)) - 1}0230` }, outcome: R('DATE_INVALID', 'eventDate') }),
  },
  { name: 'ministry-own-pension', write: (g, s) => g.ministry.benefit(s, '170', '440000', '2012-07-01', null) },
  { name: 'ministry-auth-failed', write: (g, s) => g.ministry.auth(s, recent(g), g.rng.pick(['01', '03', '05']), '0') },
  { name: 'ministry-overseas-failed', write: (g, s) => g.ministry.overseas(s, recent(g), '0', '美国') },
  { name: 'ministry-after-as-of', write: (g, s) => g.ministry.travel(s, g.daysAgo(1), 'G1001 广州南-长沙南', { after: true }) },

  // ---- big-data center -----------------------------------------------------------------------
  { name: 'bigdata-id-region', write: (g, s) => g.bigdata.death(s, recent(g), 'police', { idText: regionless(s), outcome: R('ID_REGION', 'GMSFHM') }) },
  { name: 'bigdata-id-birth-month-13', write: (g, s) => g.bigdata.death(s, recent(g), 'health', { idText: withBirth(s, '19581301'), outcome: R('ID_BIRTHDATE', 'GMSFHM') }) },
  { name: 'bigdata-id-birth-future', write: (g, s) => g.bigdata.hukou(s, { code: 'normal' }, { idText: withBirth(s, `${Number(year(g)) + 1}0512`), outcome: R('ID_BIRTHDATE', 'GMSFHM') }) },
  { name: 'bigdata-id-birth-before-1880', write: (g, s) => g.bigdata.cremation(s, null, recent(g), { idText: withBirth(s, '18790704'), outcome: R('ID_BIRTHDATE', 'GMSFHM') }) },
  {
    name: 'bigdata-id-checksum-before-code',
    write: (g, s) => g.bigdata.hukou(s, { code: '05', date: recent(g) }, { idText: wrongCheck(s.personId, g.rng), raw: { ZXYYDM: '77' }, outcome: R('ID_CHECKSUM', 'GMSFHM') }),
  },
  {
    name: 'bigdata-hukou-reason-unknown-before-date',
    write: (g, s) => g.bigdata.hukou(s, { code: '05', date: recent(g) }, { raw: { ZXYYDM: '77', ZXRQ: '' }, outcome: R('CODE_UNKNOWN', 'ZXYYDM') }),
  },
  {
    name: 'bigdata-hukou-status-unknown-before-sjly',
    write: (g, s) => g.bigdata.hukou(s, { code: 'normal' }, { raw: { HKZT: '3', SJLY: '市公安局' }, outcome: R('CODE_UNKNOWN', 'HKZT') }),
  },
  { name: 'bigdata-hukou-status-missing', write: (g, s) => g.bigdata.hukou(s, { code: 'normal' }, { raw: { HKZT: ' ' }, outcome: R('REQUIRED_MISSING', 'HKZT') }) },
  { name: 'bigdata-hukou-reason-missing', write: (g, s) => g.bigdata.hukou(s, { code: '05', date: recent(g) }, { raw: { ZXYYDM: '' }, outcome: R('REQUIRED_MISSING', 'ZXYYDM') }) },
  { name: 'bigdata-hukou-cancellation-date-missing', write: (g, s) => g.bigdata.hukou(s, { code: '06', date: recent(g) }, { raw: { ZXRQ: '' }, outcome: R('REQUIRED_MISSING', 'ZXRQ') }) },
  {
    name: 'bigdata-hukou-death-cancellation-date-invalid',
    write: (g, s) => {
      const d = recent(g);
      g.bigdata.hukou(s, { code: '01', date: d, deathDate: d }, { raw: { ZXRQ: impossibleDate('compact', g.rng, d.slice(0, 4)) }, outcome: R('DATE_INVALID', 'ZXRQ') });
    },
  },
  { name: 'bigdata-hukou-cancellation-date-future', write: (g, s) => g.bigdata.hukou(s, { code: '04', date: future(g) }, { outcome: R('DATE_FUTURE', 'ZXRQ') }) },
  { name: 'bigdata-sjly-unknown', write: (g, s) => g.bigdata.death(s, recent(g), 'police', { raw: { SJLY: '市公安局' }, outcome: R('CODE_UNKNOWN', 'SJLY') }) },
  { name: 'bigdata-sjly-missing', write: (g, s) => g.bigdata.prison(s, recent(g), null, '广东省北江监狱', { raw: { SJLY: '' }, outcome: R('REQUIRED_MISSING', 'SJLY') }) },
  { name: 'bigdata-death-date-missing', write: (g, s) => g.bigdata.death(s, recent(g), 'health', { raw: { SWRQ: '' }, outcome: R('REQUIRED_MISSING', 'SWRQ') }) },
  { name: 'bigdata-cremation-both-dates-empty', write: (g, s) => g.bigdata.cremation(s, null, recent(g), { raw: { SWRQ: '', HHRQ: '' }, outcome: R('REQUIRED_MISSING', 'SWRQ') }) },
  {
    name: 'bigdata-cremation-date-invalid',
    write: (g, s) => g.bigdata.cremation(s, null, recent(g), { raw: { HHRQ: impossibleDate('compact', g.rng, year(g)) }, outcome: R('DATE_INVALID', 'HHRQ') }),
  },
  { name: 'bigdata-prison-start-future', write: (g, s) => g.bigdata.prison(s, future(g), null, '广东省佛山监狱', { outcome: R('DATE_FUTURE', 'XQQSRQ') }) },
  { name: 'bigdata-after-as-of', write: (g, s) => g.bigdata.death(s, g.daysAgo(2), 'civil', { updated: `${addDays(g.asOf, 1)} 00:00:00` }) },
  { name: 'bigdata-last-second-of-as-of', write: (g, s) => g.bigdata.hukou(s, { code: 'normal' }, { updated: `${g.asOf} 23:59:59` }) },

  // ---- city police ---------------------------------------------------------------------------
  {
    name: 'police-required-before-date',
    write: (g, s) => g.police.hukou(s, '', recent(g), { raw: { hjzt: '注销', zxrq: impossibleDate('slashes', g.rng, year(g)) }, outcome: R('REQUIRED_MISSING', 'zxyy') }),
  },
  {
    name: 'police-reason-unknown-before-date',
    write: (g, s) => g.police.hukou(s, '失联', recent(g), { raw: { zxrq: impossibleDate('slashes', g.rng, year(g)) }, outcome: R('CODE_UNKNOWN', 'zxyy') }),
  },
  { name: 'police-status-unknown', write: (g, s) => g.police.hukou(s, null, null, { raw: { hjzt: '迁移' }, outcome: R('CODE_UNKNOWN', 'hjzt') }) },
  { name: 'police-status-missing', write: (g, s) => g.police.hukou(s, null, null, { raw: { hjzt: '' }, outcome: R('REQUIRED_MISSING', 'hjzt') }) },
  {
    name: 'police-cancellation-date-invalid',
    write: (g, s) => g.police.hukou(s, '迁出', recent(g), { raw: { zxrq: impossibleDate('slashes', g.rng, year(g)) }, outcome: R('DATE_INVALID', 'zxrq') }),
  },
  { name: 'police-cancellation-date-future', write: (g, s) => g.police.hukou(s, '宣告失踪', future(g), { outcome: R('DATE_FUTURE', 'zxrq') }) },
  { name: 'police-cancellation-date-missing', write: (g, s) => g.police.hukou(s, '死亡', recent(g), { raw: { zxrq: '' }, outcome: R('REQUIRED_MISSING', 'zxrq') }) },
  { name: 'police-id-17-digits', write: (g, s) => g.police.hukou(s, null, null, { idText: s.personId.slice(0, 17), outcome: R('ID_FORMAT', 'sfzh') }) },
  { name: 'police-id-checksum', write: (g, s) => g.police.hukou(s, '迁出', recent(g), { idText: wrongCheck(s.personId, g.rng), outcome: R('ID_CHECKSUM', 'sfzh') }) },
  { name: 'police-after-as-of', write: (g, s) => g.police.hukou(s, null, null, { after: true }) },
  { name: 'police-late-statement', write: (g, s) => g.police.hukou(s, null, null, { late: true, updated: `${g.daysAgo(g.rng.int(0, 3))} 0${g.rng.int(1, 9)}:15:00` }) },

  // ---- civil affairs -------------------------------------------------------------------------
  {
    name: 'civil-scientific-notation-before-required',
    write: (g, s) => g.civil.death(s, { death: null, cremation: null, deathText: '', cremationText: '', registered: g.daysAgo(2) }, { idText: scientific(s.personId, g.rng), outcome: R('ID_SCIENTIFIC_NOTATION', '身份证号码') }),
  },
  {
    name: 'civil-scientific-notation',
    write: (g, s) => { const d = recent(g); g.civil.death(s, { death: d, cremation: addDays(d, 2) }, { idText: scientific(s.personId, g.rng), outcome: R('ID_SCIENTIFIC_NOTATION', '身份证号码') }); },
  },
  { name: 'civil-both-dates-empty', write: (g, s) => g.civil.death(s, { death: null, cremation: null, deathText: '', cremationText: '', registered: g.daysAgo(3) }, { outcome: R('REQUIRED_MISSING', '死亡日期') }) },
  { name: 'civil-id-empty', write: (g, s) => { const d = recent(g); g.civil.death(s, { death: d, cremation: addDays(d, 1) }, { idText: '', outcome: R('REQUIRED_MISSING', '身份证号码') }); } },
  { name: 'civil-id-birth-29-february-1962', write: (g, s) => { const d = recent(g); g.civil.death(s, { death: d, cremation: addDays(d, 2) }, { idText: withBirth(s, '19620229'), outcome: R('ID_BIRTHDATE', '身份证号码') }); } },
  { name: 'civil-id-checksum', write: (g, s) => { const d = recent(g); g.civil.death(s, { death: d, cremation: addDays(d, 2) }, { idText: wrongCheck(s.personId, g.rng), outcome: R('ID_CHECKSUM', '身份证号码') }); } },
  { name: 'civil-id-region', write: (g, s) => { const d = recent(g); g.civil.death(s, { death: d, cremation: addDays(d, 2) }, { idText: regionless(s), outcome: R('ID_REGION', '身份证号码') }); } },
  {
    name: 'civil-death-date-impossible',
    write: (g, s) => {
      const d = recent(g);
      g.civil.death(s, { death: null, cremation: addDays(d, 2), deathText: impossibleDate(g.rng.pick(['iso', 'chinese', 'slashes', 'compact'] as const), g.rng, d.slice(0, 4)), registered: addDays(d, 3) }, { outcome: R('DATE_INVALID', '死亡日期') });
    },
  },
  {
    name: 'civil-death-date-unreadable',
    write: (g, s) => { const d = recent(g); g.civil.death(s, { death: null, cremation: addDays(d, 1), deathText: g.rng.pick(['不详', '待查', '2026-1O-05']), registered: addDays(d, 2) }, { outcome: R('DATE_INVALID', '死亡日期') }); },
  },
  {
    name: 'civil-cremation-only-date-impossible',
    write: (g, s) => g.civil.death(s, { death: null, cremation: null, deathText: '', cremationText: impossibleDate('chinese', g.rng, year(g)), registered: g.daysAgo(4) }, { outcome: R('DATE_INVALID', '火化日期') }),
  },
  {
    name: 'civil-death-date-future',
    write: (g, s) => g.civil.death(s, { death: null, cremation: null, deathText: future(g), cremationText: '', registered: g.daysAgo(2) }, { outcome: R('DATE_FUTURE', '死亡日期') }),
  },

  // ---- health commission ---------------------------------------------------------------------
  {
    name: 'health-passport-without-number',
    write: (g, s) => g.health.death(s, recent(g), { raw: { idType: '02', idNumber: '', name: g.rng.pick(['SMITH JOHN', 'TANAKA HIROSHI', 'NGUYEN VAN AN']) }, outcome: skipped('NOT_RESIDENT_ID') }),
  },
  {
    name: 'health-permit-skipped-before-date',
    write: (g, s) => g.health.checkup(s, recent(g), '人民医院体检中心', { raw: { idType: '03', idNumber: `H${g.rng.int(10000000, 99999999)}`, checkupDate: impossibleDate('iso', g.rng, year(g)) }, outcome: skipped('NOT_RESIDENT_ID') }),
  },
  { name: 'health-passport-type-with-space', write: (g, s) => g.health.checkup(s, recent(g), '人民医院体检中心', { raw: { idType: ' 02' }, outcome: skipped('NOT_RESIDENT_ID') }) },
  {
    name: 'health-id-type-empty-before-id',
    write: (g, s) => g.health.vaccination(s, recent(g), '肺炎球菌多糖疫苗', { raw: { idType: '' }, idText: wrongCheck(s.personId, g.rng), outcome: R('REQUIRED_MISSING', 'idType') }),
  },
  { name: 'health-id-type-unknown', write: (g, s) => g.health.checkup(s, recent(g), '街道社区卫生服务站', { raw: { idType: '09' }, outcome: R('CODE_UNKNOWN', 'idType') }) },
  { name: 'health-certificate-number-missing', once: true, write: (g, s) => g.health.death(s, recent(g), { raw: { certificateNo: '' }, outcome: R('REQUIRED_MISSING', 'certificateNo') }) },
  { name: 'health-id-number-missing', write: (g, s) => g.health.vaccination(s, recent(g), '流感疫苗', { idText: ' ', outcome: R('REQUIRED_MISSING', 'idNumber') }) },
  { name: 'health-death-time-missing', write: (g, s) => g.health.death(s, recent(g), { raw: { deathTime: '' }, outcome: R('REQUIRED_MISSING', 'deathTime') }) },
  {
    name: 'health-checkup-date-impossible',
    write: (g, s) => g.health.checkup(s, recent(g), '社区卫生服务中心', { raw: { checkupDate: impossibleDate('iso', g.rng, year(g)) }, outcome: R('DATE_INVALID', 'checkupDate') }),
  },
  {
    name: 'health-utc-crosses-into-day-after-as-of',
    write: (g, s) => g.health.vaccination(s, g.asOf, '流感疫苗', {
      raw: { administeredAt: `${g.asOf}T16:30:00Z`, updatedAt: isoStamp(g.asOf, '23:50:00', false) },
      updated: `${g.asOf} 23:50:00`, outcome: R('DATE_FUTURE', 'administeredAt'),
    }),
  },
  {
    name: 'health-updated-after-as-of-in-utc',
    write: (g, s) => g.health.checkup(s, g.daysAgo(1), '社区卫生服务中心', { raw: { updatedAt: `${g.asOf}T16:30:00Z` }, updated: `${addDays(g.asOf, 1)} 00:30:00`, after: true }),
  },
];

/** Everyday records about people the roster does not hold (they are staged all the same). */
export function outsiderRecords(g: Gen, s: Subject): void {
  const local = s.city !== null;
  const kind = g.rng.weighted<string>(g.mix === 'month'
    // a month of the population: alive signals, few household changes, deaths and sentences at about 0.1 %
    ? [
      ['auth', 30], ['travel', 20], ['medical', 20], ['vaccination', 10], ['checkup', 10], ['benefit', 2],
      ['ministry-death', 0.03], ['health-death', local ? 0.03 : 0], ['civil-death', local ? 0.03 : 0], ['bigdata-death', local ? 0.03 : 0],
      ['police', local ? 4 : 0], ['bigdata-hukou', local ? 3 : 0], ['prison', 0.01],
    ]
    : [
      ['auth', 20], ['travel', 14], ['medical', 14], ['vaccination', 8], ['checkup', 8], ['benefit', 6],
      ['ministry-death', 5], ['health-death', local ? 5 : 0], ['civil-death', local ? 6 : 0], ['bigdata-death', local ? 4 : 0],
      ['police', local ? 8 : 0], ['bigdata-hukou', local ? 6 : 0], ['prison', 1],
    ]);
  const d = g.dateBetween(g.daysAgo(400), g.daysAgo(3));
  switch (kind) {
    case 'auth': g.ministry.auth(s, d, g.rng.pick(['01', '02', '03', '04', '05', '06']), '1'); break;
    case 'travel': g.ministry.travel(s, d, 'G1001 广州南-长沙南'); break;
    case 'medical': g.ministry.medical(s, d, '门诊结算'); break;
    case 'vaccination': g.health.vaccination(s, d, '流感疫苗'); break;
    case 'checkup': g.health.checkup(s, d, '社区卫生服务中心'); break;
    case 'benefit': g.ministry.benefit(s, g.rng.pick(['110', '120']), g.rng.pick(['440000', '350000', '430000']), `${d.slice(0, 7)}-01`, null); break;
    case 'ministry-death': g.ministry.death(s, d); break;
    case 'health-death': g.health.death(s, d); break;
    case 'civil-death': g.civil.death(s, { death: d, cremation: addDays(d, g.rng.int(1, 2)) }); break;
    case 'bigdata-death': g.bigdata.death(s, d, g.rng.pick(['police', 'health', 'civil'] as const)); break;
    case 'police': g.police.hukou(s, g.rng.pick([null, null, '迁出', '死亡', '服兵役']), d); break;
    case 'bigdata-hukou': g.bigdata.hukou(s, { code: g.rng.pick(['normal', 'normal', '05', '01'] as const), date: d }); break;
    case 'prison': g.bigdata.prison(s, d, null, '广东省东莞监狱'); break;
  }
}
