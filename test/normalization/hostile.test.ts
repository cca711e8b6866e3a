// normalization.md "Hostile input", field by field: a control character, U+0000 or an unpaired
// surrogate in a field the hub uses is that field's rejection (identity ID_FORMAT, date
// DATE_INVALID, code CODE_UNKNOWN, record id REQUIRED_MISSING); lengths, digits, years,
// offsets and second 60 as the contract lists them.
import assert from 'node:assert/strict';
import { normalize } from '../../connectors/normalize.ts';
import { checkSourceDate, isNoEnd, isScientificNotation, normalizeIdentity } from '../../connectors/kit/normalize/index.ts';

const ctx = { asOf: '2026-11-28' };
const ID = '44010519471102025X';
type Row = Record<string, string>;

const BASES: Array<{ channel: string; dataset: string; base: Row; fields: Record<string, string> }> = [
  {
    channel: 'ministry', dataset: 'BENEFIT',
    base: { recordId: 'B1', aac002: ID, dataType: 'BENEFIT', eventDate: '20261001', eventEndDate: '20281231', detailCode: '110', aab301: '110000', aae036: '2026-11-01 08:00:00' },
    fields: { aac002: 'ID_FORMAT', recordId: 'REQUIRED_MISSING', eventDate: 'DATE_INVALID', eventEndDate: 'DATE_INVALID', detailCode: 'CODE_UNKNOWN', aab301: 'CODE_UNKNOWN' },
  },
  {
    channel: 'ministry', dataset: 'AUTH',
    base: { recordId: 'A1', aac002: ID, dataType: 'AUTH', eventDate: '20261001', channel: '01', result: '1', aae036: '2026-11-01 08:00:00' },
    fields: { channel: 'CODE_UNKNOWN', result: 'CODE_UNKNOWN' },
  },
  {
    channel: 'bigdata', dataset: 'hukou',
    base: { JLID: 'H1', GMSFHM: ID, SJLY: '省公安厅', GXSJ: '2026-11-01 08:00:00', HKZT: '2', ZXYYDM: '03', ZXRQ: '20261001' },
    fields: { GMSFHM: 'ID_FORMAT', JLID: 'REQUIRED_MISSING', SJLY: 'CODE_UNKNOWN', HKZT: 'CODE_UNKNOWN', ZXYYDM: 'CODE_UNKNOWN', ZXRQ: 'DATE_INVALID' },
  },
  {
    channel: 'bigdata', dataset: 'prison',
    base: { JLID: 'P1', GMSFHM: ID, SJLY: '省司法厅', GXSJ: '2026-11-01 08:00:00', XQQSRQ: '20261001', XQJZRQ: '20281001' },
    fields: { XQQSRQ: 'DATE_INVALID', XQJZRQ: 'DATE_INVALID' },
  },
  {
    channel: 'police-4401', dataset: 'hukou',
    base: { id: 'J1', sfzh: ID, hjzt: '注销', zxyy: '迁出', zxrq: '2026/10/01', gxsj: '2026-11-01 08:00:00' },
    fields: { sfzh: 'ID_FORMAT', id: 'REQUIRED_MISSING', hjzt: 'CODE_UNKNOWN', zxyy: 'CODE_UNKNOWN', zxrq: 'DATE_INVALID' },
  },
  {
    channel: 'health', dataset: 'vaccinations',
    base: { vaccinationId: 'V1', idType: '01', idNumber: ID, administeredAt: '2026-10-01T10:00:00+08:00', updatedAt: '2026-11-01T08:00:00+08:00' },
    fields: { idType: 'CODE_UNKNOWN', idNumber: 'ID_FORMAT', vaccinationId: 'REQUIRED_MISSING', administeredAt: 'DATE_INVALID' },
  },
];

describe('normalization: hostile input (normalization.md)', () => {
  for (const b of BASES) {
    it(`${b.channel}/${b.dataset}: the base record stages, and a control character or lone surrogate in each used field is that field's rejection`, () => {
      assert.equal(normalize(b.channel, b.dataset, b.base, ctx).outcome, 'staged');
      for (const [field, code] of Object.entries(b.fields)) {
        for (const bad of ['\u0000', '\n', '\u001B', '\uD800', '\uDC00']) {
          for (const value of [`${b.base[field]}${bad}`, `${bad}${b.base[field]}`]) {
            const n = normalize(b.channel, b.dataset, { ...b.base, [field]: value }, ctx);
            assert.deepEqual(n.outcome === 'rejected' ? [n.reasonCode, n.field] : n.outcome, [code, field], `${field} = ${JSON.stringify(value)}`);
          }
        }
        // a tab is white space, trimmed like a space
        assert.equal(normalize(b.channel, b.dataset, { ...b.base, [field]: `${b.base[field]}\t` }, ctx).outcome, 'staged', `${field} with a tab`);
      }
    });
  }

  it('civil: the identity number and the dates of a row', () => {
    const row = { 逝者姓名: '张三', 身份证号码: ID, 死亡日期: '2026-11-01', 火化日期: '2026-11-02', 登记时间: '2026-11-03 08:00:00' };
    const civil = (r: Row) => normalize('civil', 'cremation', { file: 'HH_440106_20261103.csv', line: 2, row: r }, ctx);
    assert.equal(civil(row).outcome, 'staged');
    for (const [field, code] of [['身份证号码', 'ID_FORMAT'], ['死亡日期', 'DATE_INVALID']]) {
      const n = civil({ ...row, [field]: `${row[field as keyof typeof row]}\u0000` });
      assert.deepEqual(n.outcome === 'rejected' && [n.reasonCode, n.field], [code, field]);
    }
    const named = civil({ ...row, 逝者姓名: '张\u0000三' });
    assert.ok(named.outcome === 'staged' && named.event.name === '', 'a name with U+0000 counts as empty');
  });

  it('identity numbers: longer than 32 after step 1 is ID_FORMAT; scientific notation only in its one form; other digits are no digits', () => {
    assert.deepEqual(normalizeIdentity(`  ${ID.slice(0, 6)} ${ID.slice(6)}  `, ctx.asOf), { ok: true, personId: ID });
    for (const v of ['4'.repeat(33), `${ID}${' '.repeat(40)}`.replace(/ /g, ' 0')]) {
      const r = normalizeIdentity(v, ctx.asOf);
      assert.equal(r.ok ? 'ok' : r.code, 'ID_FORMAT');
    }
    for (const v of ['4.40106E+17', '4.40106e17', '440106E17', '４.４０１０６E+１７']) {
      const r = normalizeIdentity(v, ctx.asOf);
      assert.equal(r.ok ? 'ok' : r.code, 'ID_SCIENTIFIC_NOTATION', v);
    }
    for (const v of ['-4.4E+17', '.44E17', '4.E17', '4.4E-17', '4.4E', 'E17', '4.4E+']) {
      assert.equal(isScientificNotation(v), false, v);
      const r = normalizeIdentity(v, ctx.asOf);
      assert.equal(r.ok ? 'ok' : r.code, 'ID_FORMAT', v);
    }
    // Arabic-Indic and Devanagari digits are not digits
    const r = normalizeIdentity(`${ID.slice(0, 16)}٣${ID.slice(17)}`, ctx.asOf);
    assert.equal(r.ok ? 'ok' : r.code, 'ID_FORMAT');
  });

  it('dates: years 1880–2099 after conversion, offsets −12:00..+14:00, second 60, 64 characters, 9999-12-31 as no end', () => {
    const check = (v: string, futureAllowed = true) => {
      const r = checkSourceDate(v, { asOf: ctx.asOf, futureAllowed });
      return r.ok ? r.date : r.code;
    };
    assert.equal(check('1880-01-01'), '1880-01-01');
    assert.equal(check('1879-12-31'), 'DATE_INVALID');
    assert.equal(check('2099-12-31'), '2099-12-31');
    assert.equal(check('2100-01-01'), 'DATE_INVALID');
    assert.equal(check('2099-12-31T20:00:00Z'), 'DATE_INVALID', 'year 2100 in China time');
    assert.equal(check('1880-01-01T00:00:00+14:00'), 'DATE_INVALID', 'year 1879 in China time');
    assert.equal(check('2026-11-02T18:30:00-12:00'), '2026-11-03');
    assert.equal(check('2026-11-02T18:30:00-12:01'), 'DATE_INVALID');
    assert.equal(check('2026-11-02T18:30:00+14:00'), '2026-11-02');
    assert.equal(check('2026-11-02T18:30:00+14:01'), 'DATE_INVALID');
    assert.equal(check('2026-11-02T18:30:60+08:00'), 'DATE_INVALID');
    assert.equal(check('2026-11-02 18:30:60'), 'DATE_INVALID');
    assert.equal(check(`   2026-11-02${' '.repeat(100)}`), '2026-11-02', 'white space around is trimmed first');
    assert.equal(check(`2026-11-02T18:30:00.${'0'.repeat(60)}+08:00`), 'DATE_INVALID', 'longer than 64 characters');
    assert.equal(check('9999-12-31T23:00:00Z'), 'DATE_INVALID');
    for (const v of ['9999-12-31', '99991231', '9999/12/31', '9999.12.31', '9999年12月31日', '9999-12-31 23:59:59', '9999-12-31T20:00:00Z', '９９９９-１２-３１']) assert.ok(isNoEnd(v), v);
    for (const v of ['9999-12-30', '2026-11-01', '', '9999-12-31x']) assert.ok(!isNoEnd(v), v);
  });
});
