import assert from 'node:assert/strict';
import { summarizeCases, summarizeRejections, summarizeResults } from '../../report/index.ts';
import type { ReportRejection } from '../../report/index.ts';
import { identity, result, smallFixture } from './fixture.ts';

describe('report aggregation', () => {
  it('sums decisions, actions and overpayment per county and in total', () => {
    const { input } = smallFixture();
    const s = summarizeResults(input.results, '2026-11');
    assert.deepEqual(s.counties.map((c) => c.areaCode), ['440106', '440118', '445281']);
    const tianhe = s.counties[0];
    assert.deepEqual(tianhe.decisions, { eligible: 2, ineligible: 1, suspect: 1, excluded: 0 });
    assert.equal(tianhe.actions.RECORD, 1);
    assert.equal(tianhe.overpaidFen, 52050);
    assert.equal(s.total.persons, 8);
    assert.equal(s.total.overpaidFen, 52050 + 69400 + 225551);
    assert.equal(s.total.overpaidMonths, 20);
    assert.equal(s.total.overpaidPersons, 3);
    assert.deepEqual(s.reasons.slice(0, 2), [{ code: 'CERT_VALID', count: 1 }, { code: 'DEATH', count: 1 }]);
  });

  it('counts reminders for eligible persons with P ≤ certifiedUntil ≤ P+3 only', () => {
    const id = (n: number) => identity('440106', '19500101', n);
    const rows = [
      result(id(1), '440106', 'eligible', 'NONE', ['CERT_VALID'], { certifiedUntil: '2026-11' }),
      result(id(2), '440106', 'eligible', 'NONE', ['CERT_VALID'], { certifiedUntil: '2027-02' }),
      result(id(3), '440106', 'eligible', 'NONE', ['CERT_VALID'], { certifiedUntil: '2027-03' }),
      // a CERT_EXPIRED suspect has a certifiedUntil before P, and is no reminder
      result(id(4), '440106', 'suspect', 'VERIFY', ['CERT_EXPIRED'], { certifiedUntil: '2026-10' }),
    ];
    assert.equal(summarizeResults(rows, '2026-11').total.reminders, 2);
    // across a year end: P = 2026-12 → up to 2027-03
    const december = rows.map((r) => ({ ...r, period: '2026-12' }));
    assert.equal(summarizeResults(december, '2026-12').total.reminders, 2);
  });

  it('refuses results of another period or with an unknown decision', () => {
    const r = result(identity('440106', '19500101', 1), '440106', 'eligible', 'NONE', ['CERT_VALID']);
    assert.throws(() => summarizeResults([r], '2026-12'), /period 2026-11/);
    assert.throws(() => summarizeResults([{ ...r, decision: 'maybe' as never }], '2026-11'), /unknown decision 'maybe'/);
    assert.throws(() => summarizeResults([{ ...r, overpaidAmountFen: 1.5 }], '2026-11'), /overpaidAmountFen/);
  });

  it('keeps three examples per source, dataset and code, the same whatever the input order', () => {
    const make = (i: number): ReportRejection => ({
      channel: 'health', dataset: 'checkups', recordId: `R${i}`, field: 'idNumber', reasonCode: 'ID_FORMAT', message: 'm', personId: null, rawPersonId: `x${i}`,
    });
    const list = [5, 3, 9, 1, 7].map(make);
    const forward = summarizeRejections(list);
    const backward = summarizeRejections([...list].reverse());
    assert.equal(forward.length, 1);
    assert.equal(forward[0].count, 5);
    assert.deepEqual(forward[0].examples.map((e) => e.recordId), ['R1', 'R3', 'R5']);
    assert.deepEqual(backward, forward);
  });

  it('flags cases opened in a month that has ended as overdue', () => {
    const { input } = smallFixture();
    const byCounty = summarizeCases(input.cases, '2026-11-28');
    const puning = byCounty.find((c) => c.areaCode === '445281');
    assert.equal(puning?.count, 2);
    assert.equal(puning?.overdue, 1);
    assert.deepEqual(puning?.reasons, [{ code: 'NAME_MISMATCH', count: 2 }, { code: 'DUPLICATE', count: 1 }]);
    assert.equal(summarizeCases(input.cases, '2026-12-01').reduce((n, c) => n + c.overdue, 0), 3);
  });
});
