import assert from 'node:assert/strict';
import { escapeHtml, formatCount, formatPercent, formatYuan } from '../../report/index.ts';
import { html } from '../../report/html.ts';
import { LifecertError } from '../../lib/errors.ts';

const isValueInvalid = (e: unknown): boolean => e instanceof LifecertError && e.code === 'LIFECERT_REPORT_VALUE_INVALID';

describe('report formats', () => {
  it('formats fen as yuan with two decimals and separators', () => {
    assert.equal(formatYuan(0), '0.00');
    assert.equal(formatYuan(5), '0.05');
    assert.equal(formatYuan(52050), '520.50');
    assert.equal(formatYuan(123456789), '1,234,567.89');
    assert.equal(formatYuan(-1999), '-19.99');
    // beyond float cents precision of a naive /100: still exact
    assert.equal(formatYuan(900719925474099), '9,007,199,254,740.99');
  });

  it('refuses an amount that is not a whole number of fen', () => {
    assert.throws(() => formatYuan(10.5), isValueInvalid);
    assert.throws(() => formatYuan(Number.NaN), isValueInvalid);
  });

  it('formats counts and percentages without dividing by zero', () => {
    assert.equal(formatCount(100000), '100,000');
    assert.equal(formatCount(999), '999');
    assert.equal(formatPercent(1, 8), '12.5%');
    assert.equal(formatPercent(0, 0), '—');
  });

  it('escapes markup characters, control characters and lone surrogates', () => {
    assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    assert.equal(escapeHtml('a\u0000b\u001bc\td'), 'a\uFFFDb\uFFFDc\td');
    assert.equal(escapeHtml('x\uD800y'), 'x\uFFFDy');
  });

  it('escapes every interpolated value of the html template and refuses NaN', () => {
    const name = '<img src=x onerror=alert(1)>';
    assert.equal(html`<td>${name}</td>`.html, '<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    assert.equal(html`<tr>${[html`<td>${'&'}</td>`, 'b<']}</tr>`.html, '<tr><td>&amp;</td>b&lt;</tr>');
    assert.throws(() => html`<td>${Number.NaN}</td>`, isValueInvalid);
    assert.throws(() => html`<td>${1 / 0}</td>`, isValueInvalid);
  });
});
