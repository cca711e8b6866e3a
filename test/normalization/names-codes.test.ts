// Names (normalization.md "Names") and code tables ("Codes").
import assert from 'node:assert/strict';
import { normalizeName } from '../../connectors/kit/normalize/name.ts';
import {
  BIGDATA_CANCEL_REASON, BIGDATA_ORIGIN, POLICE_CANCEL_REASON, SEX, aliveStrength, bigdataReasonToPoliceText,
  bigdataStatusToPoliceText, lookupCode, policeReasonToBigdataCode, policeStatusToBigdataCode,
} from '../../connectors/kit/normalize/codes.ts';

describe('names', () => {
  const cases: [string, string, string][] = [
    ['as given', '赵国荣', '赵国荣'],
    ['trimmed', '  赵国荣 ', '赵国荣'],
    ['inner and ideographic spaces removed', '\u3000李\u3000建平 ', '李建平'],
    ['tab removed', '李\t建平', '李建平'],
    // normalization.md "Hostile input": another C0 control character becomes U+FFFD in an optional field
    ['a newline (a C0 control character) counts as empty', '李\t建\n平', ''],
    ['U+0000 counts as empty', '李\u0000建平', ''],
    ['an unpaired surrogate counts as empty', '李\uD800建平', ''],
    ['full-width Latin to half-width upper-case', '林ＭＡＲＹ', '林MARY'],
    ['full-width lower-case Latin', '林ｍａｒｙ', '林MARY'],
    ['Latin upper-cased, space removed', '陈 anna', '陈ANNA'],
    ['accented Latin upper-cased', 'josé', 'JOSÉ'],
    ['bullet dot', '阿依古丽•吐尔逊', '阿依古丽·吐尔逊'],
    ['katakana middle dot', '阿依古丽・吐尔逊', '阿依古丽·吐尔逊'],
    ['full-width full stop', '阿依古丽．吐尔逊', '阿依古丽·吐尔逊'],
    ['hyphenation point', '阿依古丽‧吐尔逊', '阿依古丽·吐尔逊'],
    ['half-width katakana middle dot', '阿依古丽･吐尔逊', '阿依古丽·吐尔逊'],
    ['middle dot kept', '阿依古丽·吐尔逊', '阿依古丽·吐尔逊'],
    ['? counts as empty', '王?', ''],
    ['？ counts as empty', '冯？', ''],
    ['U+FFFD counts as empty', '李\uFFFD', ''],
    ['private-use BMP character counts as empty', '王\uE000', ''],
    ['supplementary private-use character counts as empty', '王\u{F0001}', ''],
    ['rare CJK extension character is kept', '王\u{20000}', '王\u{20000}'],
    ['empty', '', ''],
    ['white space only', '\u3000 ', ''],
  ];
  for (const [why, value, name] of cases) {
    it(`${why}: ${JSON.stringify(value)} → ${JSON.stringify(name)}`, () => assert.equal(normalizeName(value), name));
  }
});

describe('codes', () => {
  it('trims (U+3000 included) before lookup and refuses unknown or inherited keys', () => {
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, ' 03\u3000'), 'EMIGRATED');
    assert.equal(lookupCode(BIGDATA_ORIGIN, '省公安厅\u3000'), 'police');
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, '3'), null);
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, ''), null);
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, undefined), null);
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, 'constructor'), null);
    assert.equal(lookupCode(BIGDATA_CANCEL_REASON, 'toString'), null);
  });

  it('maps police reason text to big-data codes and back, for every reason', () => {
    const pairs: [string, string][] = [
      ['死亡', '01'], ['宣告死亡', '02'], ['出国定居', '03'], ['宣告失踪', '04'],
      ['迁出', '05'], ['服兵役', '06'], ['丧失国籍', '07'], ['其他', '99'],
    ];
    for (const [text, code] of pairs) {
      assert.equal(policeReasonToBigdataCode(text), code);
      assert.equal(bigdataReasonToPoliceText(code), text);
      assert.equal(lookupCode(POLICE_CANCEL_REASON, text), lookupCode(BIGDATA_CANCEL_REASON, code));
    }
    assert.equal(policeReasonToBigdataCode('失联'), null);
    assert.equal(bigdataReasonToPoliceText('77'), null);
  });

  it('maps police status text to big-data codes and back', () => {
    assert.equal(policeStatusToBigdataCode('正常'), '1');
    assert.equal(policeStatusToBigdataCode('注销 '), '2');
    assert.equal(bigdataStatusToPoliceText('1'), '正常');
    assert.equal(bigdataStatusToPoliceText('2'), '注销');
    assert.equal(bigdataStatusToPoliceText('3'), null);
  });

  it('maps every SJLY department to its origin', () => {
    assert.deepEqual(
      ['省公安厅', '省卫生健康委', '省民政厅', '省司法厅', '省监狱管理局', '市公安局'].map((s) => lookupCode(BIGDATA_ORIGIN, s)),
      ['police', 'health', 'civil', 'justice', 'justice', null],
    );
  });

  it('maps every source sex code to the roster sex', () => {
    assert.deepEqual(['1', '2', '9', '男', '女', 'M', 'F', '未知'].map((s) => lookupCode(SEX, s)), ['1', '2', '9', '1', '2', '1', '2', null]);
  });

  it('grades signs of life', () => {
    assert.deepEqual(
      (['FACE_AUTH', 'REMOTE_ASSIST', 'OVERSEAS_AUTH', 'ONSITE', 'TRAVEL', 'MEDICAL', 'VACCINATION', 'CHECKUP'] as const).map(aliveStrength),
      ['strong', 'strong', 'strong', 'strong', 'weak', 'weak', 'weak', 'weak'],
    );
  });
});
