// Imprisonment (§0, §3, §4.4): current sentences, merged records of one sentence, sentences that
// ended, release with or without a strong sign of life after it, misnamed records.
import { addDays, addMonths, minDate, monthOf } from '../calendar.ts';
import { ago, quiet, strongAuth, firstOfMonth, suspended, prisonRecord, anyPrisonVia, type Scenario } from './kit.ts';

export const IMPRISONMENT: readonly Scenario[] = [
  ...([['imprisoned-open-end', 'open'], ['imprisoned-future-end', 'future'], ['imprisoned-ends-in-period', 'in-period']] as const).map(
    ([kind, endKind]): Scenario => ({
      kind, weight: 2, build: (g) => {
        const p = g.person(kind);
        const start = ago(g, 30, 700);
        const end = endKind === 'open' ? null : endKind === 'future' ? g.dateBetween(addDays(g.last, 30), addDays(g.last, 1500)) : g.dateBetween(g.first, g.last);
        prisonRecord(g, p.subject, start, end, anyPrisonVia(g));
        p.losses.push({ code: 'IMPRISONED', date: start, end: end ?? undefined });
        p.prison.current = true;
      },
    }),
  ),
  {
    kind: 'imprisoned-merged-sentence', weight: 1, build: (g) => {
      const p = g.person('imprisoned-merged-sentence');
      const start = ago(g, 30, 700);
      const end = g.dateBetween(addDays(g.last, 30), addDays(g.last, 900));
      prisonRecord(g, p.subject, start, null, 'ministry');
      prisonRecord(g, p.subject, start, end, 'bigdata');
      p.losses.push({ code: 'IMPRISONED', date: start, end });
      p.prison.current = true;
    },
  },
  {
    kind: 'imprisonment-ended-before-period', weight: 2, build: (g) => {
      const p = g.person('imprisonment-ended-before-period');
      const start = ago(g, 500, 1200);
      prisonRecord(g, p.subject, start, g.dateBetween(addDays(start, 60), addDays(g.first, -1)), anyPrisonVia(g));
    },
  },
  {
    kind: 'imprisoned-already-suspended', weight: 2, build: (g) => {
      const start = ago(g, 75, 700);
      const p = suspended(g, 'imprisoned-already-suspended', 'IMPRISONED', addMonths(monthOf(start), 1));
      quiet(p);
      const end = g.rng.chance(0.5) ? null : g.dateBetween(addDays(g.last, 30), addDays(g.last, 1500));
      prisonRecord(g, p.subject, start, end, anyPrisonVia(g));
      p.losses.push({ code: 'IMPRISONED', date: start, end: end ?? undefined });
      p.prison.current = true;
    },
  },
  {
    kind: 'released-strong-alive-after', weight: 3, build: (g) => {
      const start = ago(g, 400, 900);
      const end = g.dateBetween(g.daysAgo(150), minDate(addDays(g.first, -1), g.daysAgo(10)));
      const p = suspended(g, 'released-strong-alive-after', 'IMPRISONED', addMonths(monthOf(start), 1));
      quiet(p);
      if (g.rng.chance(0.5)) {
        prisonRecord(g, p.subject, start, null, 'ministry');
        prisonRecord(g, p.subject, start, end, 'bigdata');
      } else {
        prisonRecord(g, p.subject, start, end, anyPrisonVia(g));
      }
      p.prison.latestEndBeforeP = end;
      strongAuth(g, p.subject, g.dateBetween(maxOf(addDays(end, 1), g.daysAgo(60)), g.horizon));
    },
  },
  {
    kind: 'released-no-strong-alive-after', weight: 2, build: (g) => {
      const start = ago(g, 400, 900);
      const end = g.dateBetween(g.daysAgo(150), minDate(addDays(g.first, -1), g.daysAgo(10)));
      const p = suspended(g, 'released-no-strong-alive-after', 'IMPRISONED', addMonths(monthOf(start), 1));
      quiet(p);
      prisonRecord(g, p.subject, start, end, anyPrisonVia(g));
      p.prison.latestEndBeforeP = end;
      g.ministry.auth(p.subject, end, '01', '1');
      g.ministry.travel(p.subject, g.dateBetween(addDays(end, 1), g.horizon), 'G6343 揭阳-广州南');
    },
  },
  {
    kind: 'released-alive-between-sentences', weight: 1, build: (g) => {
      const s1 = ago(g, 1300, 1600);
      const e1 = g.daysAgo(330);
      const s2 = g.daysAgo(280);
      const e2 = g.dateBetween(g.daysAgo(150), minDate(addDays(g.first, -1), g.daysAgo(10)));
      const p = suspended(g, 'released-alive-between-sentences', 'IMPRISONED', addMonths(monthOf(s2), 1), {});
      quiet(p);
      prisonRecord(g, p.subject, s1, e1, 'ministry');
      g.ministry.auth(p.subject, g.dateBetween(addDays(e1, 1), addDays(s2, -1)), '04', '1');
      prisonRecord(g, p.subject, s2, e2, 'bigdata');
      p.prison.latestEndBeforeP = e2;
    },
  },
  {
    kind: 'suspended-imprisoned-without-records', weight: 1, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -36), addMonths(g.period, -2));
      const p = suspended(g, 'suspended-imprisoned-without-records', 'IMPRISONED', since);
      p.noise.strongUntil = addDays(firstOfMonth(since), -1);
    },
  },
  {
    kind: 'imprisonment-misnamed', weight: 1, build: (g) => {
      const p = g.person('imprisonment-misnamed');
      prisonRecord(g, p.subject, ago(g, 30, 500), null, anyPrisonVia(g), { misnamed: true });
      p.prison.current = true;
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'imprisonment-merged-one-misnamed', weight: 1, build: (g) => {
      const p = g.person('imprisonment-merged-one-misnamed');
      const start = ago(g, 30, 500);
      const end = g.dateBetween(addDays(g.last, 30), addDays(g.last, 900));
      prisonRecord(g, p.subject, start, null, 'ministry', { misnamed: true });
      prisonRecord(g, p.subject, start, end, 'bigdata');
      p.losses.push({ code: 'IMPRISONED', date: start, end });
      p.prison.current = true;
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'imprisonment-merged-misnamed-ended', weight: 1, build: (g) => {
      const p = g.person('imprisonment-merged-misnamed-ended');
      const start = ago(g, 400, 1200);
      prisonRecord(g, p.subject, start, null, 'ministry');
      prisonRecord(g, p.subject, start, g.dateBetween(addDays(start, 60), addDays(g.first, -1)), 'bigdata', { misnamed: true });
      p.conflicts.add('NAME_MISMATCH');
    },
  },
];

function maxOf(a: string, b: string): string {
  return a >= b ? a : b;
}
