import assert from 'node:assert/strict';
import { decide, decideShard } from '../../matching/decide.ts';
import { MatchInputError } from '../../matching/errors.ts';
import { isReminder, needsCase } from '../../matching/worklists.ts';
import type { MatchEvent } from '../../matching/types.ts';
import type { Result } from '../../schemas/types.ts';
import { OPTIONS, PID, alive, civilDeath, death, hukouCancelled, prison, roster, seededRandom, shuffled } from './helpers.ts';

function result(overrides: Partial<Result>): Result {
  return {
    period: '2026-11',
    personId: PID,
    areaCode: '440106',
    decision: 'eligible',
    action: 'NONE',
    reasons: ['CERT_VALID'],
    lossDate: null,
    certifiedMonth: '2026-06',
    certifiedUntil: '2027-06',
    riskLevel: 'LOW',
    overpaidMonths: null,
    overpaidAmountFen: null,
    evidence: [],
    ...overrides,
  };
}

describe('decision engine: publish helpers', () => {
  describe('needsCase', () => {
    it('every suspect opens a case, CERT_EXPIRED included', () => {
      assert.equal(needsCase(decide(roster(), [death('2026-09-01')], OPTIONS)), true);
      assert.equal(needsCase(decide(roster({ lastCertifiedMonth: '2025-01' }), [], OPTIONS)), true);
    });
    it('an ineligible result opens one only when it lists a conflict', () => {
      const withConflict = decide(roster(), [prison('2026-01-01', undefined), death('2026-09-01')], OPTIONS);
      assert.deepStrictEqual(withConflict.reasons, ['IMPRISONED', 'SINGLE_SOURCE_DEATH']);
      assert.equal(needsCase(withConflict), true);
      assert.equal(needsCase(decide(roster(), [death('2026-09-01'), civilDeath('2026-09-01')], OPTIONS)), false);
      const other = decide(roster(), [prison('2026-01-01', undefined), hukouCancelled('2026-07-01', 'OTHER')], OPTIONS);
      assert.equal(needsCase(other), true);
    });
    it('eligible and excluded results open none', () => {
      assert.equal(needsCase(decide(roster(), [], OPTIONS)), false);
      assert.equal(needsCase(decide(roster({ accountStatus: 'sealed' }), [], OPTIONS)), false);
    });
  });

  describe('isReminder: eligible with P ≤ certifiedUntil ≤ P + 3', () => {
    const cases: Array<[string | null, Result['decision'], boolean]> = [
      ['2026-11', 'eligible', true],
      ['2027-02', 'eligible', true],
      ['2027-03', 'eligible', false],
      ['2026-10', 'eligible', false],
      ['2026-12', 'suspect', false],
      [null, 'excluded', false],
    ];
    for (const [until, decision, expected] of cases) {
      it(`${decision} until ${until} → ${expected}`, () => {
        assert.equal(isReminder(result({ decision, certifiedUntil: until }), '2026-11'), expected);
      });
    }
    it('across a year end', () => {
      assert.equal(isReminder(result({ certifiedUntil: '2027-03' }), '2026-12'), true);
      assert.equal(isReminder(result({ certifiedUntil: '2027-04' }), '2026-12'), false);
    });
  });

  describe('decideShard', () => {
    const a = roster({ personId: '440106195504120240', name: '张三' });
    const b = roster();
    const c = roster({ personId: '440106194001010010', name: '李四', lastCertifiedMonth: '2024-01' });
    const events = new Map<string, MatchEvent[]>([
      [b.personId, [death('2026-09-01'), civilDeath('2026-09-01')]],
      [a.personId, [alive('2026-09-01', 'FACE_AUTH', { personId: a.personId, name: '张三' })]],
    ]);

    it('decides every entry, sorted by personId, with its own events only', () => {
      const results = decideShard([a, b, c], events, OPTIONS);
      assert.deepStrictEqual(results.map((r) => r.personId), [c.personId, b.personId, a.personId].sort());
      const byId = new Map(results.map((r) => [r.personId, r]));
      assert.deepStrictEqual(byId.get(b.personId)?.reasons, ['DEATH']);
      assert.deepStrictEqual(byId.get(a.personId)?.reasons, ['DEFERRED']);
      assert.deepStrictEqual(byId.get(c.personId)?.reasons, ['CERT_EXPIRED']);
      for (const r of results) assert.deepStrictEqual(r, decide([a, b, c].find((e) => e.personId === r.personId)!, events.get(r.personId) ?? [], OPTIONS));
    });

    it('gives the same results whatever the order of entries', () => {
      const expected = decideShard([a, b, c], events, OPTIONS);
      const random = seededRandom(7);
      for (let i = 0; i < 20; i++) assert.deepStrictEqual(decideShard(shuffled([a, b, c], random), events, OPTIONS), expected);
    });

    it('accepts any iterable of entries', () => {
      function* entries(): Generator<typeof a> {
        yield b;
        yield a;
      }
      assert.equal(decideShard(entries(), events, OPTIONS).length, 2);
    });

    it('refuses a roster holding one person twice', () => {
      assert.throws(() => decideShard([a, b, a], events, OPTIONS), (e: unknown) => e instanceof MatchInputError && e.field === 'personId');
    });
  });

  describe('input errors', () => {
    it('a malformed period or asOf', () => {
      assert.throws(() => decide(roster(), [], { period: '2026-13', asOf: '2026-11-28' }), (e: unknown) => e instanceof MatchInputError && e.field === 'period');
      assert.throws(() => decide(roster(), [], { period: '2026-11', asOf: '20261128' }), (e: unknown) => e instanceof MatchInputError && e.field === 'asOf');
    });
    it('a suspended entry without suspendedSince or suspendReason, with the identity number masked', () => {
      assert.throws(
        () => decide(roster({ benefitStatus: 'suspended', suspendReason: 'CERT_EXPIRED' }), [], OPTIONS),
        (e: unknown) => e instanceof MatchInputError && e.field === 'suspendedSince' && e.message.includes('440106********') && !e.message.includes(PID),
      );
      assert.throws(() => decide(roster({ benefitStatus: 'suspended', suspendedSince: '2026-01' }), [], OPTIONS), (e: unknown) => e instanceof MatchInputError && e.field === 'suspendReason');
    });
    it('malformed months and amounts', () => {
      assert.throws(() => decide(roster({ paidThrough: '2026-1' }), [], OPTIONS), (e: unknown) => e instanceof MatchInputError && e.field === 'paidThrough');
      assert.throws(() => decide(roster({ monthlyAmountFen: 12.5 }), [], OPTIONS), (e: unknown) => e instanceof MatchInputError && e.field === 'monthlyAmountFen');
    });
  });
});
