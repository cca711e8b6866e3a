// The generator's own §4–§6 arithmetic, checked against the worked examples of decision-rules.md
// (test/data/decisions.json). The examples' losses and conflicts are read off their expected
// reasons; what is checked is the ordering into a decision and the month arithmetic.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReasonCode, RosterEntry } from '../../schemas/types.ts';
import { decide, overpaidMonths, validity, type AliveFact, type LossFact } from '../../sandbox/generate/oracle.ts';
import { ageOn } from '../../sandbox/generate/calendar.ts';
import { checkChar, makeIdentity, scientific, toFifteen, wrongCheck } from '../../sandbox/generate/identity.ts';
import { Rng } from '../../sandbox/generate/prng.ts';
import { isoStamp } from '../../sandbox/generate/forms.ts';

interface ExampleEvent { kind: string; date: string; endDate?: string; detail: Record<string, string>; name: string; source: string }
interface Example {
  name: string;
  period: string;
  roster: RosterEntry;
  events: ExampleEvent[];
  expected: { decision: string; action: string; reasons: ReasonCode[]; lossDate: string | null; certifiedMonth: string | null; certifiedUntil: string | null; riskLevel: string | null; overpaidMonths: number | null };
}

const examples: Example[] = JSON.parse(readFileSync(join(import.meta.dirname, '../data/decisions.json'), 'utf8'));

function aliveOf(ex: Example): AliveFact[] {
  return ex.events.filter((e) => e.kind === 'ALIVE').map((e) => ({
    date: e.date, strong: e.detail.strength === 'strong', overseas: e.detail.signal === 'OVERSEAS_AUTH',
  }));
}

describe('generator oracle (decision-rules §4–§6) on the worked examples', () => {
  it('computes confirmation month, risk and validity like every example that reports them', () => {
    let checked = 0;
    for (const ex of examples) {
      if (ex.expected.certifiedMonth === null) continue;
      const v = validity(ex.roster, aliveOf(ex), ex.period);
      assert.deepEqual([v.certifiedMonth, v.certifiedUntil, v.riskLevel], [ex.expected.certifiedMonth, ex.expected.certifiedUntil, ex.expected.riskLevel], ex.name);
      checked++;
    }
    assert.ok(checked >= 10, `only ${checked} examples checked`);
  });

  it('orders losses, conflicts and suspension bases into the examples’ decisions', () => {
    const lossCodes = new Set(['DEATH', 'NATIONALITY_LOST', 'MISSING', 'IMPRISONED', 'DUPLICATE']);
    for (const ex of examples) {
      const losses: LossFact[] = [];
      for (const code of ex.expected.reasons.filter((r) => lossCodes.has(r)) as LossFact['code'][]) {
        if (code === 'IMPRISONED' || code === 'DUPLICATE') {
          const kind = code === 'IMPRISONED' ? 'IMPRISONED' : 'OTHER_BENEFIT';
          // the current ones among the example's events (merged by start: the latest end)
          const starts = new Map<string, string | undefined>();
          for (const e of ex.events.filter((x) => x.kind === kind && x.date <= `${ex.period}-31`)) {
            const prev = starts.get(e.date);
            starts.set(e.date, prev === undefined ? e.endDate : e.endDate && (!prev || e.endDate > prev) ? e.endDate : prev);
          }
          for (const [start, end] of starts) if (!end || end >= `${ex.period}-01`) losses.push({ code, date: start, end });
        } else if (code === 'DEATH') {
          const deaths = ex.events.filter((e) => e.kind === 'DEATH');
          const real = deaths.filter((e) => e.detail.dateKind === 'death').map((e) => e.date).sort();
          losses.push({ code, date: real[0] ?? deaths.map((e) => e.date).sort()[0] });
        } else {
          const reason = code;
          const dates = ex.events.filter((e) => e.kind === 'HUKOU_CANCELLED' && e.detail.reason === reason).map((e) => e.date).sort();
          losses.push({ code, date: dates[0] });
        }
      }
      const conflicts = new Set(ex.expected.reasons.filter((r) => !lossCodes.has(r) && ['ALIVE_AFTER_DEATH', 'SINGLE_SOURCE_DEATH', 'DEATH_DATE_CONFLICT', 'STATUS_CONFLICT', 'NAME_MISMATCH', 'HUKOU_CANCELLED_OTHER', 'SETTLED_ABROAD'].includes(r)));
      const ended = ex.events.filter((e) => e.kind === 'IMPRISONED' && e.endDate && e.endDate < `${ex.period}-01`).map((e) => e.endDate as string).sort();
      const r = decide({
        entry: ex.roster, alive: aliveOf(ex), losses, conflicts, scenario: ex.name,
        prison: { current: losses.some((l) => l.code === 'IMPRISONED'), latestEndBeforeP: ended[ended.length - 1] ?? null },
      }, ex.period);
      assert.deepEqual(
        [r.decision, r.action, r.reasons, r.lossDate, r.certifiedMonth, r.certifiedUntil, r.riskLevel, r.overpaidMonths],
        [ex.expected.decision, ex.expected.action, ex.expected.reasons, ex.expected.lossDate, ex.expected.certifiedMonth, ex.expected.certifiedUntil, ex.expected.riskLevel, ex.expected.overpaidMonths],
        ex.name,
      );
    }
  });

  it('takes the union of overlapping overpaid ranges and clips them to the paid months', () => {
    const entry = { startedMonth: '2010-08', paidThrough: '2026-10' } as RosterEntry;
    assert.equal(overpaidMonths(entry, [{ code: 'IMPRISONED', date: '2025-12-01' }, { code: 'DEATH', date: '2026-08-20' }]), 10);
    assert.equal(overpaidMonths({ ...entry, startedMonth: '2024-05' }, [{ code: 'DUPLICATE', date: '2015-07-01' }]), 30);
    assert.equal(overpaidMonths(entry, [{ code: 'DUPLICATE', date: '2026-03-01', end: '2026-06-30' }]), 4);
    assert.equal(overpaidMonths({ ...entry, paidThrough: '2025-04' }, [{ code: 'IMPRISONED', date: '2025-04-10' }]), 0);
  });

  it('counts age with the 29 February birthday on 1 March', () => {
    assert.equal(ageOn('1936-02-29', '2026-11-30'), 90);
    assert.equal(ageOn('1936-02-29', '2026-02-28'), 89);
    assert.equal(ageOn('1936-02-29', '2026-03-01'), 90);
    assert.equal(ageOn('1946-11-30', '2026-11-30'), 80);
    assert.equal(ageOn('1946-12-01', '2026-11-30'), 79);
  });
});

describe('generator identity numbers and forms', () => {
  it('computes GB 11643 check characters like the worked examples', () => {
    assert.equal(checkChar('44010619410516021'), '6');
    assert.equal(checkChar('44030419390205038'), 'X');
    const rng = new Rng('ids');
    for (let i = 0; i < 200; i++) {
      const id = makeIdentity('440106', '1950-03-07', i % 2 === 0 ? '1' : '2', i % 100, i);
      assert.equal(checkChar(id.slice(0, 17)), id[17]);
      assert.equal(Number(id[16]) % 2 === 1, i % 2 === 0, 'sex digit');
      assert.notEqual(wrongCheck(id, rng)[17], id[17]);
    }
    assert.equal(toFifteen('440106194105160216'), '440106410516021');
    assert.equal(toFifteen('440304200410210212'), null);
    assert.match(scientific('440106194105160216', rng), /^4\.40106[eE]\+?17$/);
  });

  it('writes a UTC time that falls on the intended China date, crossing midnight', () => {
    assert.equal(isoStamp('2026-11-01', '01:20:00', true), '2026-10-31T17:20:00Z');
    assert.equal(isoStamp('2026-11-01', '09:00:00', true), '2026-11-01T01:00:00Z');
    assert.equal(isoStamp('2026-11-01', '09:00:00', false), '2026-11-01T09:00:00+08:00');
  });

  it('draws the same sequence for the same seed and a different one for another', () => {
    const a = new Rng('x');
    const b = new Rng('x');
    const c = new Rng('y');
    const sa = Array.from({ length: 20 }, () => a.nextU32());
    assert.deepEqual(sa, Array.from({ length: 20 }, () => b.nextU32()));
    assert.notDeepEqual(sa, Array.from({ length: 20 }, () => c.nextU32()));
    const r = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 5);
      assert.ok(v >= 3 && v <= 5);
    }
  });
});
