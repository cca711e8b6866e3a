// Clause-by-clause tests of decision-rules.md. Every case is also decided for 20 seeded
// shuffles of its events (and reversed), which must give the identical result.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decide } from '../../matching/decide.ts';
import type { MatchEvent } from '../../matching/types.ts';
import type { Result, RosterEntry } from '../../schemas/types.ts';
import {
  OPTIONS,
  OTHER_PID,
  alive,
  benefit,
  civilDeath,
  death,
  hubBenefit,
  hubDeath,
  hubOnsite,
  hubPrison,
  hukouCancelled,
  hukouNormal,
  ministryDeath,
  policeHukouDeath,
  prison,
  ref,
  roster,
  seededRandom,
  shuffled,
} from './helpers.ts';

const validateResult = new Ajv2020({ allErrors: true }).compile(
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json'), 'utf8')),
);

let seed = 1;
function run(entry: RosterEntry, events: MatchEvent[], options = OPTIONS): Result {
  const first = decide(entry, events, options);
  assert.ok(validateResult(first), JSON.stringify(validateResult.errors));
  assert.deepStrictEqual(decide(entry, events.slice().reverse(), options), first, 'reversed events');
  const random = seededRandom(seed++);
  for (let i = 0; i < 20; i++) assert.deepStrictEqual(decide(entry, shuffled(events, random), options), first, `shuffle ${i}`);
  return first;
}

function refs(...events: MatchEvent[]): Array<ReturnType<typeof ref>> {
  return events
    .map(ref)
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
}

/** The fields that are fixed by the decision alone (§7 nulls). */
function assertShape(r: Result, decision: Result['decision'], action: Result['action'], reasons: Result['reasons']): void {
  assert.equal(r.decision, decision, `decision (reasons ${r.reasons.join(',')})`);
  assert.equal(r.action, action);
  assert.deepStrictEqual(r.reasons, reasons);
  assert.equal(r.period, OPTIONS.period);
  if (decision === 'ineligible') {
    assert.equal(typeof r.lossDate, 'string');
    assert.equal(typeof r.overpaidMonths, 'number');
    assert.equal(r.certifiedMonth, null);
    assert.equal(r.certifiedUntil, null);
    assert.equal(r.riskLevel, null);
  } else {
    assert.equal(r.lossDate, null);
    assert.equal(r.overpaidMonths, null);
    assert.equal(r.overpaidAmountFen, null);
  }
  if (decision === 'excluded') {
    assert.equal(r.certifiedMonth, null);
    assert.equal(r.certifiedUntil, null);
    assert.equal(r.riskLevel, null);
    assert.deepStrictEqual(r.evidence, []);
  }
  if (decision === 'suspect' && !reasons.includes('CERT_EXPIRED')) {
    assert.equal(r.riskLevel, 'HIGH');
    assert.equal(r.certifiedMonth, null);
    assert.equal(r.certifiedUntil, null);
  }
}

describe('decision engine: §4.1 sealed account first', () => {
  it('a sealed account is excluded / NONE / ACCOUNT_SEALED whatever the events', () => {
    const events = [ministryDeath('2026-09-01'), civilDeath('2026-09-01'), prison('2026-01-01', undefined), alive('2026-10-01', 'FACE_AUTH')];
    const r = run(roster({ accountStatus: 'sealed', benefitStatus: 'normal' }), events);
    assertShape(r, 'excluded', 'NONE', ['ACCOUNT_SEALED']);
  });
});

describe('decision engine: §5 certification validity (normal benefit)', () => {
  it('CERT_VALID with no events: C = lastCertifiedMonth, LOW, 12 months, no evidence', () => {
    const r = run(roster(), []);
    assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
    assert.equal(r.certifiedMonth, '2026-06');
    assert.equal(r.certifiedUntil, '2027-06');
    assert.equal(r.riskLevel, 'LOW');
    assert.deepStrictEqual(r.evidence, []);
  });

  it('DEFERRED: C = month of the latest ALIVE of any strength; evidence every ALIVE of that latest date', () => {
    const a = alive('2026-09-03', 'FACE_AUTH');
    const b = alive('2026-09-03', 'CHECKUP');
    const older = alive('2026-08-20', 'TRAVEL');
    const r = run(roster(), [a, b, older]);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
    assert.equal(r.certifiedMonth, '2026-09');
    assert.equal(r.certifiedUntil, '2027-09');
    assert.deepStrictEqual(r.evidence, refs(a, b));
  });

  it('an ALIVE event in lastCertifiedMonth itself leaves CERT_VALID', () => {
    const r = run(roster({ lastCertifiedMonth: '2026-09' }), [alive('2026-09-30', 'FACE_AUTH')]);
    assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
    assert.deepStrictEqual(r.evidence, []);
  });

  describe('cycle edges (certifiedUntil vs P)', () => {
    const born80 = '1946-11-30'; // 80 on 2026-11-30: MEDIUM, 6 months
    it('certifiedUntil == P is valid', () => {
      const r = run(roster({ birthDate: born80, lastCertifiedMonth: '2026-05' }), []);
      assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
      assert.equal(r.certifiedUntil, '2026-11');
      assert.equal(r.riskLevel, 'MEDIUM');
    });
    it('certifiedUntil == P − 1 is CERT_EXPIRED, reporting the computed months', () => {
      const r = run(roster({ birthDate: born80, lastCertifiedMonth: '2026-04' }), []);
      assertShape(r, 'suspect', 'VERIFY', ['CERT_EXPIRED']);
      assert.equal(r.certifiedMonth, '2026-04');
      assert.equal(r.certifiedUntil, '2026-10');
      assert.equal(r.riskLevel, 'MEDIUM');
      assert.deepStrictEqual(r.evidence, []);
    });
    it('HIGH gives 3 months: C P−3 valid, P−4 expired', () => {
      const entry = { birthDate: '1936-11-30', lastCertifiedMonth: '2026-08' };
      const overseas = alive('2026-08-01', 'OVERSEAS_AUTH');
      assert.equal(run(roster(entry), [overseas]).certifiedUntil, '2026-11');
      assert.equal(run(roster(entry), [overseas]).riskLevel, 'HIGH');
      const r = run(roster({ ...entry, lastCertifiedMonth: '2026-07' }), [alive('2026-07-01', 'OVERSEAS_AUTH')]);
      assertShape(r, 'suspect', 'VERIFY', ['CERT_EXPIRED']);
      assert.equal(r.certifiedUntil, '2026-10');
    });
  });

  describe('staleness point: no strong ALIVE in P−11 … P and lastCertifiedMonth before P−11', () => {
    it('lastCertifiedMonth = P−11 (2025-12) scores nothing: LOW, valid through 2026-12', () => {
      const r = run(roster({ lastCertifiedMonth: '2025-12' }), []);
      assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
      assert.equal(r.riskLevel, 'LOW');
      assert.equal(r.certifiedUntil, '2026-12');
    });
    it('lastCertifiedMonth = P−12 (2025-11) scores +1: MEDIUM, expired', () => {
      const r = run(roster({ lastCertifiedMonth: '2025-11' }), []);
      assertShape(r, 'suspect', 'VERIFY', ['CERT_EXPIRED']);
      assert.equal(r.riskLevel, 'MEDIUM');
      assert.equal(r.certifiedUntil, '2026-05');
    });
    it('a strong ALIVE on the first day of P−11 clears the point', () => {
      const a = alive('2025-12-01', 'REMOTE_ASSIST');
      const r = run(roster({ lastCertifiedMonth: '2025-06' }), [a]);
      assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
      assert.equal(r.riskLevel, 'LOW');
      assert.equal(r.certifiedUntil, '2026-12');
      assert.deepStrictEqual(r.evidence, refs(a));
    });
    it('a strong ALIVE on the last day of P−12 does not', () => {
      const r = run(roster({ lastCertifiedMonth: '2025-06' }), [alive('2025-11-30', 'FACE_AUTH')]);
      assertShape(r, 'suspect', 'VERIFY', ['CERT_EXPIRED']);
      assert.equal(r.riskLevel, 'MEDIUM');
      assert.equal(r.certifiedMonth, '2025-11');
    });
    it('a weak ALIVE inside the window does not clear it', () => {
      const r = run(roster({ lastCertifiedMonth: '2025-06' }), [alive('2026-06-10', 'VACCINATION')]);
      assert.equal(r.riskLevel, 'MEDIUM');
      assert.equal(r.certifiedUntil, '2026-12');
      assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
    });
  });

  describe('age on the last day of P', () => {
    const overseas = (): MatchEvent => alive('2026-06-01', 'OVERSEAS_AUTH');
    const cases: Array<[string, string, string, Result['riskLevel']]> = [
      // [birthDate, period, label, riskLevel with an OVERSEAS_AUTH (+1)]
      ['1946-12-01', '2026-11', '79', 'MEDIUM'],
      ['1946-11-30', '2026-11', '80', 'MEDIUM'],
      ['1936-12-01', '2026-11', '89', 'MEDIUM'],
      ['1936-11-30', '2026-11', '90', 'HIGH'],
    ];
    for (const [birthDate, period, label, level] of cases) {
      it(`born ${birthDate}: ${label} on the last day of ${period} → ${level} with one OVERSEAS_AUTH`, () => {
        const r = run(roster({ birthDate, lastCertifiedMonth: '2026-06' }), [overseas()], { period, asOf: '2026-11-28' });
        assert.equal(r.riskLevel, level);
      });
    }
    it('79 vs 80 without other points: LOW vs MEDIUM', () => {
      assert.equal(run(roster({ birthDate: '1946-12-01' }), []).riskLevel, 'LOW');
      assert.equal(run(roster({ birthDate: '1946-11-30' }), []).riskLevel, 'MEDIUM');
    });
    it('89 vs 90 without other points: MEDIUM (+1) vs MEDIUM (+2), HIGH once stale', () => {
      assert.equal(run(roster({ birthDate: '1936-12-01', lastCertifiedMonth: '2025-11' }), []).riskLevel, 'MEDIUM');
      assert.equal(run(roster({ birthDate: '1936-11-30', lastCertifiedMonth: '2025-11' }), []).riskLevel, 'HIGH');
    });
    it('born 29 February: the birthday is 1 March in other years', () => {
      const feb = { period: '2026-02', asOf: '2026-02-20' };
      const mar = { period: '2026-03', asOf: '2026-03-20' };
      const entry = (birthDate: string): RosterEntry => roster({ birthDate, lastCertifiedMonth: '2026-01' });
      assert.equal(run(entry('1944-02-29'), [], { period: '2024-02', asOf: '2024-02-20' }).riskLevel, 'MEDIUM', '80 on 2024-02-29 (leap year)');
      assert.equal(run(entry('1944-02-29'), [], { period: '2024-01', asOf: '2024-01-20' }).riskLevel, 'LOW', '79 on 2024-01-31');
      assert.equal(run(entry('1948-02-29'), [], feb).riskLevel, 'LOW', '77 on 2026-02-28');
      assert.equal(run(entry('1946-03-01'), [], feb).riskLevel, 'LOW', '79 on 2026-02-28');
      assert.equal(run(entry('1936-02-29'), [alive('2026-01-05', 'OVERSEAS_AUTH')], feb).riskLevel, 'MEDIUM', '89 on 2026-02-28: +1 +1');
      assert.equal(run(entry('1936-02-29'), [alive('2026-01-05', 'OVERSEAS_AUTH')], mar).riskLevel, 'HIGH', '90 on 2026-03-31: +2 +1');
      assert.equal(run(entry('1956-02-29'), [alive('2026-01-05', 'OVERSEAS_AUTH')], feb).riskLevel, 'MEDIUM');
    });
  });
});

describe('decision engine: §1 death evidence and §2 death conflicts', () => {
  it('DEATH from two origins, no conflict: ineligible / STOP, evidence the DEATH events', () => {
    const a = death('2026-09-14');
    const b = civilDeath('2026-09-14');
    const r = run(roster(), [a, b]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    assert.equal(r.lossDate, '2026-09-14');
    assert.equal(r.overpaidMonths, 1);
    assert.equal(r.overpaidAmountFen, 28350);
    assert.deepStrictEqual(r.evidence, refs(a, b));
  });

  it('SINGLE_SOURCE_DEATH: two channels of one origin (city police and big-data relaying police) are one origin', () => {
    const a = policeHukouDeath('2026-09-20');
    const b = death('2026-09-20', { source: 'bigdata', dataset: 'hukou', recordId: 'HK2026000001', origin: 'police', dateKind: 'proxy' });
    const r = run(roster(), [a, b]);
    assertShape(r, 'suspect', 'VERIFY', ['SINGLE_SOURCE_DEATH']);
    assert.deepStrictEqual(r.evidence, refs(a, b));
  });

  it('the ministry national death data is an origin of its own', () => {
    const r = run(roster(), [ministryDeath('2026-09-20'), policeHukouDeath('2026-09-25')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    assert.equal(r.lossDate, '2026-09-20');
  });

  describe('DEATH_DATE_CONFLICT: more than 31 days between origins’ earliest death dates', () => {
    it('31 days apart across February (2026-01-31 / 2026-03-03): no conflict', () => {
      const r = run(roster(), [ministryDeath('2026-01-31'), civilDeath('2026-03-03')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
      assert.equal(r.lossDate, '2026-01-31');
    });
    it('32 days apart (2026-01-31 / 2026-03-04): conflict blocks the death', () => {
      const a = ministryDeath('2026-01-31');
      const b = civilDeath('2026-03-04');
      const r = run(roster(), [a, b]);
      assertShape(r, 'suspect', 'VERIFY', ['DEATH_DATE_CONFLICT']);
      assert.deepStrictEqual(r.evidence, refs(a, b));
    });
    it('each origin contributes its earliest date only: a later date of the same origin is not compared', () => {
      const r = run(roster(), [death('2026-08-01'), death('2026-10-20'), civilDeath('2026-08-05')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
      assert.equal(r.lossDate, '2026-08-01');
    });
    it('three origins: the extremes are compared', () => {
      const r = run(roster(), [death('2026-08-01'), civilDeath('2026-08-20'), ministryDeath('2026-09-02')]);
      assertShape(r, 'suspect', 'VERIFY', ['DEATH_DATE_CONFLICT']);
    });
    it('proxy dates are never compared; the death date prefers a date of kind death', () => {
      const r = run(roster(), [death('2026-05-01'), policeHukouDeath('2026-09-30')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
      assert.equal(r.lossDate, '2026-05-01');
    });
    it('only proxy dates: the earliest proxy date is the death date', () => {
      const r = run(roster(), [policeHukouDeath('2026-09-20'), civilDeath('2026-09-18', { dateKind: 'proxy' })]);
      assert.equal(r.lossDate, '2026-09-18');
    });
  });

  describe('ALIVE_AFTER_DEATH', () => {
    const deaths = (): MatchEvent[] => [death('2026-09-10'), civilDeath('2026-09-10')];
    it('weak ALIVE exactly 7 days after: a late record, DEATH stands and it is no evidence', () => {
      const ds = deaths();
      const r = run(roster(), [...ds, alive('2026-09-17', 'MEDICAL')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
      assert.deepStrictEqual(r.evidence, refs(...ds));
    });
    it('weak ALIVE 8 days after: conflict, evidence the deaths and that event', () => {
      const ds = deaths();
      const late = alive('2026-09-18', 'VACCINATION');
      const r = run(roster(), [...ds, late]);
      assertShape(r, 'suspect', 'VERIFY', ['ALIVE_AFTER_DEATH']);
      assert.deepStrictEqual(r.evidence, refs(...ds, late));
    });
    it('weak ALIVE 8 days after across a month end (2026-09-28 → 2026-10-06)', () => {
      const r = run(roster(), [death('2026-09-28'), civilDeath('2026-09-28'), alive('2026-10-06', 'TRAVEL')]);
      assertShape(r, 'suspect', 'VERIFY', ['ALIVE_AFTER_DEATH']);
    });
    it('strong ALIVE on the death day: not after', () => {
      const r = run(roster(), [...deaths(), alive('2026-09-10', 'FACE_AUTH')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    });
    it('strong ALIVE the next day: conflict; the ALIVE on the death day is not evidence', () => {
      const ds = deaths();
      const same = alive('2026-09-10', 'FACE_AUTH');
      const next = alive('2026-09-11', 'REMOTE_ASSIST');
      const r = run(roster(), [...ds, same, next]);
      assertShape(r, 'suspect', 'VERIFY', ['ALIVE_AFTER_DEATH']);
      assert.deepStrictEqual(r.evidence, refs(...ds, next));
    });
    it('measured from the death date (earliest of kind death), with a single source as well', () => {
      const d = death('2026-09-10');
      const proxy = policeHukouDeath('2026-08-01', { origin: 'health', source: 'health', dataset: 'death-certificates' });
      const a = alive('2026-09-11', 'FACE_AUTH');
      const r = run(roster(), [d, proxy, a]);
      assertShape(r, 'suspect', 'VERIFY', ['ALIVE_AFTER_DEATH', 'SINGLE_SOURCE_DEATH']);
      assert.deepStrictEqual(r.evidence, refs(d, proxy, a));
    });
  });

  describe('STATUS_CONFLICT', () => {
    it('HUKOU_NORMAL dated after a DEATH event (police has not cancelled while health reports a death)', () => {
      const ds = [death('2026-09-05'), civilDeath('2026-09-05')];
      const normal = hukouNormal('2026-09-06');
      const r = run(roster(), [...ds, normal]);
      assertShape(r, 'suspect', 'VERIFY', ['STATUS_CONFLICT']);
      assert.deepStrictEqual(r.evidence, refs(...ds, normal));
    });
    it('HUKOU_NORMAL on the death day is not after it', () => {
      const r = run(roster(), [death('2026-09-05'), civilDeath('2026-09-05'), hukouNormal('2026-09-05')]);
      assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    });
    it('HUKOU_NORMAL after a MISSING cancellation on another channel blocks MISSING', () => {
      const c = hukouCancelled('2026-07-01', 'MISSING');
      const normal = hukouNormal('2026-08-01');
      const r = run(roster(), [c, normal]);
      assertShape(r, 'suspect', 'VERIFY', ['STATUS_CONFLICT']);
      assert.deepStrictEqual(r.evidence, refs(c, normal));
    });
    it('HUKOU_NORMAL dated before the cancellation: no conflict, MISSING', () => {
      const c = hukouCancelled('2026-07-01', 'MISSING');
      const r = run(roster(), [c, hukouNormal('2026-06-30')]);
      assertShape(r, 'ineligible', 'STOP', ['MISSING']);
      assert.deepStrictEqual(r.evidence, refs(c));
    });
    it('HUKOU_NORMAL after a MOVED_OUT or MILITARY cancellation: no conflict', () => {
      for (const reason of ['MOVED_OUT', 'MILITARY']) {
        const r = run(roster(), [hukouCancelled('2026-07-01', reason), hukouNormal('2026-08-01')]);
        assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
      }
    });
    it('HUKOU_NORMAL after settled abroad: both STATUS_CONFLICT and SETTLED_ABROAD', () => {
      const c = hukouCancelled('2026-07-01', 'EMIGRATED');
      const normal = hukouNormal('2026-08-01');
      const r = run(roster(), [c, normal]);
      assertShape(r, 'suspect', 'VERIFY', ['SETTLED_ABROAD', 'STATUS_CONFLICT']);
      assert.deepStrictEqual(r.evidence, refs(c, normal));
    });
  });
});

describe('decision engine: §0 hukou is a status (newest record per channel)', () => {
  it('a newer normal record on the same channel replaces a cancellation for death', () => {
    const old = policeHukouDeath('2026-09-01', { recordId: '4401HJ-A', sourceUpdatedAt: '2026-09-02T10:00:00+08:00' });
    const newer = hukouNormal('2026-08-20', { source: 'police-4401', recordId: '4401HJ-B', sourceUpdatedAt: '2026-09-03T10:00:00+08:00' });
    const health = death('2026-09-01');
    const r = run(roster(), [old, newer, health]);
    // only health's death remains (D = 1); the normal record is dated before it
    assertShape(r, 'suspect', 'VERIFY', ['SINGLE_SOURCE_DEATH']);
    assert.deepStrictEqual(r.evidence, refs(health));
  });

  it('channels are independent: bigdata and police-4401 each keep their newest', () => {
    const bd = hukouCancelled('2026-07-01', 'MISSING', { source: 'bigdata', recordId: 'HK1', sourceUpdatedAt: '2026-07-02T10:00:00+08:00' });
    const pol = hukouCancelled('2026-07-05', 'MISSING', { source: 'police-4401', recordId: 'P1', sourceUpdatedAt: '2026-07-06T10:00:00+08:00' });
    const r = run(roster(), [bd, pol]);
    assertShape(r, 'ineligible', 'STOP', ['MISSING']);
    assert.equal(r.lossDate, '2026-07-01');
    assert.deepStrictEqual(r.evidence, refs(bd, pol));
  });

  it('same update time: the greater record id in byte order wins ("HK9" > "HK10")', () => {
    const at = '2026-08-03T10:00:00+08:00';
    const other = hukouCancelled('2026-08-01', 'OTHER', { source: 'bigdata', recordId: 'HK9', sourceUpdatedAt: at });
    const normal = hukouNormal('2026-08-03', { recordId: 'HK10', sourceUpdatedAt: at });
    const r = run(roster(), [other, normal]);
    assertShape(r, 'suspect', 'VERIFY', ['HUKOU_CANCELLED_OTHER']);
    assert.deepStrictEqual(r.evidence, refs(other));
  });

  it('update times written differently are compared as instants', () => {
    // 02:00Z is 10:00 China time, after 09:30+08:00
    const cancelled = hukouCancelled('2026-08-01', 'MISSING', { source: 'bigdata', recordId: 'HK-A', sourceUpdatedAt: '2026-08-03T02:00:00Z' });
    const normal = hukouNormal('2026-08-03', { recordId: 'HK-B', sourceUpdatedAt: '2026-08-03T09:30:00+08:00' });
    const r = run(roster(), [cancelled, normal]);
    assertShape(r, 'ineligible', 'STOP', ['MISSING']);
  });

  it('the same instant written differently is a tie: the greater record id wins', () => {
    const other = hukouCancelled('2026-08-01', 'OTHER', { source: 'bigdata', recordId: 'HK2', sourceUpdatedAt: '2026-08-03T02:00:00Z' });
    const normal = hukouNormal('2026-08-03', { recordId: 'HK1', sourceUpdatedAt: '2026-08-03T10:00:00+08:00' });
    assertShape(run(roster(), [other, normal]), 'suspect', 'VERIFY', ['HUKOU_CANCELLED_OTHER']);
    const other2 = hukouCancelled('2026-08-01', 'OTHER', { source: 'bigdata', recordId: 'HK1', sourceUpdatedAt: '2026-08-03T02:00:00Z' });
    const normal2 = hukouNormal('2026-08-03', { recordId: 'HK2', sourceUpdatedAt: '2026-08-03T10:00:00+08:00' });
    assertShape(run(roster(), [other2, normal2]), 'eligible', 'NONE', ['CERT_VALID']);
  });

  it('a newer MOVED_OUT record supersedes an older MISSING one and has no effect itself', () => {
    const missing = hukouCancelled('2026-05-01', 'MISSING', { recordId: 'P-1', sourceUpdatedAt: '2026-05-02T10:00:00+08:00' });
    const moved = hukouCancelled('2026-06-01', 'MOVED_OUT', { recordId: 'P-2', sourceUpdatedAt: '2026-06-02T10:00:00+08:00' });
    const r = run(roster(), [missing, moved]);
    assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
  });

  it('a hukou record dated after P is dropped before the newest is chosen', () => {
    const missing = hukouCancelled('2026-07-01', 'MISSING', { source: 'bigdata', recordId: 'HK-1', sourceUpdatedAt: '2026-07-03T10:00:00+08:00' });
    const later = hukouNormal('2026-12-02', { recordId: 'HK-2', sourceUpdatedAt: '2026-12-02T10:00:00+08:00' });
    const r = run(roster(), [missing, later]);
    assertShape(r, 'ineligible', 'STOP', ['MISSING']);
  });
});

describe('decision engine: §2 hukou cancellations', () => {
  it('HUKOU_CANCELLED_OTHER is a conflict, never a loss', () => {
    const c = hukouCancelled('2026-08-08', 'OTHER');
    const r = run(roster(), [c]);
    assertShape(r, 'suspect', 'VERIFY', ['HUKOU_CANCELLED_OTHER']);
    assert.deepStrictEqual(r.evidence, refs(c));
  });

  it('NATIONALITY_LOST with no conflict: lossDate the earliest cancellation date, overpaid after its month', () => {
    const a = hukouCancelled('2026-04-15', 'NATIONALITY_LOST', { source: 'bigdata', recordId: 'HK-N' });
    const b = hukouCancelled('2026-05-20', 'NATIONALITY_LOST');
    const r = run(roster(), [a, b]);
    assertShape(r, 'ineligible', 'STOP', ['NATIONALITY_LOST']);
    assert.equal(r.lossDate, '2026-04-15');
    assert.equal(r.overpaidMonths, 6); // 2026-05 … 2026-10
    assert.deepStrictEqual(r.evidence, refs(a, b));
  });

  it('MISSING with no conflict', () => {
    const r = run(roster(), [hukouCancelled('2026-07-01', 'MISSING')]);
    assertShape(r, 'ineligible', 'STOP', ['MISSING']);
    assert.equal(r.overpaidMonths, 3);
  });

  it('NATIONALITY_LOST and MISSING blocked by any conflict (here HUKOU_CANCELLED_OTHER on another channel)', () => {
    const r = run(roster(), [
      hukouCancelled('2026-07-01', 'NATIONALITY_LOST'),
      hukouCancelled('2026-07-02', 'OTHER', { source: 'bigdata', recordId: 'HK-O' }),
    ]);
    assertShape(r, 'suspect', 'VERIFY', ['HUKOU_CANCELLED_OTHER']);
  });

  it('SETTLED_ABROAD when the only overseas certification is on the cancellation day or earlier', () => {
    const c = hukouCancelled('2026-03-10', 'EMIGRATED');
    const r = run(roster(), [c, alive('2026-03-10', 'OVERSEAS_AUTH'), alive('2026-02-01', 'OVERSEAS_AUTH')]);
    assertShape(r, 'suspect', 'VERIFY', ['SETTLED_ABROAD']);
    assert.deepStrictEqual(r.evidence, refs(c));
  });

  it('an OVERSEAS_AUTH after settling abroad: the cancellation has no effect at all', () => {
    const overseas = alive('2026-09-15', 'OVERSEAS_AUTH');
    const events = [
      hukouCancelled('2026-03-10', 'EMIGRATED', { name: '程伟光' }), // misnamed: no NAME_MISMATCH either
      overseas,
      hukouNormal('2026-08-05'), // normal after it on another channel: no STATUS_CONFLICT
    ];
    const r = run(roster({ lastCertifiedMonth: '2026-02' }), events);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
    assert.equal(r.certifiedMonth, '2026-09');
    assert.equal(r.riskLevel, 'MEDIUM'); // +1 for any OVERSEAS_AUTH
    assert.equal(r.certifiedUntil, '2027-03');
    assert.deepStrictEqual(r.evidence, refs(overseas));
  });

  it('an OVERSEAS_AUTH dated after P does not count: SETTLED_ABROAD stays', () => {
    const r = run(roster(), [hukouCancelled('2026-03-10', 'EMIGRATED'), alive('2026-12-01', 'OVERSEAS_AUTH')]);
    assertShape(r, 'suspect', 'VERIFY', ['SETTLED_ABROAD']);
  });

  it('MOVED_OUT and MILITARY have no effect, even under another name', () => {
    for (const reason of ['MOVED_OUT', 'MILITARY']) {
      const r = run(roster(), [hukouCancelled('2026-05-05', reason, { name: '王建华' })]);
      assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
      assert.deepStrictEqual(r.evidence, []);
    }
  });
});

describe('decision engine: §2 NAME_MISMATCH', () => {
  it('a misnamed DEATH still counts for D; the mismatch blocks the death; evidence the misnamed event only', () => {
    const ok = death('2026-10-05');
    const misnamed = civilDeath('2026-10-05', { name: '黄秀兰' });
    const r = run(roster(), [ok, misnamed]);
    assertShape(r, 'suspect', 'VERIFY', ['NAME_MISMATCH']);
    assert.deepStrictEqual(r.evidence, refs(misnamed));
  });

  it('an empty name never mismatches', () => {
    const r = run(roster(), [death('2026-09-11', { name: '' }), civilDeath('2026-09-11', { name: '' })]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
  });

  it('names are compared normalized (case, full-width Latin, white space, separator dots)', () => {
    const entry = roster({ name: ' 林 mary' });
    const r = run(entry, [death('2026-09-11', { name: '林ＭＡＲＹ' }), civilDeath('2026-09-11', { name: '林MARY' })]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    const dots = roster({ name: '阿依古丽•买买提' });
    assertShape(run(dots, [benefit('2026-06-01', undefined, '110', '310000', { name: '阿依古丽·买买提' })]), 'ineligible', 'STOP', ['DUPLICATE']);
  });

  it('a misnamed benefit makes no DUPLICATE', () => {
    const b = benefit('2025-09-01', undefined, '110', '310000', { name: '李建华' });
    const r = run(roster(), [b]);
    assertShape(r, 'suspect', 'VERIFY', ['NAME_MISMATCH']);
    assert.deepStrictEqual(r.evidence, refs(b));
  });

  it('a misnamed MISSING cancellation makes no MISSING loss', () => {
    const c = hukouCancelled('2026-07-01', 'MISSING', { name: '曾庆' });
    const r = run(roster(), [c]);
    assertShape(r, 'suspect', 'VERIFY', ['NAME_MISMATCH']);
    assert.deepStrictEqual(r.evidence, refs(c));
  });

  it('a misnamed OTHER cancellation: both HUKOU_CANCELLED_OTHER and NAME_MISMATCH', () => {
    const c = hukouCancelled('2026-07-01', 'OTHER', { name: '某某' });
    assertShape(run(roster(), [c]), 'suspect', 'VERIFY', ['HUKOU_CANCELLED_OTHER', 'NAME_MISMATCH']);
  });

  it('ALIVE and HUKOU_NORMAL events are not name-checked', () => {
    const r = run(roster(), [alive('2026-09-01', 'FACE_AUTH', { name: '别人' }), hukouNormal('2026-08-01', { name: '别人' })]);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
  });

  it('an imprisonment merged from a misnamed and a well-named event makes a loss, listing the mismatch too', () => {
    const a = prison('2025-08-15', undefined, { name: '贾国强' });
    const b = prison('2025-08-15', '2027-03-31', { source: 'bigdata', dataset: 'prison', recordId: 'XQ1' });
    const r = run(roster(), [a, b]);
    assertShape(r, 'ineligible', 'STOP', ['IMPRISONED', 'NAME_MISMATCH']);
    assert.deepStrictEqual(r.evidence, refs(a, b));
  });
});

describe('decision engine: §0/§3 imprisonment and other benefits', () => {
  it('IMPRISONED: current (end after the first day of P), lossDate the start', () => {
    const p = prison('2025-04-10', '2029-04-09');
    const r = run(roster(), [p]);
    assertShape(r, 'ineligible', 'STOP', ['IMPRISONED']);
    assert.equal(r.lossDate, '2025-04-10');
    assert.equal(r.overpaidMonths, 18);
    assert.deepStrictEqual(r.evidence, refs(p));
  });

  it('an end on the first day of P is current; on the last day of P−1 it is not', () => {
    assertShape(run(roster(), [prison('2026-01-10', '2026-11-01')]), 'ineligible', 'STOP', ['IMPRISONED']);
    assertShape(run(roster(), [prison('2026-01-10', '2026-10-31')]), 'eligible', 'NONE', ['CERT_VALID']);
  });

  it('a start on the last day of P is current; a start after P does not count', () => {
    const r = run(roster({ paidThrough: '2026-11' }), [prison('2026-11-30', undefined)]);
    assertShape(r, 'ineligible', 'STOP', ['IMPRISONED']);
    assert.equal(r.overpaidMonths, 0);
    assertShape(run(roster(), [prison('2026-12-01', undefined)]), 'eligible', 'NONE', ['CERT_VALID']);
  });

  it('IMPRISONED holds whatever the conflicts (with SINGLE_SOURCE_DEATH)', () => {
    const r = run(roster(), [prison('2026-02-10', undefined), death('2026-09-01')]);
    assertShape(r, 'ineligible', 'STOP', ['IMPRISONED', 'SINGLE_SOURCE_DEATH']);
    assert.equal(r.overpaidMonths, 8);
  });

  it('a loss while already suspended: action NONE', () => {
    const r = run(roster({ benefitStatus: 'suspended', suspendReason: 'IMPRISONED', suspendedSince: '2025-05', paidThrough: '2025-04' }), [prison('2025-04-10', undefined)]);
    assertShape(r, 'ineligible', 'NONE', ['IMPRISONED']);
    assert.equal(r.overpaidMonths, 0);
    assert.equal(r.overpaidAmountFen, 0);
  });

  it('DUPLICATE: a current other benefit, overpaid from its start month', () => {
    const b = benefit('2026-06-01', undefined, '110', '440000');
    const r = run(roster(), [b]);
    assertShape(r, 'ineligible', 'STOP', ['DUPLICATE']);
    assert.equal(r.overpaidMonths, 5);
    assert.deepStrictEqual(r.evidence, refs(b));
  });

  it('benefits merge by insurance type, province and start; different provinces stay apart', () => {
    const same1 = benefit('2023-01-01', undefined, '120', '430000');
    const same2 = benefit('2023-01-01', '2026-06-30', '120', '430000');
    assertShape(run(roster(), [same1, same2]), 'eligible', 'NONE', ['CERT_VALID']);
    const other = benefit('2023-01-01', '2026-06-30', '120', '350000');
    const r = run(roster(), [same1, other]);
    assertShape(r, 'ineligible', 'STOP', ['DUPLICATE']);
    assert.deepStrictEqual(r.evidence, refs(same1));
  });

  it('DUPLICATE holds whatever the conflicts', () => {
    const r = run(roster(), [benefit('2026-03-01', undefined, '170', '510000'), hukouCancelled('2026-05-06', 'OTHER')]);
    assertShape(r, 'ineligible', 'STOP', ['DUPLICATE', 'HUKOU_CANCELLED_OTHER']);
  });
});

describe('decision engine: §6 overpayment as a union of months', () => {
  it('death inside an imprisonment: the union, not the sum', () => {
    const r = run(roster(), [prison('2025-06-10', '2026-12-31'), death('2026-08-15'), civilDeath('2026-08-15')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH', 'IMPRISONED']);
    assert.equal(r.lossDate, '2025-06-10');
    assert.equal(r.overpaidMonths, 16); // 2025-07 … 2026-10
  });

  it('an imprisonment ending inside the paid months, then a death: both ranges', () => {
    // paid through 2027-03: imprisonment 2026-03 … 2026-11 (end 2026-11-15), death after 2027-01
    const entry = roster({ paidThrough: '2027-03' });
    const r = decide(entry, [prison('2026-02-10', '2026-11-15'), death('2026-11-20'), civilDeath('2026-11-20')], { period: '2026-11', asOf: '2026-11-28' });
    assertShape(r, 'ineligible', 'STOP', ['DEATH', 'IMPRISONED']);
    // imprisonment 2026-03..2026-11 (9) ∪ death 2026-12..2027-03 (4) = 13
    assert.equal(r.overpaidMonths, 13);
  });

  it('a range inside another that ends earlier adds nothing (paid ahead past P)', () => {
    const entry = roster({ paidThrough: '2027-06' });
    const r = run(entry, [prison('2025-06-10', undefined), benefit('2026-02-01', '2026-11-15', '110', '310000')]);
    assertShape(r, 'ineligible', 'STOP', ['DUPLICATE', 'IMPRISONED']);
    assert.equal(r.overpaidMonths, 24); // 2025-07 … 2027-06
  });

  it('a benefit with an end: counted through its end month only', () => {
    const r = run(roster({ paidThrough: '2027-01' }), [benefit('2026-02-01', '2026-11-15', '110', '310000')]);
    assertShape(r, 'ineligible', 'STOP', ['DUPLICATE']);
    assert.equal(r.overpaidMonths, 10); // 2026-02 … 2026-11
    assert.equal(r.overpaidAmountFen, 283500);
  });

  it('two current benefits overlapping: their union', () => {
    const r = run(roster(), [benefit('2026-03-01', undefined, '110', '310000'), benefit('2025-01-01', '2026-12-31', '120', '110000')]);
    assert.equal(r.overpaidMonths, 22); // 2025-01 … 2026-10
    assert.equal(r.lossDate, '2025-01-01');
  });

  it('our benefit started after the loss: clipped to startedMonth', () => {
    const r = run(roster({ startedMonth: '2024-05' }), [prison('2020-03-01', undefined)]);
    assert.equal(r.overpaidMonths, 30); // 2024-05 … 2026-10
  });

  it('paid through before the loss month: 0 months, 0 fen (not null)', () => {
    const r = run(roster({ paidThrough: '2026-08' }), [death('2026-09-10'), civilDeath('2026-09-10')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    assert.equal(r.overpaidMonths, 0);
    assert.equal(r.overpaidAmountFen, 0);
  });

  it('paid through the loss month itself: nothing overpaid for a death in that month', () => {
    const r = run(roster({ paidThrough: '2026-09' }), [death('2026-09-10'), civilDeath('2026-09-10')]);
    assert.equal(r.overpaidMonths, 0);
  });

  it('NATIONALITY_LOST and MISSING on two channels: both losses, each from its own date', () => {
    const r = run(roster(), [
      hukouCancelled('2026-04-15', 'NATIONALITY_LOST', { source: 'bigdata', recordId: 'HK-X' }),
      hukouCancelled('2026-08-01', 'MISSING'),
    ]);
    assertShape(r, 'ineligible', 'STOP', ['MISSING', 'NATIONALITY_LOST']);
    assert.equal(r.lossDate, '2026-04-15');
    assert.equal(r.overpaidMonths, 6);
  });
});

describe('decision engine: hub events (case outcomes, on-site certification)', () => {
  it('a hub DEATH decides the death by itself; its date is the death date', () => {
    const h = hubDeath('2026-09-01');
    const src = death('2026-08-15');
    const r = run(roster(), [h, src]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    assert.equal(r.lossDate, '2026-09-01');
    assert.equal(r.overpaidMonths, 1);
    assert.deepStrictEqual(r.evidence, refs(h, src));
  });

  it('a hub DEATH settles ALIVE_AFTER_DEATH, DEATH_DATE_CONFLICT, STATUS_CONFLICT and NAME_MISMATCH on deaths', () => {
    const events = [
      hubDeath('2026-08-01'),
      death('2026-08-01', { name: '别名' }),
      civilDeath('2026-10-01'),
      alive('2026-09-20', 'FACE_AUTH'),
      hukouNormal('2026-09-25'),
    ];
    const r = run(roster(), events);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
  });

  it('a hub DEATH does not settle a mismatch on other kinds nor HUKOU_CANCELLED_OTHER', () => {
    const r = run(roster(), [hubDeath('2026-08-01'), benefit('2026-01-01', undefined, '110', '310000', { name: '别名' }), hukouCancelled('2026-07-01', 'OTHER')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH', 'HUKOU_CANCELLED_OTHER', 'NAME_MISMATCH']);
  });

  it('CONFIRMED_IMPRISONED and CONFIRMED_DUPLICATE become losses', () => {
    assertShape(run(roster(), [hubPrison('2026-05-01')]), 'ineligible', 'STOP', ['IMPRISONED']);
    assertShape(run(roster(), [hubBenefit('2026-05-01', undefined, '120', '110000')]), 'ineligible', 'STOP', ['DUPLICATE']);
  });

  it('ONSITE drops every source DEATH and HUKOU_CANCELLED dated on or before it', () => {
    const onsite = hubOnsite('2026-09-20');
    const events = [death('2026-09-10'), civilDeath('2026-09-20'), hukouCancelled('2026-06-01', 'MISSING'), onsite];
    const r = run(roster(), events);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
    assert.equal(r.certifiedMonth, '2026-09');
    assert.deepStrictEqual(r.evidence, refs(onsite));
  });

  it('an on-site certification without a case (dataset onsite) confirms alike', () => {
    const r = run(roster(), [death('2026-09-10'), hubOnsite('2026-09-12', 'onsite')]);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
  });

  it('a source death dated after ONSITE still counts', () => {
    const later = death('2026-10-02');
    const r = run(roster(), [death('2026-09-10'), hubOnsite('2026-09-20'), later]);
    assertShape(r, 'suspect', 'VERIFY', ['SINGLE_SOURCE_DEATH']);
    assert.deepStrictEqual(r.evidence, refs(later));
  });

  it('ONSITE never drops a hub DEATH, nor an imprisonment', () => {
    assertShape(run(roster(), [hubDeath('2026-09-01'), hubOnsite('2026-09-10')]), 'ineligible', 'STOP', ['DEATH']);
    assertShape(run(roster(), [prison('2026-03-01', undefined), hubOnsite('2026-09-10')]), 'ineligible', 'STOP', ['IMPRISONED']);
  });

  it('an ONSITE dated after P does not count', () => {
    const r = run(roster(), [death('2026-09-10'), hubOnsite('2026-12-01')]);
    assertShape(r, 'suspect', 'VERIFY', ['SINGLE_SOURCE_DEATH']);
  });

  it('the cancellation dropped by ONSITE does not bring back an older record of its channel', () => {
    // the older record is dated after the on-site check, the newer one (a corrected
    // cancellation date) before it: the channel's status is the newer one, which staff refuted
    const older = hukouCancelled('2026-08-01', 'MISSING', { recordId: 'P-OLD', sourceUpdatedAt: '2026-08-02T10:00:00+08:00' });
    const newer = hukouCancelled('2026-06-01', 'OTHER', { recordId: 'P-NEW', sourceUpdatedAt: '2026-08-05T10:00:00+08:00' });
    const r = run(roster(), [older, newer, hubOnsite('2026-07-01')]);
    assertShape(r, 'eligible', 'RECORD', ['DEFERRED']);
    assert.equal(r.certifiedMonth, '2026-07');
  });
});

describe('decision engine: §4.4 suspended benefits', () => {
  const imprisoned = (since = '2024-04'): RosterEntry =>
    roster({ benefitStatus: 'suspended', suspendReason: 'IMPRISONED', suspendedSince: since, lastCertifiedMonth: '2024-02', paidThrough: '2024-03' });

  it('RELEASED: strong ALIVE after the end; evidence the imprisonment and the strong ALIVE after it', () => {
    const p1 = prison('2024-03-01', undefined);
    const p2 = prison('2024-03-01', '2026-08-31', { source: 'bigdata', dataset: 'prison', recordId: 'XQ-1' });
    const a = alive('2026-09-01', 'FACE_AUTH');
    const weak = alive('2026-09-05', 'TRAVEL');
    const r = run(imprisoned(), [p1, p2, a, weak]);
    assertShape(r, 'eligible', 'RESTORE', ['RELEASED']);
    assert.equal(r.certifiedMonth, '2026-09');
    assert.equal(r.certifiedUntil, '2027-09');
    assert.deepStrictEqual(r.evidence, refs(p1, p2, a));
  });

  it('no RELEASED with a strong ALIVE on the release day or only weak ones after; never SEAL_DUE', () => {
    const r = run(imprisoned('2023-01'), [prison('2024-03-01', '2026-06-30'), alive('2026-06-30', 'FACE_AUTH'), alive('2026-08-10', 'TRAVEL')]);
    assertShape(r, 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });

  it('RELEASED needs the strong ALIVE after the latest end before P', () => {
    const r = run(imprisoned(), [prison('2021-03-15', '2025-10-31'), alive('2026-01-12', 'FACE_AUTH'), prison('2026-03-02', '2026-08-31')]);
    assertShape(r, 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });

  it('RELEASED refused when its certifiedUntil is before P', () => {
    // released 2025-01, strong ALIVE 2025-02 only; C 2025-02 LOW → 2026-02 < P
    const r = run(imprisoned(), [prison('2024-03-01', '2025-01-31'), alive('2025-02-03', 'FACE_AUTH')]);
    assertShape(r, 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });

  const certExpired = (since: string, reason: 'CERT_EXPIRED' | 'DEATH_SUSPECTED' | 'OTHER' = 'CERT_EXPIRED'): RosterEntry =>
    roster({ benefitStatus: 'suspended', suspendReason: reason, suspendedSince: since, lastCertifiedMonth: '2025-02', paidThrough: '2026-02' });

  it('RECERTIFIED: strong ALIVE in the month suspendedSince; evidence latest ALIVE plus the strong ones since', () => {
    const strong = alive('2026-03-01', 'FACE_AUTH');
    const latest = alive('2026-07-02', 'MEDICAL');
    const before = alive('2026-02-28', 'FACE_AUTH');
    const r = run(certExpired('2026-03'), [strong, latest, before]);
    assertShape(r, 'eligible', 'RESTORE', ['RECERTIFIED']);
    assert.equal(r.certifiedMonth, '2026-07');
    assert.deepStrictEqual(r.evidence, refs(strong, latest));
  });

  it('DEATH_SUSPECTED recertifies alike; a strong ALIVE before the suspension month does not', () => {
    assertShape(run(certExpired('2026-03', 'DEATH_SUSPECTED'), [alive('2026-04-01', 'ONSITE', { source: 'hub', dataset: 'onsite', origin: 'hub' })]), 'eligible', 'RESTORE', ['RECERTIFIED']);
    assertShape(run(certExpired('2026-03', 'DEATH_SUSPECTED'), [alive('2026-02-28', 'FACE_AUTH')]), 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });

  it('suspendReason OTHER never restores', () => {
    assertShape(run(certExpired('2026-03', 'OTHER'), [alive('2026-09-01', 'FACE_AUTH')]), 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });

  it('SEAL_DUE at exactly 24 months, REMAINS_SUSPENDED at 23', () => {
    assertShape(run(certExpired('2024-11'), [alive('2026-03-14', 'CHECKUP')]), 'excluded', 'SEAL', ['SEAL_DUE']);
    assertShape(run(certExpired('2024-12'), []), 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
    assertShape(run(certExpired('2024-11', 'OTHER'), []), 'excluded', 'SEAL', ['SEAL_DUE']);
    assertShape(run(imprisoned('2020-01'), []), 'excluded', 'NONE', ['REMAINS_SUSPENDED']);
  });
});

describe('decision engine: what does not count', () => {
  it('events dated after the last day of P are ignored', () => {
    const r = run(roster(), [death('2026-12-01'), civilDeath('2026-12-01'), alive('2026-12-01', 'FACE_AUTH'), benefit('2026-12-01', undefined)]);
    assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
    assert.equal(r.certifiedMonth, '2026-06');
  });

  it('events dated on the last day of P count', () => {
    const r = run(roster({ paidThrough: '2026-11' }), [death('2026-11-30'), civilDeath('2026-11-30')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
  });

  it("another person's events are ignored", () => {
    const o = { personId: OTHER_PID };
    const r = run(roster(), [death('2026-09-01', o), civilDeath('2026-09-01', o), prison('2026-01-01', undefined, o), alive('2026-09-01', 'FACE_AUTH', o)]);
    assertShape(r, 'eligible', 'NONE', ['CERT_VALID']);
  });

  it('the same record passed twice appears once in the evidence', () => {
    const d = death('2026-09-01');
    const r = run(roster(), [d, { ...d }, civilDeath('2026-09-01')]);
    assertShape(r, 'ineligible', 'STOP', ['DEATH']);
    assert.equal(r.evidence.length, 2);
  });
});

describe('decision engine: §7 result record', () => {
  it('every field present, evidence sorted by source, dataset, record id in byte order', () => {
    const a = civilDeath('2026-09-01', { recordId: 'HH_440106_20261103.csv:11' });
    const b = civilDeath('2026-09-01', { recordId: 'HH_440106_20261103.csv:4' });
    const c = death('2026-09-01', { source: 'bigdata', dataset: 'cremation', recordId: 'HH1', origin: 'civil' });
    const r = run(roster(), [a, b, c]);
    assert.deepStrictEqual(Object.keys(r).sort(), [
      'action', 'areaCode', 'certifiedMonth', 'certifiedUntil', 'decision', 'evidence', 'lossDate',
      'overpaidAmountFen', 'overpaidMonths', 'period', 'personId', 'reasons', 'riskLevel',
    ]);
    assert.deepStrictEqual(r.evidence.map((e) => e.recordId), ['HH1', 'HH_440106_20261103.csv:11', 'HH_440106_20261103.csv:4']);
    assert.equal(r.personId, roster().personId);
    assert.equal(r.areaCode, '440106');
  });

  it('record ids beyond the BMP sort in UTF-8 order, not UTF-16 order', () => {
    const hi = civilDeath('2026-09-01', { recordId: 'R\u{1F600}' });
    const bmp = civilDeath('2026-09-01', { recordId: 'R\uFF21' });
    const r = run(roster(), [hi, bmp]);
    assert.deepStrictEqual(r.evidence.map((e) => e.recordId), ['R\uFF21', 'R\u{1F600}']);
  });

  it('reasons are sorted alphabetically without repeats', () => {
    const r = run(roster(), [
      prison('2026-01-01', undefined),
      prison('2026-02-01', undefined),
      benefit('2026-01-01', undefined),
      death('2026-09-01'),
      hukouCancelled('2026-07-01', 'OTHER'),
    ]);
    assert.deepStrictEqual(r.reasons, ['DUPLICATE', 'HUKOU_CANCELLED_OTHER', 'IMPRISONED', 'SINGLE_SOURCE_DEATH']);
  });
});
