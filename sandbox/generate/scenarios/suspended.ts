// Suspended recipients (§4.1, §4.4): recertified, released, remaining suspended, sealing due,
// and sealed accounts that are not evaluated at all.
import { addDays, addMonths, lastDayOfMonth, minDate } from '../calendar.ts';
import { ago, quiet, strongAuth, firstOfMonth, writeDeath, anyVia, origins, suspended, type Scenario } from './kit.ts';

export const SUSPENDED: readonly Scenario[] = [
  {
    kind: 'recertified', weight: 6, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -20), addMonths(g.period, -1));
      const p = suspended(g, 'recertified', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since);
      const lo = firstOfMonth(since) > g.daysAgo(75) ? firstOfMonth(since) : g.daysAgo(75);
      strongAuth(g, p.subject, g.dateBetween(lo, g.horizon));
      if (g.rng.chance(0.4)) g.ministry.medical(p.subject, g.dateBetween(lo, g.horizon), '门诊结算');
    },
  },
  {
    kind: 'recertified-in-suspension-month', weight: 3, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -8), addMonths(g.period, -1));
      const p = suspended(g, 'recertified-in-suspension-month', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since);
      quiet(p);
      g.ministry.auth(p.subject, g.dateBetween(firstOfMonth(since), minDate(lastDayOfMonth(since), g.horizon)), '06', '1');
      g.ministry.medical(p.subject, ago(g, 0, 20), '住院结算');
    },
  },
  {
    kind: 'recertified-too-stale', weight: 3, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -20), addMonths(g.period, -12));
      const p = suspended(g, 'recertified-too-stale', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since, { ageMax: 79 });
      quiet(p);
      g.ministry.auth(p.subject, g.dateBetween(firstOfMonth(since), lastDayOfMonth(since)), '06', '1');
    },
  },
  {
    kind: 'seal-due', weight: 6, build: (g) => {
      const since = g.rng.chance(0.3) ? addMonths(g.period, -24) : g.monthBetween(addMonths(g.period, -48), addMonths(g.period, -25));
      const p = suspended(g, 'seal-due', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED', 'OTHER'] as const), since);
      p.noise.strongUntil = addDays(firstOfMonth(since), -1);
    },
  },
  {
    kind: 'remains-suspended', weight: 6, build: (g) => {
      const since = g.rng.chance(0.3) ? addMonths(g.period, -23) : g.monthBetween(addMonths(g.period, -22), addMonths(g.period, -1));
      const p = suspended(g, 'remains-suspended', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED', 'OTHER'] as const), since);
      p.noise.strongUntil = addDays(firstOfMonth(since), -1);
    },
  },
  {
    kind: 'suspended-other-with-strong-alive', weight: 2, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -6), addMonths(g.period, -2));
      const p = suspended(g, 'suspended-other-with-strong-alive', 'OTHER', since);
      strongAuth(g, p.subject, ago(g, 0, 25));
    },
  },
  {
    kind: 'sealed-account', weight: 8, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -60), addMonths(g.period, -26));
      const p = suspended(g, 'sealed-account', 'CERT_EXPIRED', since);
      p.entry.accountStatus = 'sealed';
    },
  },
  {
    kind: 'sealed-account-with-death', weight: 2, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -60), addMonths(g.period, -26));
      const p = suspended(g, 'sealed-account-with-death', 'CERT_EXPIRED', since);
      p.entry.accountStatus = 'sealed';
      const d = ago(g, 20, 200);
      for (const o of origins(g, 2)) writeDeath(g, p.subject, anyVia(g, o), d, 'death');
    },
  },
];
