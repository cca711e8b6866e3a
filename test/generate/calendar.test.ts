// The generator's month arithmetic is its own (the oracle shares no code with matching/, see
// test/architecture); it must still agree with lib/china-time.ts, which the engine uses.
import assert from 'node:assert/strict';
import { addMonths as libAddMonths, monthDiff as libMonthDiff } from '../../lib/china-time.ts';
import { addMonths, monthDiff } from '../../sandbox/generate/calendar.ts';

describe('generator calendar', () => {
  it('steps months across year ends both ways', () => {
    assert.equal(addMonths('2026-11', 2), '2027-01');
    assert.equal(addMonths('2026-01', -1), '2025-12');
    assert.equal(addMonths('2026-12', -24), '2024-12');
    assert.equal(addMonths('0001-01', 0), '0001-01');
    assert.equal(monthDiff('2026-03', '2025-11'), 4);
    assert.equal(monthDiff('2025-11', '2026-03'), -4);
  });

  it('agrees with lib/china-time.ts on every month of 1900–2099 and steps of ±5 years', () => {
    for (let y = 1900; y < 2100; y++) {
      for (let m = 1; m <= 12; m++) {
        const month = `${y}-${String(m).padStart(2, '0')}`;
        for (let n = -60; n <= 60; n += 7) {
          const moved = addMonths(month, n);
          assert.equal(moved, libAddMonths(month, n), `${month} + ${n}`);
          assert.equal(monthDiff(moved, month), libMonthDiff(moved, month), `${moved} − ${month}`);
          assert.equal(monthDiff(moved, month), n);
        }
      }
    }
  });
});
