// Every rejection and skip code per source where it can occur, the order of checks, records that
// break their published shape, and the record id / update time / origin helpers.
import assert from 'node:assert/strict';
import {
  UnknownDatasetError, fieldsOf, identityFieldOf, normalize, originOf, rawFieldOf, recordIdOf,
  reportedPersonIdOf, updatedAtOf,
} from '../../connectors/normalize.ts';
import { AS_OF, assertRejected, assertSkipped, ctx, staged, withCheck } from './helpers.ts';

type Row = Record<string, string>;

/** Identity values that fail each identity step, and a valid one. */
const IDS = {
  ID_SCIENTIFIC_NOTATION: '4.40106E+17',
  ID_FORMAT: '44010619520315A231',
  ID_CHECKSUM: '440105194705050211',
  ID_BIRTHDATE: '440106196202290353',
  ID_REGION: '900106195203150316',
  future: withCheck('44010620261129001'),
  before1880: withCheck('44010618790101001'),
} as const;

interface Source {
  channel: string;
  dataset: string;
  idField: string;
  base: Row;
  wrap?: (row: Row) => unknown;
}

const civilWrap = (row: Row) => ({ file: 'HH_440106_20260910.csv', line: 3, row });

const SOURCES: Source[] = [
  {
    channel: 'ministry', dataset: 'DEATH', idField: 'aac002',
    base: { recordId: 'SW1', aac002: '440106410516021', aac003: '赵国荣', aac004: '1', dataType: 'DEATH', eventDate: '20260914', aae036: '2026-09-20 14:03:11' },
  },
  {
    channel: 'bigdata', dataset: 'death', idField: 'GMSFHM',
    base: { JLID: 'SW1', GMSFHM: '44010519471102025X', XM: '罗德明', XBDM: '1', CSRQ: '19471102', SJLY: '省卫生健康委', GXSJ: '2026-10-04 08:12:00', SWRQ: '20261002', SWDD: '医院' },
  },
  {
    channel: 'police-4401', dataset: 'hukou', idField: 'sfzh',
    base: { id: '4401HJ1', sfzh: '440304195305210217', xm: '韩伯宗', xb: '男', csrq: '1953/05/21', hjzt: '注销', zxyy: '出国定居', zxrq: '2026/03/10', hjdz: '深圳市', gxsj: '2026-03-11 10:00:00' },
  },
  {
    channel: 'civil', dataset: 'cremation', idField: '身份证号码', wrap: civilWrap,
    base: { 逝者姓名: '朱玉珍', 身份证号码: '440106194308160224', 性别: '2', 出生日期: '1943-08-16', 死亡日期: '2026-9-7', 火化日期: '2026-9-9', 殡仪馆: '广州市殡葬服务中心', 登记时间: '2026-09-10 08:30:00' },
  },
  {
    channel: 'health', dataset: 'checkups', idField: 'idNumber',
    base: { checkupId: 'TJ1', idType: '01', idNumber: '440304195109300223', name: '陈 anna', checkupDate: '2026-08-19', institution: '社区', updatedAt: '2026-08-20T10:00:00+08:00' },
  },
];

function run(s: Source, patch: Row, asOf = AS_OF) {
  const row = { ...s.base, ...patch };
  return normalize(s.channel, s.dataset, s.wrap ? s.wrap(row) : row, { asOf });
}

describe('rejections: identity codes on every source', () => {
  for (const s of SOURCES) {
    describe(`${s.channel} ${s.dataset}`, () => {
      it('the base record stages', () => {
        staged(run(s, {}));
      });
      for (const code of ['ID_SCIENTIFIC_NOTATION', 'ID_FORMAT', 'ID_CHECKSUM', 'ID_BIRTHDATE', 'ID_REGION'] as const) {
        it(`${code} on ${s.idField}, personId null`, () => {
          const n = run(s, { [s.idField]: IDS[code] });
          assertRejected(n, code, s.idField);
          assert.equal(n.outcome === 'rejected' && n.personId, null);
        });
      }
      it('ID_BIRTHDATE for a birth after the as-of date or before 1880', () => {
        assertRejected(run(s, { [s.idField]: IDS.future }), 'ID_BIRTHDATE', s.idField);
        assertRejected(run(s, { [s.idField]: IDS.before1880 }), 'ID_BIRTHDATE', s.idField);
      });
      it(`REQUIRED_MISSING on an empty or absent ${s.idField}`, () => {
        assertRejected(run(s, { [s.idField]: ' \u3000' }), 'REQUIRED_MISSING', s.idField);
        const row: Row = { ...s.base };
        delete row[s.idField];
        assertRejected(normalize(s.channel, s.dataset, s.wrap ? s.wrap(row) : row, ctx), 'REQUIRED_MISSING', s.idField);
      });
      it('DATE_INVALID and DATE_FUTURE on the event date', () => {
        const dateField = { ministry: 'eventDate', bigdata: 'SWRQ', 'police-4401': 'zxrq', civil: '死亡日期', health: 'checkupDate' }[s.channel]!;
        assertRejected(run(s, { [dateField]: '2026-02-30' }), 'DATE_INVALID', dateField);
        const r = run(s, { [dateField]: '2026-11-29' });
        assertRejected(r, 'DATE_FUTURE', dateField);
        // a rejection after step 2 carries the normalized identity number
        assert.match(r.outcome === 'rejected' ? String(r.personId) : '', /^\d{17}[\dX]$/);
      });
    });
  }
});

describe('rejections: ministry', () => {
  const base = SOURCES[0].base;
  const m = (dataset: string, patch: Row) => normalize('ministry', dataset, { ...base, dataType: dataset, ...patch }, ctx);
  const benefit = { eventDate: '20240301', eventEndDate: '', detailCode: '110', aab301: '350000' };
  const auth = { eventDate: '20261012', channel: '04', result: '1' };

  it('REQUIRED_MISSING on every required field, in published order', () => {
    assertRejected(m('DEATH', { recordId: '' }), 'REQUIRED_MISSING', 'recordId');
    assertRejected(m('DEATH', { recordId: '\u3000' }), 'REQUIRED_MISSING', 'recordId');
    assertRejected(m('DEATH', { eventDate: ' ' }), 'REQUIRED_MISSING', 'eventDate');
    assertRejected(m('DEATH', { recordId: '', eventDate: '' }), 'REQUIRED_MISSING', 'recordId');
    assertRejected(m('BENEFIT', { ...benefit, detailCode: '' }), 'REQUIRED_MISSING', 'detailCode');
    assertRejected(m('BENEFIT', { ...benefit, aab301: '' }), 'REQUIRED_MISSING', 'aab301');
    assertRejected(m('BENEFIT', { ...benefit, detailCode: '', aab301: '' }), 'REQUIRED_MISSING', 'detailCode');
    assertRejected(m('AUTH', { ...auth, channel: '' }), 'REQUIRED_MISSING', 'channel');
    assertRejected(m('AUTH', { ...auth, result: '' }), 'REQUIRED_MISSING', 'result');
    assertRejected(m('OVERSEAS', { eventDate: '20260910', result: '' }), 'REQUIRED_MISSING', 'result');
  });

  it('a required field is checked before any date: empty detailCode with an impossible eventDate', () => {
    assertRejected(m('BENEFIT', { ...benefit, detailCode: '', eventDate: '20240230' }), 'REQUIRED_MISSING', 'detailCode');
  });

  it('CODE_UNKNOWN on detailCode, aab301, channel and result, in published order', () => {
    assertRejected(m('BENEFIT', { ...benefit, detailCode: '130' }), 'CODE_UNKNOWN', 'detailCode');
    assertRejected(m('BENEFIT', { ...benefit, detailCode: '130', aab301: '44' }), 'CODE_UNKNOWN', 'detailCode');
    assertRejected(m('BENEFIT', { ...benefit, aab301: '44000A' }), 'CODE_UNKNOWN', 'aab301');
    assertRejected(m('BENEFIT', { ...benefit, aab301: '4400000' }), 'CODE_UNKNOWN', 'aab301');
    assertRejected(m('AUTH', { ...auth, channel: '07' }), 'CODE_UNKNOWN', 'channel');
    assertRejected(m('AUTH', { ...auth, channel: '07', result: '2' }), 'CODE_UNKNOWN', 'channel');
    assertRejected(m('AUTH', { ...auth, result: '2' }), 'CODE_UNKNOWN', 'result');
    assertRejected(m('OVERSEAS', { eventDate: '20260910', result: 'Y' }), 'CODE_UNKNOWN', 'result');
  });

  it('codes before scope: an unknown channel on a failed AUTH is rejected, not skipped', () => {
    assertRejected(m('AUTH', { ...auth, channel: '09', result: '0' }), 'CODE_UNKNOWN', 'channel');
  });

  it('a trimmed aab301 counts: " 350000 " is province 350000', () => {
    assert.deepEqual(staged(m('BENEFIT', { ...benefit, aab301: ' 350000 ' })).detail, { insuranceType: '110', province: '350000' });
  });

  it('OWN_PENSION only for 170 paid by a 44 province code; carries the personId', () => {
    const n = m('BENEFIT', { ...benefit, detailCode: '170', aab301: '440100' });
    assertSkipped(n, 'OWN_PENSION');
    assert.equal(n.outcome === 'skipped' && n.personId, '440106194105160216');
    assertSkipped(m('BENEFIT', { ...benefit, detailCode: ' 170', aab301: '440000 ' }), 'OWN_PENSION');
    // another province's residents' pension and a Guangdong employees' pension are other benefits
    assert.equal(staged(m('BENEFIT', { ...benefit, detailCode: '170', aab301: '450000' })).kind, 'OTHER_BENEFIT');
    assert.equal(staged(m('BENEFIT', { ...benefit, detailCode: '110', aab301: '440000' })).kind, 'OTHER_BENEFIT');
  });

  it('RESULT_FAIL for failed AUTH and OVERSEAS', () => {
    assertSkipped(m('AUTH', { ...auth, result: '0' }), 'RESULT_FAIL');
    assertSkipped(m('AUTH', { ...auth, channel: '06', result: ' 0 ' }), 'RESULT_FAIL');
    assertSkipped(m('OVERSEAS', { eventDate: '20260910', result: '0' }), 'RESULT_FAIL');
  });

  it('every AUTH channel: 01–05 FACE_AUTH, 06 REMOTE_ASSIST', () => {
    for (const c of ['01', '02', '03', '04', '05']) assert.deepEqual(staged(m('AUTH', { ...auth, channel: c })).detail, { signal: 'FACE_AUTH', strength: 'strong' });
    assert.deepEqual(staged(m('AUTH', { ...auth, channel: '06' })).detail, { signal: 'REMOTE_ASSIST', strength: 'strong' });
  });

  it('every insurance type stages with an end date when one is given', () => {
    for (const t of ['110', '120']) {
      const e = staged(m('BENEFIT', { ...benefit, detailCode: t, eventEndDate: '2025/12/31' }));
      assert.deepEqual([e.kind, e.endDate, e.detail.insuranceType], ['OTHER_BENEFIT', '2025-12-31', t]);
    }
  });
});

describe('rejections: big-data', () => {
  const person = { GMSFHM: '440106195503180217', XM: '李建平', XBDM: '1', CSRQ: '19550318', SJLY: '省公安厅', GXSJ: '2026-03-12 09:15:00' };
  const hukou = (patch: Row) => normalize('bigdata', 'hukou', { JLID: 'HK1', ...person, HKZT: '2', ZXYYDM: '03', ZXRQ: '20260310', ...patch }, ctx);
  const ds = (dataset: string, patch: Row) => normalize('bigdata', dataset, { JLID: 'R1', ...person, ...patch }, ctx);

  it('hukou: status, then reason, are checked first in step 3', () => {
    assertRejected(hukou({ HKZT: '' }), 'REQUIRED_MISSING', 'HKZT');
    assertRejected(hukou({ HKZT: '', JLID: '' }), 'REQUIRED_MISSING', 'HKZT');
    assertRejected(hukou({ HKZT: '9', SJLY: '' }), 'CODE_UNKNOWN', 'HKZT');
    assertRejected(hukou({ ZXYYDM: '' }), 'REQUIRED_MISSING', 'ZXYYDM');
    assertRejected(hukou({ ZXYYDM: ' ', JLID: '', ZXRQ: '' }), 'REQUIRED_MISSING', 'ZXYYDM');
    assertRejected(hukou({ ZXYYDM: '08', ZXRQ: '20261399' }), 'CODE_UNKNOWN', 'ZXYYDM');
  });

  it('hukou: then the record id, SJLY and the cancellation date are required', () => {
    assertRejected(hukou({ JLID: '' }), 'REQUIRED_MISSING', 'JLID');
    assertRejected(hukou({ SJLY: '' }), 'REQUIRED_MISSING', 'SJLY');
    assertRejected(hukou({ ZXRQ: '' }), 'REQUIRED_MISSING', 'ZXRQ');
    assertRejected(hukou({ ZXRQ: '', SWRQ: '20260301', ZXYYDM: '01' }), 'REQUIRED_MISSING', 'ZXRQ');
  });

  it('hukou: the cancellation date is checked before the death date', () => {
    assertRejected(hukou({ ZXYYDM: '01', ZXRQ: '20260230', SWRQ: '20260231' }), 'DATE_INVALID', 'ZXRQ');
    assertRejected(hukou({ ZXYYDM: '01', ZXRQ: '20260305', SWRQ: '20260231' }), 'DATE_INVALID', 'SWRQ');
    assertRejected(hukou({ ZXYYDM: '02', ZXRQ: '20261201' }), 'DATE_FUTURE', 'ZXRQ');
    assertRejected(hukou({ ZXYYDM: '01', ZXRQ: '20261101', SWRQ: '20261130' }), 'DATE_FUTURE', 'SWRQ');
  });

  it('hukou: SJLY is a code checked at step 5, after dates', () => {
    assertRejected(hukou({ SJLY: '市公安局' }), 'CODE_UNKNOWN', 'SJLY');
    assertRejected(hukou({ SJLY: '市公安局', ZXRQ: '20260230' }), 'DATE_INVALID', 'ZXRQ');
  });

  it('hukou normal: dated GXSJ (required and checked); the reason field is ignored', () => {
    const e = staged(hukou({ HKZT: '1', ZXYYDM: '77', ZXRQ: '' }));
    assert.deepEqual([e.kind, e.date, e.detail], ['HUKOU_NORMAL', '2026-03-12', {}]);
    assertRejected(hukou({ HKZT: '1', GXSJ: '' }), 'REQUIRED_MISSING', 'GXSJ');
    assertRejected(hukou({ HKZT: '1', GXSJ: '2026-13-01 00:00:00' }), 'DATE_INVALID', 'GXSJ');
    assertRejected(hukou({ HKZT: '1', GXSJ: '2026-11-29 08:00:00' }), 'DATE_FUTURE', 'GXSJ');
  });

  it('death: SWRQ required; SJLY decides the origin', () => {
    assertRejected(ds('death', { SWRQ: '' }), 'REQUIRED_MISSING', 'SWRQ');
    assertRejected(ds('death', { SWRQ: '20261002', SJLY: '' }), 'REQUIRED_MISSING', 'SJLY');
    assertRejected(ds('death', { SWRQ: '20261002', SJLY: '卫生局' }), 'CODE_UNKNOWN', 'SJLY');
    const origins = { 省公安厅: 'police', 省卫生健康委: 'health', 省民政厅: 'civil', 省司法厅: 'justice', 省监狱管理局: 'justice' };
    for (const [sjly, origin] of Object.entries(origins)) assert.equal(staged(ds('death', { SWRQ: '20261002', SJLY: sjly })).origin, origin);
  });

  it('cremation: SWRQ when present (death), else HHRQ (proxy); neither → named SWRQ', () => {
    assert.deepEqual(staged(ds('cremation', { SJLY: '省民政厅', SWRQ: '20261010', HHRQ: '20261012' })).detail, { dateKind: 'death' });
    const p = staged(ds('cremation', { SJLY: '省民政厅', SWRQ: ' ', HHRQ: '20261012' }));
    assert.deepEqual([p.date, p.detail, p.origin], ['2026-10-12', { dateKind: 'proxy' }, 'civil']);
    assertRejected(ds('cremation', { SJLY: '省民政厅', HHRQ: '20261032' }), 'DATE_INVALID', 'HHRQ');
    assertRejected(ds('cremation', { SJLY: '省民政厅', SWRQ: '', HHRQ: '' }), 'REQUIRED_MISSING', 'SWRQ');
  });

  it('prison: XQQSRQ required; the end date may be empty', () => {
    assertRejected(ds('prison', { XQQSRQ: '', XQJZRQ: '20300101' }), 'REQUIRED_MISSING', 'XQQSRQ');
    assertRejected(ds('prison', { XQQSRQ: '20261201' }), 'DATE_FUTURE', 'XQQSRQ');
    assertRejected(ds('prison', { XQQSRQ: '20250101', XQJZRQ: '2030-02-30' }), 'DATE_INVALID', 'XQJZRQ');
    const e = staged(ds('prison', { SJLY: '省司法厅', XQQSRQ: '20250101', XQJZRQ: '' }));
    assert.deepEqual([e.kind, e.origin, 'endDate' in e], ['IMPRISONED', 'justice', false]);
  });
});

describe('rejections: police', () => {
  const base = SOURCES[2].base;
  const p = (patch: Row) => normalize('police-4403', 'hukou', { ...base, ...patch }, ctx);

  it('status then reason first at step 3', () => {
    assertRejected(p({ hjzt: '', id: '' }), 'REQUIRED_MISSING', 'hjzt');
    assertRejected(p({ hjzt: '迁移', zxrq: '2026/02/30' }), 'CODE_UNKNOWN', 'hjzt');
    assertRejected(p({ zxyy: '\u3000' }), 'REQUIRED_MISSING', 'zxyy');
    assertRejected(p({ zxyy: '失联', id: '' }), 'CODE_UNKNOWN', 'zxyy');
  });

  it('then the record id and the date', () => {
    assertRejected(p({ id: '' }), 'REQUIRED_MISSING', 'id');
    assertRejected(p({ zxrq: '' }), 'REQUIRED_MISSING', 'zxrq');
    assertRejected(p({ hjzt: '正常', zxyy: '', zxrq: '', gxsj: '' }), 'REQUIRED_MISSING', 'gxsj');
    assertRejected(p({ hjzt: '正常', gxsj: '2026-11-31 10:00:00' }), 'DATE_INVALID', 'gxsj');
    assertRejected(p({ hjzt: '正常', gxsj: '2026-11-29 00:00:00' }), 'DATE_FUTURE', 'gxsj');
  });

  it('a normal record ignores zxyy and zxrq, whatever they hold', () => {
    const e = staged(p({ hjzt: ' 正常', zxyy: '失联', zxrq: '2026/02/30' }));
    assert.deepEqual([e.kind, e.date, e.origin], ['HUKOU_NORMAL', '2026-03-11', 'police']);
  });

  it('every reason text maps to its event', () => {
    const want: Record<string, [string, Record<string, string>]> = {
      死亡: ['DEATH', { dateKind: 'proxy' }], 宣告死亡: ['DEATH', { dateKind: 'proxy' }],
      出国定居: ['HUKOU_CANCELLED', { reason: 'EMIGRATED' }], 丧失国籍: ['HUKOU_CANCELLED', { reason: 'NATIONALITY_LOST' }],
      宣告失踪: ['HUKOU_CANCELLED', { reason: 'MISSING' }], 迁出: ['HUKOU_CANCELLED', { reason: 'MOVED_OUT' }],
      服兵役: ['HUKOU_CANCELLED', { reason: 'MILITARY' }], 其他: ['HUKOU_CANCELLED', { reason: 'OTHER' }],
    };
    for (const [zxyy, [kind, detail]] of Object.entries(want)) {
      const e = staged(p({ zxyy: ` ${zxyy}` }));
      assert.deepEqual([e.kind, e.detail, e.date], [kind, detail, '2026-03-10'], zxyy);
    }
  });
});

describe('rejections: civil', () => {
  const s = SOURCES[3];
  it('needs 死亡日期 or 火化日期, named by 死亡日期; the one used is checked', () => {
    assertRejected(run(s, { 死亡日期: '', 火化日期: '\u3000' }), 'REQUIRED_MISSING', '死亡日期');
    assertRejected(run(s, { 死亡日期: '', 火化日期: '2026年9月31日' }), 'DATE_INVALID', '火化日期');
    assertRejected(run(s, { 死亡日期: '', 火化日期: '2026/12/1' }), 'DATE_FUTURE', '火化日期');
    assert.equal(staged(run(s, { 死亡日期: '2026-9-7', 火化日期: '2026/12/1' })).date, '2026-09-07');
  });
});

describe('rejections and skips: health', () => {
  const s = SOURCES[4];
  it('idType first: empty → REQUIRED_MISSING, 02/03 → NOT_RESIDENT_ID, other → CODE_UNKNOWN', () => {
    assertRejected(run(s, { idType: '', idNumber: 'bad', checkupId: '' }), 'REQUIRED_MISSING', 'idType');
    for (const t of ['02', '03', '03\u3000']) {
      const n = run(s, { idType: t, idNumber: '4.40106E+17', checkupId: '', checkupDate: 'never' });
      assertSkipped(n, 'NOT_RESIDENT_ID');
      assert.equal(n.outcome === 'skipped' && n.personId, null);
    }
    assertRejected(run(s, { idType: '1', idNumber: '' }), 'CODE_UNKNOWN', 'idType');
  });

  it('the record id and the date are required, in published order', () => {
    assertRejected(run(s, { checkupId: '', checkupDate: '' }), 'REQUIRED_MISSING', 'checkupId');
    assertRejected(run(s, { checkupDate: '' }), 'REQUIRED_MISSING', 'checkupDate');
  });

  it('each dataset: death certificate DEATH, vaccination and check-up ALIVE weak', () => {
    const d = staged(normalize('health', 'death-certificates', {
      certificateNo: 'Q1', idType: '01', idNumber: '440303193803160210', name: '李', sex: 'M', deathTime: '2026-10-31T23:59:00+08:00', deathPlace: '', updatedAt: '2026-11-02T09:00:00+08:00',
    }, ctx));
    assert.deepEqual([d.kind, d.date, d.detail, d.origin], ['DEATH', '2026-10-31', { dateKind: 'death' }, 'health']);
    assertRejected(normalize('health', 'death-certificates', {
      certificateNo: 'Q1', idType: '01', idNumber: '440303193803160210', deathTime: '', updatedAt: '2026-11-02T09:00:00+08:00',
    }, ctx), 'REQUIRED_MISSING', 'deathTime');
    assertRejected(normalize('health', 'vaccinations', {
      vaccinationId: '', idType: '01', idNumber: '440303193803160210', administeredAt: '2026-10-01T10:00:00+08:00',
    }, ctx), 'REQUIRED_MISSING', 'vaccinationId');
    const v = staged(normalize('health', 'vaccinations', {
      vaccinationId: 'V1', idType: '01', idNumber: '440303193803160210', administeredAt: '2026-10-01T10:00:00+08:00',
    }, ctx));
    assert.deepEqual([v.kind, v.detail], ['ALIVE', { signal: 'VACCINATION', strength: 'weak' }]);
  });
});

describe('records that break their published shape are rejected, never lost', () => {
  const wholeRecordField: Record<string, string> = { ministry: 'aac002', bigdata: 'GMSFHM', 'police-4401': 'sfzh', civil: '身份证号码', health: 'idType' };

  for (const s of SOURCES) {
    it(`${s.channel}: a record that is no object → REQUIRED_MISSING on ${wholeRecordField[s.channel]}`, () => {
      for (const raw of [null, undefined, 'SW1,440106...', 42, ['a'], true]) {
        const n = normalize(s.channel, s.dataset, raw, ctx);
        assertRejected(n, 'REQUIRED_MISSING', wholeRecordField[s.channel]);
        assert.equal(n.outcome === 'rejected' && n.personId, null);
        assert.equal(recordIdOf(s.channel, s.dataset, raw), '');
        assert.equal(updatedAtOf(s.channel, s.dataset, raw), '');
      }
    });

    it(`${s.channel}: a non-string value counts as empty: REQUIRED_MISSING in a required field, carried and unread in an optional one`, () => {
      for (const other of [null, 440106194308160224, true, ['4401'], { v: '4401' }]) {
        const only: Record<string, unknown> = { ...s.base, [s.idField]: other };
        const n = normalize(s.channel, s.dataset, s.wrap ? s.wrap(only as Row) : only, ctx);
        assertRejected(n, 'REQUIRED_MISSING', s.idField);
      }
      const name = fieldsOf(s.channel, s.dataset).find((f) => ['aac003', 'XM', 'xm', '逝者姓名', 'name'].includes(f));
      assert.ok(name, 'every dataset publishes a name field');
      const row: Record<string, unknown> = { ...s.base, [name]: { given: '李' } };
      const e = staged(normalize(s.channel, s.dataset, s.wrap ? s.wrap(row as Row) : row, ctx));
      assert.equal(e.name, '');
    });
  }

  it('a field the contract does not list is ignored, whatever its type; only own fields are read', () => {
    staged(normalize('bigdata', 'death', { ...SOURCES[1].base, NEWFIELD: 'x' }, ctx));
    staged(normalize('bigdata', 'death', { ...SOURCES[1].base, NEWFIELD: 1 }, ctx));
    const inherited = Object.create({ JLID: 'SW-inherited' }) as Record<string, unknown>;
    Object.assign(inherited, SOURCES[1].base);
    delete inherited.JLID;
    assertRejected(normalize('bigdata', 'death', inherited, ctx), 'REQUIRED_MISSING', 'JLID');
    const proto = JSON.parse(`{"__proto__": {"JLID": "x"}, ${JSON.stringify(SOURCES[1].base).slice(1)}`) as unknown;
    staged(normalize('bigdata', 'death', proto, ctx));
  });

  it('civil: a malformed carried row is rejected on 身份证号码', () => {
    assertRejected(normalize('civil', 'cremation', { file: 'HH_440106_20260910.csv', line: 3 }, ctx), 'REQUIRED_MISSING', '身份证号码');
    assertRejected(normalize('civil', 'cremation', { file: 'HH_440106_20260910.csv', line: '3', row: SOURCES[3].base }, ctx), 'REQUIRED_MISSING', '身份证号码');
  });
});

describe('dispatch helpers', () => {
  it('record ids per sources.md, as sent', () => {
    assert.equal(recordIdOf('ministry', 'AUTH', { recordId: 'RZ1' }), 'RZ1');
    assert.equal(recordIdOf('bigdata', 'hukou', { JLID: 'HK1' }), 'HK1');
    assert.equal(recordIdOf('police-4401', 'hukou', { id: '4401HJ1' }), '4401HJ1');
    assert.equal(recordIdOf('civil', 'cremation', { file: 'HH_440106_20261103.csv', line: 2, row: {} }), 'HH_440106_20261103.csv:2');
    assert.equal(recordIdOf('health', 'death-certificates', { certificateNo: 'Q1' }), 'Q1');
    assert.equal(recordIdOf('health', 'vaccinations', { vaccinationId: 'V1' }), 'V1');
    assert.equal(recordIdOf('health', 'checkups', { checkupId: 'C1' }), 'C1');
    assert.equal(recordIdOf('bigdata', 'hukou', { JLID: 7 }), '');
  });

  it('update times as ISO +08:00, \'\' when unreadable', () => {
    assert.equal(updatedAtOf('ministry', 'DEATH', { aae036: '2026-09-20 14:03:11' }), '2026-09-20T14:03:11+08:00');
    assert.equal(updatedAtOf('bigdata', 'death', { GXSJ: '2026-10-04 08:12:00' }), '2026-10-04T08:12:00+08:00');
    assert.equal(updatedAtOf('police-4403', 'hukou', { gxsj: '2026-06-16 15:00:00' }), '2026-06-16T15:00:00+08:00');
    assert.equal(updatedAtOf('civil', 'cremation', { file: 'f.csv', line: 2, row: { 登记时间: '2026-11-06 10:20:00' } }), '2026-11-06T10:20:00+08:00');
    assert.equal(updatedAtOf('health', 'checkups', { updatedAt: '2026-08-20T02:00:00Z' }), '2026-08-20T10:00:00+08:00');
    assert.equal(updatedAtOf('ministry', 'DEATH', { aae036: '2026-09-31 14:03:11' }), '');
    assert.equal(updatedAtOf('civil', 'cremation', { file: 'f.csv', line: 2, row: { 登记时间: '' } }), '');
  });

  it('origins, identity fields and raw values', () => {
    assert.equal(originOf('ministry', 'PRISON', {}), 'justice');
    assert.equal(originOf('ministry', 'DEATH', {}), 'ministry');
    assert.equal(originOf('bigdata', 'cremation', { SJLY: ' 省民政厅' }), 'civil');
    assert.equal(originOf('bigdata', 'cremation', { SJLY: '民政局' }), null);
    assert.equal(originOf('police-4401', 'hukou', {}), 'police');
    assert.equal(identityFieldOf('civil', 'cremation'), '身份证号码');
    assert.equal(reportedPersonIdOf('civil', 'cremation', civilWrap({ 身份证号码: '4.40106E+17' })), '4.40106E+17');
    assert.equal(reportedPersonIdOf('health', 'checkups', { idNumber: ' 440304195109300223 ' }), ' 440304195109300223 ');
    assert.equal(rawFieldOf('bigdata', 'hukou', { ZXRQ: '20260931' }, 'ZXRQ'), '20260931');
    assert.deepEqual(fieldsOf('civil', 'cremation'), ['逝者姓名', '身份证号码', '性别', '出生日期', '死亡日期', '火化日期', '殡仪馆', '登记时间']);
  });

  it('an unknown channel or dataset is a wiring error', () => {
    assert.throws(() => normalize('police', 'hukou', {}, ctx), UnknownDatasetError);
    assert.throws(() => normalize('police-44011', 'hukou', {}, ctx), UnknownDatasetError);
    assert.throws(() => normalize('ministry', 'death', {}, ctx), UnknownDatasetError);
    assert.throws(() => normalize('bigdata', 'record', {}, ctx), UnknownDatasetError);
    assert.throws(() => recordIdOf('civil', 'row', {}), UnknownDatasetError);
    assert.throws(() => normalize('hub', 'onsite', {}, ctx), UnknownDatasetError);
  });
});
