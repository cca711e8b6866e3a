// Household status (§2/§3): settling abroad and certifying from there, nationality lost,
// declared missing, other cancellations, the newest record per channel and its tie-break.
import { addDays } from '../calendar.ts';
import { COUNTRIES } from '../geography.ts';
import { ago, emigrate, normalOn, cancelVia, channelOf, type Scenario } from './kit.ts';

export const HOUSEHOLD: readonly Scenario[] = [
  {
    kind: 'settled-abroad', weight: 3, build: (g) => {
      const p = g.person('settled-abroad');
      emigrate(g, p.subject, ago(g, 10, 300));
      p.conflicts.add('SETTLED_ABROAD');
    },
  },
  {
    kind: 'settled-abroad-auth-same-day', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-auth-same-day');
      const c = ago(g, 10, 300);
      emigrate(g, p.subject, c);
      g.ministry.overseas(p.subject, c, '1', g.rng.pick(COUNTRIES));
      p.conflicts.add('SETTLED_ABROAD');
    },
  },
  {
    kind: 'settled-abroad-certified-later', weight: 2, build: (g) => {
      const p = g.person('settled-abroad-certified-later');
      const c = ago(g, 40, 300);
      emigrate(g, p.subject, c);
      g.ministry.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
    },
  },
  {
    kind: 'settled-abroad-certified-then-normal', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-certified-then-normal');
      const c = ago(g, 60, 300);
      const channel = emigrate(g, p.subject, c);
      g.ministry.overseas(p.subject, g.dateBetween(addDays(c, 1), g.daysAgo(30)), '1', g.rng.pick(COUNTRIES));
      normalOn(g, p.subject, channel === 'bigdata' ? 'police' : 'bigdata', ago(g, 1, 25));
    },
  },
  {
    kind: 'settled-abroad-certified-misnamed', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-certified-misnamed');
      const c = ago(g, 40, 300);
      emigrate(g, p.subject, c, { misnamed: true });
      g.ministry.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
    },
  },
  {
    kind: 'settled-abroad-misnamed', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-misnamed');
      emigrate(g, p.subject, ago(g, 10, 300), { misnamed: true });
      p.conflicts.add('SETTLED_ABROAD');
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'nationality-lost', weight: 2, build: (g) => {
      const p = g.person('nationality-lost');
      const c = ago(g, 20, 300);
      cancelVia(g, p.subject, 'NATIONALITY_LOST', c, channelOf(g));
      if (g.rng.chance(0.4)) g.ministry.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
      p.statusLosses.push({ code: 'NATIONALITY_LOST', date: c });
    },
  },
  {
    kind: 'nationality-lost-normal-other-channel', weight: 1, build: (g) => {
      const p = g.person('nationality-lost-normal-other-channel');
      const c = ago(g, 60, 300);
      const channel = channelOf(g);
      cancelVia(g, p.subject, 'NATIONALITY_LOST', c, channel);
      normalOn(g, p.subject, channel === 'bigdata' ? 'police' : 'bigdata', g.dateBetween(addDays(c, 1), g.daysAgo(1)));
      p.statusLosses.push({ code: 'NATIONALITY_LOST', date: c });
      p.conflicts.add('STATUS_CONFLICT');
    },
  },
  {
    kind: 'missing-declared', weight: 2, build: (g) => {
      const p = g.person('missing-declared');
      const c = ago(g, 20, 300);
      cancelVia(g, p.subject, 'MISSING', c, channelOf(g));
      p.statusLosses.push({ code: 'MISSING', date: c });
    },
  },
  {
    kind: 'missing-normal-before', weight: 1, build: (g) => {
      const p = g.person('missing-normal-before');
      const c = ago(g, 60, 300);
      const channel = channelOf(g);
      cancelVia(g, p.subject, 'MISSING', c, channel);
      normalOn(g, p.subject, channel === 'bigdata' ? 'police' : 'bigdata', g.dateBetween(addDays(c, -200), addDays(c, -1)));
      p.statusLosses.push({ code: 'MISSING', date: c });
    },
  },
  {
    kind: 'hukou-cancelled-other', weight: 2, build: (g) => {
      const p = g.person('hukou-cancelled-other');
      cancelVia(g, p.subject, 'OTHER', ago(g, 10, 300), channelOf(g));
      p.conflicts.add('HUKOU_CANCELLED_OTHER');
    },
  },
  ...(['MOVED_OUT', 'MILITARY'] as const).map((reason): Scenario => ({
    kind: `hukou-${reason === 'MOVED_OUT' ? 'moved-out' : 'military'}-no-effect`, weight: 2, build: (g) => {
      const p = g.person(`hukou-${reason === 'MOVED_OUT' ? 'moved-out' : 'military'}-no-effect`);
      cancelVia(g, p.subject, reason, ago(g, 10, 300), channelOf(g), { misnamed: g.rng.chance(0.3) });
    },
  })),
  {
    kind: 'hukou-newest-record-per-channel', weight: 2, build: (g) => {
      const p = g.person('hukou-newest-record-per-channel');
      const c = ago(g, 60, 300);
      const channel = channelOf(g);
      const first = `${addDays(c, 1)} 09:00:00`;
      if (channel === 'bigdata') {
        g.bigdata.hukou(p.subject, { code: g.rng.pick(['03', '99', '04'] as const), date: c }, { updated: first });
      } else {
        g.police.hukou(p.subject, g.rng.pick(['出国定居', '其他', '宣告失踪']), c, { updated: first });
      }
      normalOn(g, p.subject, channel, g.dateBetween(addDays(c, 2), g.daysAgo(1)));
    },
  },
  ...(['cancellation', 'normal'] as const).map((winner): Scenario => ({
    kind: `hukou-same-update-time-${winner}-has-greater-id`, weight: 1, build: (g) => {
      const p = g.person(`hukou-same-update-time-${winner}-has-greater-id`);
      const c = ago(g, 20, 200);
      const updated = `${addDays(c, 2)} 10:00:00`;
      const rows = g.world.sources.bigdata!.hukou!;
      const write = (what: 'cancellation' | 'normal') =>
        what === 'normal' ? g.bigdata.hukou(p.subject, { code: 'normal' }, { updated }) : g.bigdata.hukou(p.subject, { code: '99', date: c }, { updated });
      write(winner === 'cancellation' ? 'normal' : 'cancellation');
      write(winner);
      const [a, b] = [rows[rows.length - 2], rows[rows.length - 1]];
      if (!(b.JLID > a.JLID)) throw new Error('generator bug: hukou tie ids out of order');
      // the winner comes first in the source's list: arrival order must not matter
      rows[rows.length - 2] = b;
      rows[rows.length - 1] = a;
      if (winner === 'cancellation') p.conflicts.add('HUKOU_CANCELLED_OTHER');
    },
  })),
];
