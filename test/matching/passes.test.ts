// The passes of decide() whose contract reads on its own: the §6 union of overpaid months, and
// that no pass writes into what it is handed (the passes pass arrays along to each other).
import assert from 'node:assert/strict';
import { decide } from '../../matching/decide.ts';
import { monthIndex } from '../../matching/calendar.ts';
import { OPEN_END, countOverpaidMonths, type MonthRange } from '../../matching/overpayment.ts';
import { loadExamples, roster } from './helpers.ts';

describe('decision engine: §6 overpaid months as a union of ranges (overpayment.ts)', () => {
  const m = monthIndex;
  const paid = roster({ startedMonth: '2025-01', paidThrough: '2025-12' });
  const cases: Array<[string, MonthRange[], number]> = [
    ['no range', [], 0],
    ['one range inside the paid months', [[m('2025-03'), m('2025-05')]], 3],
    ['an open end stops at paidThrough', [[m('2025-10'), OPEN_END]], 3],
    ['a range before startedMonth is clipped to it', [[m('2024-06'), m('2025-02')]], 2],
    ['a range wholly before the paid months counts nothing', [[m('2023-01'), m('2024-12')]], 0],
    ['a range wholly after paidThrough counts nothing', [[m('2026-01'), OPEN_END]], 0],
    ['touching ranges count every month once', [[m('2025-01'), m('2025-04')], [m('2025-05'), m('2025-06')]], 6],
    ['overlapping ranges: the union, not the sum', [[m('2025-01'), m('2025-06')], [m('2025-04'), m('2025-08')]], 8],
    ['a range inside another adds nothing, in either order', [[m('2025-05'), m('2025-06')], [m('2025-02'), m('2025-09')]], 8],
    ['the same range twice', [[m('2025-07'), OPEN_END], [m('2025-07'), OPEN_END]], 6],
    ['a gap between ranges is not counted', [[m('2025-01'), m('2025-02')], [m('2025-11'), OPEN_END]], 4],
    ['a range whose start lies after its end (an end before the loss month) counts nothing', [[m('2025-06'), m('2025-05')]], 0],
  ];
  for (const [name, ranges, expected] of cases) {
    it(name, () => {
      assert.equal(countOverpaidMonths(paid, ranges), expected);
      assert.equal(countOverpaidMonths(paid, [...ranges].reverse()), expected, 'whatever the order of the ranges');
    });
  }

  it('paid through a month before the start: nothing was paid, nothing overpaid', () => {
    const odd = roster({ startedMonth: '2026-05', paidThrough: '2026-04' });
    assert.equal(countOverpaidMonths(odd, [[m('2020-01'), OPEN_END]]), 0);
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('decision engine: the passes leave their inputs alone', () => {
  it('every worked example decides the same on deep-frozen inputs, twice in a row', () => {
    // a write into a frozen object throws in a module (strict mode), so any pass that sorted,
    // pushed into or patched the entry or an event would fail here
    for (const ex of loadExamples()) {
      const entry = deepFreeze(structuredClone(ex.roster));
      const events = deepFreeze(structuredClone(ex.events));
      const options = { period: ex.period, asOf: ex.asOf };
      const first = decide(entry, events, options);
      assert.deepStrictEqual(first, ex.expected, ex.name);
      assert.deepStrictEqual(decide(entry, events, options), first, `${ex.name}: a second call`);
    }
  });
});
