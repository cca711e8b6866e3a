// Identity numbers (GB 11643-1999): public test vectors and each normalization step.
import assert from 'node:assert/strict';
import {
  checkCharacter, cleanIdentityText, isProvinceCode, normalizeIdentity, upgradeFifteen,
} from '../../connectors/kit/normalize/identity.ts';
import { AS_OF, gbCheck, withCheck } from './helpers.ts';

function valid(value: string, personId: string): void {
  const r = normalizeIdentity(value, AS_OF);
  assert.deepEqual(r, { ok: true, personId }, `${value}: ${JSON.stringify(r)}`);
}

function invalid(value: string, code: string): void {
  const r = normalizeIdentity(value, AS_OF);
  assert.equal(r.ok, false, `${value} should be rejected ${code}`);
  if (!r.ok) {
    assert.equal(r.code, code, `${value}: ${r.problem}`);
    assert.ok(r.problem.length > 10);
  }
}

describe('identity number: public GB 11643 test vectors', () => {
  // Source: python-stdnum, tests/test_cn_ric.doctest (arthurdejong/python-stdnum).
  describe('python-stdnum tests/test_cn_ric.doctest', () => {
    it('accepts the valid numbers (lower-case x upper-cased)', () => {
      valid('360426199101010071', '360426199101010071');
      valid('44011320141005001x', '44011320141005001X');
      // get_birth_place examples, all with a valid check digit and date
      valid('412723199010050012', '412723199010050012');
      valid('110102199101010078', '110102199101010078');
      valid('120110198012010073', '120110198012010073');
      valid('120110199212010072', '120110199212010072');
    });

    it('passes the numbers stdnum refuses only for county-code history (we do not check it)', () => {
      // "county was not registered yet at birth year"
      valid('110111198012010078', '110111198012010078');
      // "county was deregistered at birth year"
      valid('110201199312010077', '110201199312010077');
    });

    it('rejects the invalid numbers with our codes', () => {
      invalid('T60426199101010078', 'ID_FORMAT'); // InvalidFormat
      invalid('360426199113010079', 'ID_BIRTHDATE'); // invalid date: month 13
      invalid('36042619910102009X', 'ID_CHECKSUM'); // InvalidChecksum
      invalid('990426199112010074', 'ID_REGION'); // unknown birth place code 99
    });
  });

  // Source: jxlwqq/id-validator.py, test_validator.py (test_is_valid, test_get_info, test_upgrade_id).
  describe('jxlwqq/id-validator.py test_validator.py', () => {
    it('accepts the valid numbers', () => {
      valid('440308199901101512', '440308199901101512');
      valid('810000199408230021', '810000199408230021'); // 81 Hong Kong residence permit
      valid('830000199201300022', '830000199201300022'); // 83 Taiwan residence permit
      valid('500154199804106120', '500154199804106120');
      valid('430302199312194239', '430302199312194239');
      // get_info examples whose county code was abandoned later ('abandoned': 1): still valid
      valid('362324198001010014', '362324198001010014');
      valid('362324198101010011', '362324198101010011');
      valid('362324198201010019', '362324198201010019');
    });

    it('upgrades the valid 15-digit number (test_upgrade_id)', () => {
      valid('610104620927690', '610104196209276908');
      assert.equal(upgradeFifteen('610104620927690'), '610104196209276908');
    });

    it('passes 500154199301135886, refused there only for its address-code history', () => {
      // id-validator checks the county code against its timeline for the birth year
      // (500154 is a Chongqing code, not in use for a 1993 birth); the same code with a 1998
      // birth date is valid there. Its check digit and date are right: we do not check county history.
      valid('500154199301135886', '500154199301135886');
    });

    it('rejects the invalid numbers with our codes, first failure in our check order', () => {
      invalid('440308199901101513', 'ID_CHECKSUM'); // 验证码不合法
      invalid('44030819990110', 'ID_FORMAT'); // 号码位数不合法
      // 地址码不合法 there; its check digit is also wrong, and the check digit comes first here
      invalid('111111199901101512', 'ID_CHECKSUM');
      // 出生日期码不合法 (02-30) there; its check digit is also wrong, which we check first
      invalid('440308199902301512', 'ID_CHECKSUM');
      // 15 digits with 09-32: the upgrade computes the check digit, so the date is what fails
      invalid('610104620932690', 'ID_BIRTHDATE');
    });
  });
});

describe('identity number: normalization steps', () => {
  it('step 1: trims, converts full-width digits and Ｘ/ｘ, upper-cases x, removes inner spaces', () => {
    assert.equal(cleanIdentityText('  44010619390903021X '), '44010619390903021X');
    assert.equal(cleanIdentityText('４４０３０４１９３９０８３００２８Ｘ'), '44030419390830028X');
    assert.equal(cleanIdentityText('４４０３０３１９５８０１２５０２２ｘ'), '44030319580125022X');
    assert.equal(cleanIdentityText('44010619520708049x'), '44010619520708049X');
    assert.equal(cleanIdentityText('440105 19471102 025X'), '44010519471102025X');
    assert.equal(cleanIdentityText('\u3000440105\u300019471102025X\u3000'), '44010519471102025X');
    valid('　４４０１０６194512240221 ', '440106194512240221');
  });

  it('step 2: scientific notation is unrecoverable', () => {
    for (const v of ['4.40106E+17', '4.40106e17', '4.40106E17', ' 4.40106E+17 ', '4.401061941E+17', '４.４０１０６E+17']) {
      invalid(v, 'ID_SCIENTIFIC_NOTATION');
    }
  });

  it('step 2 (empty): an empty or white-space number is missing', () => {
    invalid('', 'REQUIRED_MISSING');
    invalid(' \u3000 ', 'REQUIRED_MISSING');
  });

  it('step 3: 15 digits get 19 and a computed check character', () => {
    valid('440106410516021', '440106194105160216');
    valid('440304390205038', '44030419390205038X');
    valid('440303370114022', '440303193701140227');
    assert.equal(upgradeFifteen('440304390205038'), '44030419390205038X');
  });

  it('step 4: anything other than 17 digits and a digit or X is ID_FORMAT', () => {
    for (const v of ['44010619520315A231', '4401061952031523', '4401061952031502311', 'X40106195203150231', '4401061952031502X1', '44010619410516021X'.slice(0, 17) + 'Y', '44010641051602X', '440106-19520315023']) {
      invalid(v, 'ID_FORMAT');
    }
  });

  it('step 5: the MOD 11-2 check character', () => {
    for (const first17 of ['44010619520315023', '11010519491231002', '44030419390830028', '44030419390205038']) {
      assert.equal(checkCharacter(first17), gbCheck(first17));
    }
    assert.equal(checkCharacter('11010519491231002'), 'X'); // GB 11643-1999 Annex example
    invalid('44010619520315023' + (gbCheck('44010619520315023') === '1' ? '2' : '1'), 'ID_CHECKSUM');
    invalid('440105194705050211', 'ID_CHECKSUM');
  });

  it('step 6: the birth date must be real, not before 1880-01-01 and not after the as-of date', () => {
    invalid('440106196202290353', 'ID_BIRTHDATE'); // 1962 is no leap year
    valid(withCheck('44010619600229035'), withCheck('44010619600229035')); // 1960 is
    invalid(withCheck('44010619001301001'), 'ID_BIRTHDATE');
    invalid(withCheck('44010618791231001'), 'ID_BIRTHDATE');
    valid(withCheck('44010618800101001'), withCheck('44010618800101001'));
    valid(withCheck('44010620261128001'), withCheck('44010620261128001')); // on the as-of date
    invalid(withCheck('44010620261129001'), 'ID_BIRTHDATE'); // the day after
    assert.equal(normalizeIdentity(withCheck('44010620261129001'), '2026-11-29').ok, true);
  });

  it('step 7: the first two digits must be a province-level code', () => {
    const provinces = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
      '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83'];
    for (let n = 0; n < 100; n++) {
      const code = String(n).padStart(2, '0');
      assert.equal(isProvinceCode(code), provinces.includes(code), code);
      const r = normalizeIdentity(withCheck(`${code}0106195203150`.padEnd(17, '1')), AS_OF);
      assert.equal(r.ok ? 'ok' : r.code, provinces.includes(code) ? 'ok' : 'ID_REGION', code);
    }
  });

  it('checks in order: format before checksum before birth date before region', () => {
    invalid('900106196202290353', 'ID_CHECKSUM'); // bad region and date, wrong check digit
    invalid(withCheck('90010619620229035'), 'ID_BIRTHDATE'); // bad region and date, right check digit
  });
});
