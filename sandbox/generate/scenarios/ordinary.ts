// Ordinary recipients (§5): certification validity and deferred certification, risk by age,
// staleness and life abroad, and names spelled every way a source spells them.
import type { Person, WriteOpts } from '../world-draft.ts';
import type { Gen } from '../builder.ts';
import { addDays, addMonths, lastDayOfMonth, minDate, yearsBefore } from '../calendar.ts';
import { COUNTRIES } from '../geography.ts';
import { SPECIAL_NAMES, otherDot, sendName, toFullWidthLatin } from '../names.ts';
import { ago, quiet, strongAuth, firstOfMonth, type Scenario } from './kit.ts';

const plain = (kind: string, weight: number, setup: (g: Gen, p: Person) => void = () => {}): Scenario => ({
  kind, weight, build: (g) => {
    const p = g.person(kind);
    p.noise.hukouNormal = true;
    setup(g, p);
  },
});

export const ORDINARY: readonly Scenario[] = [
  plain('plain', 640),
  plain('plain-overseas', 6, (g, p) => {
    p.noise.overseas = true;
    g.ministry.overseas(p.subject, ago(g, 5, 200), '1', g.rng.pick(COUNTRIES));
  }),
  plain('own-pension-skipped', 20, (g, p) => {
    g.ministry.benefit(p.subject, '170', g.rng.pick(['440000', p.entry.areaCode]), firstOfMonth(p.entry.startedMonth), null);
  }),
  plain('own-pension-future-start', 2, (g, p) => {
    g.ministry.benefit(p.subject, '170', '440000', firstOfMonth(addMonths(g.period, 1)), null);
  }),
  {
    kind: 'cert-valid', weight: 20, build: (g) => {
      const p = g.person('cert-valid', { startedBy: addMonths(g.period, -3) });
      p.entry.lastCertifiedMonth = g.monthBetween(addMonths(g.period, -2), g.period);
      p.noise.aliveUntil = lastDayOfMonth(p.entry.lastCertifiedMonth);
    },
  },
  {
    kind: 'deferred', weight: 20, build: (g) => {
      const p = g.person('deferred', { startedBy: addMonths(g.period, -15) });
      p.entry.lastCertifiedMonth = g.monthBetween(addMonths(g.period, -14), addMonths(g.period, -8));
      strongAuth(g, p.subject, ago(g, 0, 80));
    },
  },
  {
    kind: 'deferred-weak-only-edge', weight: 3, build: (g) => {
      const p = g.person('deferred-weak-only-edge', { startedBy: addMonths(g.period, -18), ageMax: 79 });
      quiet(p);
      p.entry.lastCertifiedMonth = addMonths(g.period, -17);
      const m = addMonths(g.period, -6);
      g.health.vaccination(p.subject, g.dateBetween(firstOfMonth(m), lastDayOfMonth(m)), '流感疫苗');
    },
  },
  {
    kind: 'cert-expired', weight: 15, build: (g) => {
      const p = g.person('cert-expired', { startedBy: addMonths(g.period, -17), ageMax: 79 });
      quiet(p);
      p.entry.lastCertifiedMonth = g.monthBetween(addMonths(g.period, -16), addMonths(g.period, -13));
      if (g.rng.chance(0.5)) {
        const m = addMonths(g.period, -7);
        g.health.checkup(p.subject, g.dateBetween(firstOfMonth(m), lastDayOfMonth(m)), '社区卫生服务中心');
      }
    },
  },
  {
    kind: 'certified-at-p-minus-11', weight: 3, build: (g) => {
      const p = g.person('certified-at-p-minus-11', { startedBy: addMonths(g.period, -12), ageMax: 79 });
      quiet(p);
      p.entry.lastCertifiedMonth = addMonths(g.period, -11);
    },
  },
  {
    kind: 'certified-at-p-minus-12', weight: 3, build: (g) => {
      const p = g.person('certified-at-p-minus-12', { startedBy: addMonths(g.period, -13), ageMax: 79 });
      quiet(p);
      p.entry.lastCertifiedMonth = addMonths(g.period, -12);
    },
  },
  ...([['age-80-on-last-day', 80, 0], ['age-79-day-before-80', 80, 1], ['age-90-on-last-day', 90, 0], ['age-89-day-before-90', 90, 1]] as const).map(
    ([kind, age, shift]): Scenario => ({
      kind, weight: 2, build: (g) => {
        const p = g.person(kind, { birthDate: addDays(yearsBefore(g.last, age), shift) });
        quiet(p);
        p.entry.lastCertifiedMonth = addMonths(g.period, -5);
      },
    }),
  ),
  {
    kind: 'born-29-february', weight: 2, build: (g) => {
      const lastYear = Number(g.last.slice(0, 4));
      const leapYears: number[] = [];
      for (let y = lastYear - 99; y <= lastYear - 62; y++) if ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) leapYears.push(y);
      const p = g.person('born-29-february', { birthDate: `${g.rng.pick(leapYears)}-02-29` });
      p.noise.hukouNormal = true;
    },
  },
  {
    kind: 'age-90-overseas-high', weight: 2, build: (g) => {
      const p = g.person('age-90-overseas-high', { ageMin: 90, ageMax: 95 });
      quiet(p);
      p.entry.lastCertifiedMonth = minDate(p.entry.lastCertifiedMonth, addMonths(g.period, -6));
      if (p.entry.lastCertifiedMonth < p.entry.startedMonth) p.entry.lastCertifiedMonth = p.entry.startedMonth;
      g.ministry.overseas(p.subject, ago(g, 0, 60), '1', g.rng.pick(COUNTRIES));
    },
  },
  ...(['dot', 'latin'] as const).map((form): Scenario => ({
    kind: `special-name-${form}`, weight: 2, build: (g) => {
      const special = g.rng.pick(SPECIAL_NAMES.filter((n) => (form === 'dot' ? n.name.includes('·') : /[A-Z]/.test(n.name))));
      const p = g.person(`special-name-${form}`, { name: special.name, sex: special.sex });
      // their records spell the name every way a source does; none of them is another name
      const spelled = (): WriteOpts => ({ nameText: sendName(g.rng, special.name, 1, false) });
      g.ministry.travel(p.subject, ago(g, 1, 200), 'G1001 广州南-长沙南', {
        nameText: form === 'dot' ? otherDot(g.rng, special.name, false) : toFullWidthLatin(special.name),
      });
      g.health.checkup(p.subject, ago(g, 1, 200), '社区卫生服务中心', spelled());
      g.bigdata.hukou(p.subject, { code: 'normal', date: ago(g, 1, 300) }, spelled());
    },
  })),
];
