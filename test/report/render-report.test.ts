import assert from 'node:assert/strict';
import { ResultTally, escapeHtml, renderReport } from '../../report/index.ts';
import type { ReportInput } from '../../report/index.ts';
import { EMPTY_INPUT, largeFixture, smallFixture } from './fixture.ts';
import { rowOf, tableRows } from './html-table.ts';

describe('renderReport', () => {
  const small = smallFixture();
  const page = renderReport(small.input);

  it('is one self-contained HTML document', () => {
    assert.match(page, /^<!DOCTYPE html>\n<html lang="zh-CN">/);
    assert.match(page, /<meta charset="utf-8">/);
    assert.match(page, /<\/html>\n$/);
    assert.doesNotMatch(page, /https?:\/\//i, 'no external reference of any kind');
    assert.doesNotMatch(page, /<(script|link|img|iframe|object|embed)\b/i, 'no scripts, stylesheets or images to load');
    assert.doesNotMatch(page, /url\(|@import|@font-face/i);
  });

  it('shows the run: period, asOf, generatedAt, world and database', () => {
    assert.ok(page.includes('<dd>2026-11-28T18:05:00+08:00</dd>'));
    assert.ok(page.includes('<dd>2026-11-28</dd>'));
    assert.ok(page.includes('种子 seed 42'));
    assert.ok(page.includes('<dd>PGlite</dd>'));
  });

  it('shows the headline figures, with the overpayment in yuan from fen', () => {
    const figure = (label: string) => {
      const m = new RegExp(`${label}<span class="en">[^<]*</span></div><div class="figure">([^<]*)</div>`).exec(page);
      assert.ok(m, `card ${label}`);
      return m[1];
    };
    assert.equal(figure('认证人数'), '8');
    assert.equal(figure('具备资格'), '3');
    assert.equal(figure('丧失资格'), '3');
    assert.equal(figure('疑点待核查'), '1');
    assert.equal(figure('不予认证'), '1');
    assert.equal(figure('多发待遇（元）'), '¥3,470.01');
    assert.equal(figure('新开疑点案件'), '3');
    assert.equal(figure('拒收记录'), '8');
    assert.equal(figure('到期提醒'), '1');
  });

  it('lists decisions and overpayment per county with county names', () => {
    assert.deepEqual(rowOf(page, 'counties', '440106'), ['广州市天河区 440106', '4', '2', '1', '1', '0', '50.0%', '3', '520.50']);
    assert.deepEqual(rowOf(page, 'counties', '440118'), ['广州市增城区 440118', '3', '1', '1', '0', '1', '33.3%', '4', '694.00']);
    assert.deepEqual(rowOf(page, 'counties', '445281'), ['揭阳市普宁市 445281', '1', '0', '1', '0', '0', '100.0%', '13', '2,255.51']);
    assert.deepEqual(rowOf(page, 'counties', '合计'), ['合计 Total', '8', '3', '3', '1', '1', '50.0%', '20', '3,470.01']);
  });

  it('prefers the caller’s county names and falls back to the code', () => {
    const named = renderReport({ ...smallFixture().input, countyNames: { '440106': '天河' } });
    assert.equal(rowOf(named, 'counties', '440106')[0], '广州市天河 440106');
    const moved = [...smallFixture().input.results].map((r) => ({ ...r, areaCode: '449999' }));
    const unknown = renderReport({ ...smallFixture().input, results: moved });
    assert.equal(rowOf(unknown, 'counties', '449999')[0], '449999');
  });

  it('counts reasons with Chinese labels', () => {
    const reasons = tableRows(page, 'reasons');
    assert.deepEqual(reasons.find((r) => r[1] === 'DEATH'), ['死亡', 'DEATH', '1', '12.5%']);
    assert.deepEqual(reasons.find((r) => r[1] === 'DEFERRED'), ['递延认证', 'DEFERRED', '1', '12.5%']);
    assert.deepEqual(reasons.find((r) => r[1] === 'SINGLE_SOURCE_DEATH'), ['单一来源死亡', 'SINGLE_SOURCE_DEATH', '1', '12.5%']);
    assert.equal(reasons.length, 9);
  });

  it('lists worklists per county with import batches and reminders', () => {
    // STOP SEAL VERIFY RECORD RESTORE batches reminders
    assert.deepEqual(rowOf(page, 'worklists', '440106').slice(1), ['1', '0', '1', '1', '0', '1', '1']);
    assert.deepEqual(rowOf(page, 'worklists', '440118').slice(1), ['1', '1', '0', '0', '1', '1', '0']);
    assert.deepEqual(rowOf(page, 'worklists', '合计').slice(1), ['3', '1', '1', '1', '1', '2', '1']);
  });

  it('lists suspect cases per county, masked, with the overdue one flagged', () => {
    assert.deepEqual(rowOf(page, 'case-counties', '445281').slice(1, 3), ['2', '1']);
    const puning = small.fullIds[7];
    assert.ok(page.includes(`<td class="masked">${puning.slice(0, 6)}********${puning.slice(14)}</td>`));
    assert.ok(page.includes('<td>林***</td>'), 'the name 林&lt;伟 masked to its first character');
    assert.ok(page.includes('<td>&lt;***</td>'), 'a name with markup masked and escaped');
  });

  it('never shows a full identity number or a full name', () => {
    for (const id of small.fullIds) assert.ok(!page.includes(id), `full id ${id} on the page`);
    for (const name of small.names) assert.ok(!page.includes(name) && !page.includes(escapeHtml(name)), `full name ${name} on the page`);
    assert.ok(page.includes('440106********0217'), 'the raw id of a checksum rejection, masked');
  });

  it('escapes markup from sources everywhere', () => {
    assert.ok(!page.includes('<script>'));
    assert.ok(!page.includes('<img'));
    assert.ok(!page.includes('<b>7</b>'));
    assert.ok(page.includes('GZ-&lt;b&gt;7&lt;/b&gt;'));
    assert.ok(page.includes('&lt;script&gt;steal()&lt;/script&gt;'));
    assert.ok(page.includes('&lt;img s'), 'the raw value is masked, then escaped');
  });

  it('shows rejections per source and dataset with codes and at most 3 examples each', () => {
    const rows = tableRows(page, 'rejections');
    const bigdata = rows.findIndex((r) => r[0].includes('bigdata/hukou'));
    assert.deepEqual(rows[bigdata], ['省政务大数据中心 bigdata/hukou', '4']);
    assert.deepEqual(rows[bigdata + 1], ['身份证号格式错误 ID_FORMAT', '4']);
    assert.deepEqual(rows.slice(bigdata + 2, bigdata + 5).map((r) => r[0]), ['BD0', 'BD1', 'BD2']);
    assert.ok(!rows.some((r) => r[0] === 'BD3'), 'the fourth example is not shown');
    assert.ok(rows.some((r) => r[0] === '日期晚于截止日 DATE_FUTURE'));
    // the name of a rejection with a known person is masked from the roster
    assert.deepEqual(rows.find((r) => r[0] === 'SW2026000087432')?.slice(2, 4), [`${small.fullIds[0].slice(0, 6)}********${small.fullIds[0].slice(14)}`, '赵**']);
  });

  it('shows pulls with counts, seconds and records per second', () => {
    assert.deepEqual(rowOf(page, 'pulls', 'ministry').slice(1), ['AUTH', '5,000', '4,990', '0', '10', '0.0%', '2.00', '2,500']);
    assert.deepEqual(rowOf(page, 'pulls', 'police-4401'), ['广州市公安局 police-4401', 'hukou', '300', '299', '1', '0', '0.3%', '0.30', '1,000']);
    assert.deepEqual(rowOf(page, 'pulls', 'health').slice(2), ['0', '0', '0', '0', '—', '0.00', '—']);
    assert.deepEqual(rowOf(page, 'pulls', '合计').slice(2), ['6,260', '6,242', '8', '10', '0.1%', '4.65', '1,346']);
  });

  it('shows feedback per channel by kind and state', () => {
    // REJECTED CORRECTED PENDING SENT CONFIRMED FAILED
    assert.deepEqual(rowOf(page, 'feedback', 'ministry').slice(1), ['2', '1', '0', '2', '0', '1']);
    assert.deepEqual(rowOf(page, 'feedback', 'civil').slice(1), ['1', '0', '1', '0', '0', '0']);
    assert.deepEqual(rowOf(page, 'feedback', '合计').slice(1), ['7', '1', '1', '6', '0', '1']);
  });

  it('draws accessible SVG charts', () => {
    const charts = [...page.matchAll(/<svg class="chart[^"]*" id="([^"]+)" role="img" aria-labelledby="\1-title \1-desc"[^>]*><title id="\1-title">([^<]+)<\/title><desc id="\1-desc">/g)];
    assert.deepEqual(charts.map((m) => m[1]), ['chart-decisions', 'chart-counties', 'chart-reasons']);
    assert.ok(page.includes('<title>广州市天河区 具备资格 eligible: 2 (50.0%)</title>'), 'a bar carries its exact figure');
    assert.ok(page.includes('<title>死亡 DEATH: 1 (12.5%)</title>'));
    assert.ok(page.includes('@media print'));
  });

  it('gives the same bytes for the same input, whatever the order of results, rejections and cases', () => {
    const again = smallFixture().input;
    const shuffled: ReportInput = {
      ...again,
      results: [...again.results].reverse(),
      rejections: [...again.rejections].reverse(),
      cases: [...again.cases].reverse(),
    };
    assert.equal(renderReport(shuffled), page);
  });

  it('gives the same bytes from the sums of a ResultTally fed one result at a time', () => {
    const again = smallFixture().input;
    const tally = new ResultTally(again.period);
    for (const r of again.results) tally.add(r);
    assert.equal(renderReport({ ...again, results: tally.summary() }), page);
    assert.throws(() => tally.add({ ...again.results[0], period: '2026-10' }), /is for period 2026-10, the report is for 2026-11/);
  });

  it('renders an empty run without NaN, Infinity or undefined', () => {
    const empty = renderReport(EMPTY_INPUT);
    assert.doesNotMatch(empty, /NaN|Infinity|undefined|null/);
    assert.ok(empty.includes('<dd>PostgreSQL</dd>'));
    assert.ok(empty.includes('¥0.00'));
    assert.equal((empty.match(/<svg /g) ?? []).length, 3);
    assert.ok(empty.includes('无数据 · no data'));
    assert.doesNotMatch(page, /NaN|Infinity|undefined/);
  });

  // how long it takes is `npm run bench:scale`'s to say
  it('renders 100,000 results in a small page with no row per person', function () {
    this.timeout(30000);
    const { input, results, cases } = largeFixture(100_000);
    const big = renderReport(input);
    assert.ok(big.length < 2_000_000, `page of ${big.length} characters`);
    assert.deepEqual(rowOf(big, 'counties', '合计').slice(0, 6), ['合计 Total', '100,000', '80,000', '8,000', '8,000', '4,000']);
    assert.equal(rowOf(big, 'counties', '合计')[8], '2,800,800.00');
    // 12 counties × at most 10 listed cases, out of 8,000
    const listed = (big.match(/<tr class="case-row">/g) ?? []).length;
    assert.equal(cases.length, 8000);
    assert.equal(listed, 120);
    assert.ok(big.includes('另有 657 件未列出'));
    for (const r of results) assert.ok(!big.includes(r.personId), `full id ${r.personId} on the page`);
    const masked = (big.match(/\d{6}\*{8}[\dX]{4}/g) ?? []).length;
    assert.equal(masked, 120, 'masked identity numbers only for the listed cases');
  });
});
