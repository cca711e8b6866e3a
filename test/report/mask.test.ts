import assert from 'node:assert/strict';
import { maskIdentityNumbersIn, maskName, maskPersonId } from '../../report/index.ts';

describe('report masking', () => {
  it('keeps the first 6 and last 4 characters of an identity number', () => {
    assert.equal(maskPersonId('44010619410516123X'), '440106********123X');
    assert.equal(maskPersonId(' 440106194105160216 '), '440106********0216');
    // a 15-digit old number: 6 + 5 stars + 4
    assert.equal(maskPersonId('440106410516021'), '440106*****6021');
  });

  it('masks short or odd raw values without revealing them', () => {
    assert.equal(maskPersonId(''), '');
    assert.equal(maskPersonId('4401061'), '4******');
    assert.equal(maskPersonId('4.40106E+17'), '4.4010*E+17');
    // full-width digits are one character each, not split
    assert.equal(maskPersonId('４４０１０６１９４１０５１６０２１６'), '４４０１０６********０２１６');
  });

  it('keeps the first character of a name', () => {
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('赵国荣'), '赵**');
    assert.equal(maskName('欧阳娜娜'), '欧***');
    assert.equal(maskName('爱新觉罗·溥仪'), '爱***');
    assert.equal(maskName('张'), '*');
    assert.equal(maskName('  '), '');
    // a character outside the BMP is kept whole
    assert.equal(maskName('𠀋明'), '𠀋*');
  });

  it('masks identity numbers inside free text and the given raw values', () => {
    assert.equal(
      maskIdentityNumbersIn('eventDate after asOf for 440106194105160216, see 44010641051602X.'),
      'eventDate after asOf for 440106********0216, see 44010641051602X.',
    );
    assert.equal(maskIdentityNumbersIn('old 440106410516021 new 44010619410516123x'), 'old 440106*****6021 new 440106********123x');
    // a longer digit run is no identity number (a bank account, a timestamp)
    assert.equal(maskIdentityNumbersIn('acct 6222021234567890123'), 'acct 6222021234567890123');
    assert.equal(maskIdentityNumbersIn('value 4.40106E+17 read', ['4.40106E+17']), 'value 4.4010*E+17 read');
  });
});
