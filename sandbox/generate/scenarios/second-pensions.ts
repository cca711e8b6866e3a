// Second pensions (§0, §3): a current benefit paid elsewhere, ending in or before the period,
// starting after it, started before our pension, misnamed, or beside a cancellation.
import { addDays, addMonths, monthOf } from '../calendar.ts';
import { ago, firstOfMonth, cancelVia, channelOf, secondPension, type Scenario } from './kit.ts';

export const SECOND_PENSIONS: readonly Scenario[] = [
  {
    kind: 'duplicate-current', weight: 3, build: (g) => {
      const p = g.person('duplicate-current');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 20, 900)));
      g.ministry.benefit(p.subject, type, province, start, null);
      p.losses.push({ code: 'DUPLICATE', date: start });
    },
  },
  {
    kind: 'duplicate-ends-in-period', weight: 1, build: (g) => {
      const p = g.person('duplicate-ends-in-period');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 60, 900)));
      const end = g.dateBetween(g.first, g.last);
      g.ministry.benefit(p.subject, type, province, start, end);
      p.losses.push({ code: 'DUPLICATE', date: start, end });
    },
  },
  {
    kind: 'duplicate-started-before-our-pension', weight: 1, build: (g) => {
      const p = g.person('duplicate-started-before-our-pension', { startedBy: addMonths(g.period, -6) });
      const [type, province] = secondPension(g);
      const start = firstOfMonth(addMonths(p.entry.startedMonth, -g.rng.int(6, 60)));
      g.ministry.benefit(p.subject, type, province, start, null);
      p.losses.push({ code: 'DUPLICATE', date: start });
    },
  },
  {
    kind: 'duplicate-ended-before-period', weight: 2, build: (g) => {
      const p = g.person('duplicate-ended-before-period');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 400, 1500)));
      const end = g.dateBetween(addDays(start, 60), addDays(g.first, -1));
      if (g.rng.chance(0.5)) g.ministry.benefit(p.subject, type, province, start, null);
      g.ministry.benefit(p.subject, type, province, start, end);
    },
  },
  {
    kind: 'duplicate-starts-after-period', weight: 1, build: (g) => {
      const p = g.person('duplicate-starts-after-period');
      const [type, province] = secondPension(g);
      g.ministry.benefit(p.subject, type, province, firstOfMonth(addMonths(g.period, g.rng.int(1, 2))), null);
    },
  },
  {
    kind: 'duplicate-misnamed', weight: 1, build: (g) => {
      const p = g.person('duplicate-misnamed');
      const [type, province] = secondPension(g);
      g.ministry.benefit(p.subject, type, province, firstOfMonth(monthOf(ago(g, 20, 600))), null, { misnamed: true });
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'duplicate-with-hukou-cancelled-other', weight: 1, build: (g) => {
      const p = g.person('duplicate-with-hukou-cancelled-other');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 20, 600)));
      g.ministry.benefit(p.subject, type, province, start, null);
      cancelVia(g, p.subject, 'OTHER', ago(g, 10, 200), channelOf(g));
      p.losses.push({ code: 'DUPLICATE', date: start });
      p.conflicts.add('HUKOU_CANCELLED_OTHER');
    },
  },
];
