// The scenario catalogue: each scenario makes one roster person, writes the source records a
// real situation leaves behind (decision-rules.md), and states the losses and conflicts it
// built. Death origins, validity and §4 ordering are then settled by Gen.finish / the oracle.
import type { RosterEntry } from '../../schemas/types.ts';
import type { DeathFact, DeathOrigin, Gen, Person, Subject, WriteOpts } from './builder.ts';
import { addDays, addMonths, lastDayOfMonth, minDate, monthOf, yearsBefore } from './calendar.ts';
import { COUNTRIES, OTHER_PROVINCES, PRISONS } from './geography.ts';
import { RARE_NAMES, SPECIAL_NAMES, otherDot, sendName, toFullWidthLatin, unreadableName } from './names.ts';
import { impossibleDate, timeOfDay } from './forms.ts';
import { rejected } from './ledger.ts';

export interface Scenario {
  kind: string;
  /** relative share when the roster is filled beyond one person per scenario */
  weight: number;
  build: (g: Gen) => void;
}

// -------------------------------------------------------------------------------------------
// small helpers

/** A day between `from` and `to` days before the horizon. */
function ago(g: Gen, nearest: number, farthest: number): string {
  return g.dateBetween(g.daysAgo(farthest), g.daysAgo(nearest));
}

function quiet(p: Person): void {
  p.noise.alive = false;
}

function strongAuth(g: Gen, s: Subject, date: string, o: WriteOpts = {}): void {
  g.auth(s, date, g.rng.pick(['01', '02', '03', '04', '05', '06']), '1', o);
}

function firstOfMonth(month: string): string {
  return `${month}-01`;
}

const DEATH_VIAS = {
  ministry: ['ministry'],
  health: ['health', 'health-relay'],
  civil: ['civil', 'civil-relay'],
  police: ['police-city', 'police-relay', 'police-bigdata'],
} as const;

type DeathVia = 'ministry' | 'health' | 'health-relay' | 'civil' | 'civil-relay' | 'police-city' | 'police-relay' | 'police-bigdata';

/**
 * Write one death record through a channel. `kind` `death` gives the death date itself where the
 * channel carries one (police city records never do: their date is the cancellation, a proxy).
 */
function writeDeath(g: Gen, s: Subject, via: DeathVia, d: string, kind: 'death' | 'proxy', o: WriteOpts = {}): DeathFact | null {
  const after = (lo: number, hi: number) => minDate(addDays(d, g.rng.int(lo, hi)), g.daysAgo(1));
  switch (via) {
    case 'ministry': return g.ministryDeath(s, d, o);
    case 'health': return g.healthDeath(s, d, o);
    case 'health-relay': return g.bigdataDeath(s, d, 'health', o);
    case 'police-bigdata': return g.bigdataDeath(s, d, 'police', o);
    case 'civil':
      return kind === 'death'
        ? g.civilDeath(s, { death: d, cremation: g.rng.chance(0.85) ? after(1, 3) : null }, o)
        : g.civilDeath(s, { death: null, cremation: d }, o);
    case 'civil-relay':
      return kind === 'death' ? g.bigdataCremation(s, d, after(1, 3), o) : g.bigdataCremation(s, null, d, o);
    case 'police-city':
      return g.policeHukou(s, g.rng.pick(['死亡', '死亡', '宣告死亡']), kind === 'death' ? after(1, 10) : d, o);
    case 'police-relay':
      return kind === 'death'
        ? g.bigdataHukou(s, { code: '01', date: after(1, 10), deathDate: d }, o)
        : g.bigdataHukou(s, { code: g.rng.pick(['01', '02'] as const), date: d }, o);
  }
}

/** A channel of an origin that carries a real death date (not only a proxy). */
function datedVia(g: Gen, origin: DeathOrigin): DeathVia {
  if (origin === 'police') return g.rng.pick(['police-relay', 'police-bigdata'] as const);
  return g.rng.pick(DEATH_VIAS[origin]);
}

function anyVia(g: Gen, origin: DeathOrigin): DeathVia {
  return g.rng.pick(DEATH_VIAS[origin]);
}

function origins(g: Gen, n: number): DeathOrigin[] {
  return g.rng.shuffle<DeathOrigin>(['ministry', 'health', 'civil', 'police']).slice(0, n);
}

function must<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`generator bug: ${what} did not count`);
  return value;
}

/** A person suspended since `since` (their pension started before it). */
function suspended(g: Gen, kind: string, reason: NonNullable<RosterEntry['suspendReason']>, since: string, opts: { ageMax?: number } = {}): Person {
  const p = g.person(kind, { startedBy: addMonths(since, -1), ...opts });
  g.suspend(p, reason, since);
  return p;
}

function emigrate(g: Gen, s: Subject, date: string, o: WriteOpts = {}): 'bigdata' | 'police' {
  if (g.rng.chance(0.5)) {
    // some feeds carry a stray, even impossible, death date on a cancellation for another reason: never checked
    const raw = g.rng.chance(0.3) ? { SWRQ: impossibleDate('compact', g.rng, date.slice(0, 4)) } : undefined;
    g.bigdataHukou(s, { code: '03', date }, { ...o, raw: { ...raw, ...o.raw } });
    return 'bigdata';
  }
  g.policeHukou(s, '出国定居', date, o);
  return 'police';
}

function normalOn(g: Gen, s: Subject, channel: 'bigdata' | 'police', day: string, time?: string): void {
  const updated = `${day} ${time ?? timeOfDay(g.rng)}`;
  if (channel === 'bigdata') g.bigdataHukou(s, { code: 'normal', date: day }, { updated });
  else g.policeHukou(s, null, null, { updated });
}

function cancelVia(g: Gen, s: Subject, reason: 'NATIONALITY_LOST' | 'MISSING' | 'OTHER' | 'MOVED_OUT' | 'MILITARY', date: string, channel: 'bigdata' | 'police', o: WriteOpts = {}): void {
  const codes = { NATIONALITY_LOST: ['07', '丧失国籍'], MISSING: ['04', '宣告失踪'], OTHER: ['99', '其他'], MOVED_OUT: ['05', '迁出'], MILITARY: ['06', '服兵役'] } as const;
  const [code, text] = codes[reason];
  if (channel === 'bigdata') g.bigdataHukou(s, { code, date }, o);
  else g.policeHukou(s, text, date, o);
}

function channelOf(g: Gen): 'bigdata' | 'police' {
  return g.rng.chance(0.5) ? 'bigdata' : 'police';
}

function prisonRecord(g: Gen, s: Subject, start: string, end: string | null, via: 'ministry' | 'bigdata', o: WriteOpts = {}): void {
  const key = `${s.personId}/${start}`;
  // every record of one sentence names the same prison
  const prison = g.notes.get(key) ?? (s.sex === '2' ? '广东省女子监狱' : g.rng.pick(PRISONS.filter((x) => x !== '广东省女子监狱')));
  g.notes.set(key, prison);
  if (via === 'ministry') g.prisonMinistry(s, start, end, prison, o);
  else g.bigdataPrison(s, start, end, prison, o);
}

function anyPrisonVia(g: Gen): 'ministry' | 'bigdata' {
  return g.rng.chance(0.5) ? 'ministry' : 'bigdata';
}

function secondPension(g: Gen): [string, string] {
  const type = g.rng.weighted<string>([['110', 5], ['120', 2], ['170', 2]]);
  const province = type === '170' ? g.rng.pick(OTHER_PROVINCES) : g.rng.chance(0.4) ? '440000' : g.rng.pick(OTHER_PROVINCES);
  return [type, province];
}

// -------------------------------------------------------------------------------------------
// the catalogue

const plain = (kind: string, weight: number, setup: (g: Gen, p: Person) => void = () => {}): Scenario => ({
  kind, weight, build: (g) => {
    const p = g.person(kind);
    p.noise.hukouNormal = true;
    setup(g, p);
  },
});

export const SCENARIOS: readonly Scenario[] = [
  // ---- ordinary recipients: validity by §5 --------------------------------------------------
  plain('plain', 640),
  plain('plain-overseas', 6, (g, p) => {
    p.noise.overseas = true;
    g.overseas(p.subject, ago(g, 5, 200), '1', g.rng.pick(COUNTRIES));
  }),
  plain('own-pension-skipped', 20, (g, p) => {
    g.benefit(p.subject, '170', g.rng.pick(['440000', p.entry.areaCode]), firstOfMonth(p.entry.startedMonth), null);
  }),
  plain('own-pension-future-start', 2, (g, p) => {
    g.benefit(p.subject, '170', '440000', firstOfMonth(addMonths(g.period, 1)), null);
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
      g.vaccination(p.subject, g.dateBetween(firstOfMonth(m), lastDayOfMonth(m)), '流感疫苗');
    },
  },
  {
    kind: 'cert-expired', weight: 15, build: (g) => {
      const p = g.person('cert-expired', { startedBy: addMonths(g.period, -17), ageMax: 79 });
      quiet(p);
      p.entry.lastCertifiedMonth = g.monthBetween(addMonths(g.period, -16), addMonths(g.period, -13));
      if (g.rng.chance(0.5)) {
        const m = addMonths(g.period, -7);
        g.checkup(p.subject, g.dateBetween(firstOfMonth(m), lastDayOfMonth(m)), '社区卫生服务中心');
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
      g.overseas(p.subject, ago(g, 0, 60), '1', g.rng.pick(COUNTRIES));
    },
  },
  ...(['dot', 'latin'] as const).map((form): Scenario => ({
    kind: `special-name-${form}`, weight: 2, build: (g) => {
      const special = g.rng.pick(SPECIAL_NAMES.filter((n) => (form === 'dot' ? n.name.includes('·') : /[A-Z]/.test(n.name))));
      const p = g.person(`special-name-${form}`, { name: special.name, sex: special.sex });
      // their records spell the name every way a source does; none of them is another name
      const spelled = (): WriteOpts => ({ nameText: sendName(g.rng, special.name, 1, false) });
      g.travel(p.subject, ago(g, 1, 200), 'G1001 广州南-长沙南', {
        nameText: form === 'dot' ? otherDot(g.rng, special.name, false) : toFullWidthLatin(special.name),
      });
      g.checkup(p.subject, ago(g, 1, 200), '社区卫生服务中心', spelled());
      g.bigdataHukou(p.subject, { code: 'normal', date: ago(g, 1, 300) }, spelled());
    },
  })),

  // ---- suspended recipients (§4.4) -----------------------------------------------------------
  {
    kind: 'recertified', weight: 6, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -20), addMonths(g.period, -1));
      const p = suspended(g, 'recertified', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since);
      const lo = firstOfMonth(since) > g.daysAgo(75) ? firstOfMonth(since) : g.daysAgo(75);
      strongAuth(g, p.subject, g.dateBetween(lo, g.horizon));
      if (g.rng.chance(0.4)) g.medical(p.subject, g.dateBetween(lo, g.horizon), '门诊结算');
    },
  },
  {
    kind: 'recertified-in-suspension-month', weight: 3, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -8), addMonths(g.period, -1));
      const p = suspended(g, 'recertified-in-suspension-month', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since);
      quiet(p);
      g.auth(p.subject, g.dateBetween(firstOfMonth(since), minDate(lastDayOfMonth(since), g.horizon)), '06', '1');
      g.medical(p.subject, ago(g, 0, 20), '住院结算');
    },
  },
  {
    kind: 'recertified-too-stale', weight: 3, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -20), addMonths(g.period, -12));
      const p = suspended(g, 'recertified-too-stale', g.rng.pick(['CERT_EXPIRED', 'DEATH_SUSPECTED'] as const), since, { ageMax: 79 });
      quiet(p);
      g.auth(p.subject, g.dateBetween(firstOfMonth(since), lastDayOfMonth(since)), '06', '1');
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

  // ---- deaths (§1–§3) --------------------------------------------------------------------------
  ...(['ministry', 'health', 'health-relay', 'civil', 'civil-relay', 'police-city', 'police-relay', 'police-bigdata'] as const).map(
    (via): Scenario => ({
      kind: `death-single-origin-${via}`, weight: 2, build: (g) => {
        const p = g.person(`death-single-origin-${via}`);
        must(writeDeath(g, p.subject, via, ago(g, 10, 120), g.rng.chance(0.7) ? 'death' : 'proxy'), 'single death');
      },
    }),
  ),
  {
    kind: 'death-one-origin-two-channels', weight: 4, build: (g) => {
      const p = g.person('death-one-origin-two-channels');
      const d = ago(g, 15, 150);
      const pick = g.rng.pick(['civil', 'health', 'police'] as const);
      if (pick === 'civil') {
        // the office sent the same row twice, and the big-data center relays it as well
        g.civilDeath(p.subject, { death: d, cremation: addDays(d, 2), twice: true });
        g.bigdataCremation(p.subject, d, addDays(d, 2));
      } else if (pick === 'health') {
        g.healthDeath(p.subject, d);
        g.bigdataDeath(p.subject, d, 'health');
      } else {
        g.policeHukou(p.subject, '死亡', addDays(d, 3));
        g.bigdataHukou(p.subject, { code: '01', date: addDays(d, 3), deathDate: d });
      }
    },
  },
  {
    kind: 'death-two-origins', weight: 14, build: (g) => {
      const p = g.person('death-two-origins');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) {
        const kind = g.rng.chance(0.8) ? 'death' : 'proxy';
        const date = kind === 'death' && g.rng.chance(0.4) ? minDate(addDays(d, g.rng.int(1, 5)), g.daysAgo(5)) : d;
        must(writeDeath(g, p.subject, anyVia(g, o), date, kind), 'death');
      }
    },
  },
  {
    kind: 'death-three-origins', weight: 4, build: (g) => {
      const p = g.person('death-three-origins');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 3)) must(writeDeath(g, p.subject, anyVia(g, o), d, 'death'), 'death');
    },
  },
  {
    kind: 'death-date-conflict', weight: 3, build: (g) => {
      const p = g.person('death-date-conflict');
      const d = ago(g, 70, 250);
      const [a, b] = origins(g, 2);
      must(writeDeath(g, p.subject, datedVia(g, a), d, 'death'), 'death');
      must(writeDeath(g, p.subject, datedVia(g, b), addDays(d, g.rng.int(32, 60)), 'death'), 'death');
    },
  },
  {
    kind: 'death-dates-31-days-apart', weight: 2, build: (g) => {
      const p = g.person('death-dates-31-days-apart');
      const d = ago(g, 40, 250);
      const [a, b] = origins(g, 2);
      must(writeDeath(g, p.subject, datedVia(g, a), d, 'death'), 'death');
      must(writeDeath(g, p.subject, datedVia(g, b), addDays(d, 31), 'death'), 'death');
    },
  },
  {
    kind: 'death-proxy-date-not-compared', weight: 2, build: (g) => {
      const p = g.person('death-proxy-date-not-compared');
      const d = ago(g, 110, 250);
      must(g.healthDeath(p.subject, d), 'death');
      must(g.policeHukou(p.subject, '死亡', addDays(d, g.rng.int(40, 100))), 'proxy');
    },
  },
  {
    kind: 'death-earliest-proxy', weight: 2, build: (g) => {
      const p = g.person('death-earliest-proxy');
      const c = ago(g, 10, 200);
      must(g.civilDeath(p.subject, { death: null, cremation: c }), 'cremation');
      must(g.policeHukou(p.subject, '死亡', addDays(c, g.rng.int(1, 5))), 'cancellation');
    },
  },
  {
    kind: 'death-alive-strong-next-day', weight: 2, build: (g) => {
      const p = g.person('death-alive-strong-next-day');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      g.auth(p.subject, d, g.rng.pick(['01', '04', '05']), '1');
      g.auth(p.subject, addDays(d, 1), g.rng.pick(['01', '03', '05', '06']), '1');
    },
  },
  {
    kind: 'death-alive-weak-7-days-later', weight: 2, build: (g) => {
      const p = g.person('death-alive-weak-7-days-later');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      g.travel(p.subject, addDays(d, 7), 'G6011 广州南-深圳北');
    },
  },
  {
    kind: 'death-alive-weak-8-days-later', weight: 2, build: (g) => {
      const p = g.person('death-alive-weak-8-days-later');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      if (g.rng.chance(0.5)) g.medical(p.subject, addDays(d, 8), '住院结算');
      else g.vaccination(p.subject, addDays(d, 8), '流感疫苗');
    },
  },
  {
    kind: 'death-status-conflict', weight: 2, build: (g) => {
      const p = g.person('death-status-conflict');
      const d = ago(g, 60, 200);
      must(g.policeHukou(p.subject, '死亡', addDays(d, 2)), 'police death');
      must(g.civilDeath(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
      // the provincial copy still says normal, updated well after the city cancelled it
      normalOn(g, p.subject, 'bigdata', addDays(d, g.rng.int(10, 40)));
      p.conflicts.add('STATUS_CONFLICT');
    },
  },
  {
    kind: 'death-hukou-normal-same-day', weight: 2, build: (g) => {
      const p = g.person('death-hukou-normal-same-day');
      const d = ago(g, 10, 200);
      must(g.ministryDeath(p.subject, d), 'ministry death');
      must(g.civilDeath(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
      normalOn(g, p.subject, 'bigdata', d, `23:${String(g.rng.int(10, 59)).padStart(2, '0')}:00`);
    },
  },
  {
    kind: 'death-misnamed', weight: 2, build: (g) => {
      const p = g.person('death-misnamed');
      const d = ago(g, 10, 200);
      const [a, b] = origins(g, 2);
      must(writeDeath(g, p.subject, anyVia(g, a), d, 'death'), 'death');
      must(writeDeath(g, p.subject, anyVia(g, b), d, 'death', { misnamed: true }), 'death');
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'death-single-misnamed', weight: 1, build: (g) => {
      const p = g.person('death-single-misnamed');
      must(writeDeath(g, p.subject, anyVia(g, origins(g, 1)[0]), ago(g, 10, 200), 'death', { misnamed: true }), 'death');
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'death-unreadable-name', weight: 2, build: (g) => {
      const rare = g.rng.chance(0.5) ? g.rng.pick(RARE_NAMES) : null;
      const p = g.person('death-unreadable-name', rare ? { name: rare.name, sex: rare.sex } : {});
      const d = ago(g, 10, 200);
      must(g.civilDeath(p.subject, { death: d, cremation: addDays(d, 2) }, { nameText: rare ? undefined : unreadableName(g.rng, p.entry.name, true) }), 'civil death');
      must(g.healthDeath(p.subject, d, g.rng.chance(0.5) ? { nameText: unreadableName(g.rng, p.entry.name, false) } : {}), 'health death');
    },
  },
  {
    kind: 'death-other-fields-not-checked', weight: 1, build: (g) => {
      const p = g.person('death-other-fields-not-checked');
      const d = ago(g, 10, 200);
      must(g.civilDeath(p.subject, {
        death: d, cremation: null, cremationText: impossibleDate('iso', g.rng, d.slice(0, 4)),
        birthText: '不详', sexText: '未知',
      }), 'civil death');
      must(g.ministryDeath(p.subject, d), 'ministry death');
    },
  },
  {
    kind: 'death-while-suspended', weight: 2, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -4), addMonths(g.period, -1));
      const p = suspended(g, 'death-while-suspended', 'DEATH_SUSPECTED', since);
      const d = g.dateBetween(g.daysAgo(250), minDate(addDays(firstOfMonth(since), -1), g.daysAgo(10)));
      must(g.healthDeath(p.subject, d), 'health death');
      must(g.policeHukou(p.subject, '死亡', addDays(d, g.rng.int(5, 9))), 'police death');
    },
  },
  {
    kind: 'death-second-origin-rejected', weight: 2, build: (g) => {
      const p = g.person('death-second-origin-rejected');
      const d = ago(g, 10, 200);
      must(g.healthDeath(p.subject, d), 'health death');
      g.civilDeath(p.subject, { death: null, cremation: null, deathText: impossibleDate(g.rng.pick(['iso', 'chinese', 'slashes'] as const), g.rng, d.slice(0, 4)), cremationText: '', registered: minDate(addDays(d, 3), g.daysAgo(1)) },
        { outcome: rejected('DATE_INVALID', '死亡日期') });
    },
  },
  {
    kind: 'death-second-origin-after-as-of', weight: 2, build: (g) => {
      const p = g.person('death-second-origin-after-as-of');
      const d = ago(g, 3, 20);
      must(g.ministryDeath(p.subject, d), 'ministry death');
      const via = g.rng.pick(['bigdata', 'health', 'police'] as const);
      if (via === 'bigdata') g.bigdataDeath(p.subject, d, 'police', { after: true });
      else if (via === 'health') g.healthDeath(p.subject, d, { after: true });
      else g.policeHukou(p.subject, '死亡', addDays(d, 1), { after: true });
    },
  },
  {
    kind: 'death-second-origin-in-incomplete-file', weight: 1, build: (g) => {
      const p = g.person('death-second-origin-in-incomplete-file');
      const d = ago(g, 3, 30);
      must(g.policeHukou(p.subject, '死亡', addDays(d, 1)), 'police death');
      g.civilDeath(p.subject, { death: d, cremation: addDays(d, 1), incomplete: true });
    },
  },
  {
    kind: 'death-second-origin-passport', weight: 1, build: (g) => {
      const p = g.person('death-second-origin-passport');
      const d = ago(g, 10, 200);
      must(g.ministryDeath(p.subject, d), 'ministry death');
      // the certificate was issued on a passport: unmatched whatever the number says
      g.healthDeath(p.subject, d, { raw: { idType: g.rng.pick([' 02', '02', '03']) }, outcome: { kind: 'skipped', reasonCode: 'NOT_RESIDENT_ID' } });
    },
  },
  {
    kind: 'death-late-police-item', weight: 2, build: (g) => {
      const p = g.person('death-late-police-item');
      const d = ago(g, 10, 60);
      must(g.civilDeath(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
      must(g.policeHukou(p.subject, '死亡', addDays(d, 3), { late: true }), 'late police death');
    },
  },
  {
    kind: 'death-hukou-superseded', weight: 2, build: (g) => {
      const p = g.person('death-hukou-superseded');
      const d = ago(g, 60, 200);
      const t1 = `${addDays(d, 2)} 10:00:00`;
      const fact = g.bigdataHukou(p.subject, { code: '01', date: addDays(d, 2), deathDate: d }, { updated: t1 });
      // the police corrected the record: the newer normal statement of the same channel is what counts
      normalOn(g, p.subject, 'bigdata', addDays(d, g.rng.int(10, 50)));
      p.deaths = p.deaths.filter((f) => f !== fact);
    },
  },
  {
    kind: 'died-in-prison', weight: 1, build: (g) => {
      const p = g.person('died-in-prison');
      quiet(p);
      const start = ago(g, 250, 500);
      prisonRecord(g, p.subject, start, null, anyPrisonVia(g));
      p.losses.push({ code: 'IMPRISONED', date: start });
      p.prison.current = true;
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, anyVia(g, o), d, 'death'), 'death');
    },
  },
  {
    kind: 'imprisoned-with-single-source-death', weight: 1, build: (g) => {
      const p = g.person('imprisoned-with-single-source-death');
      quiet(p);
      const start = ago(g, 250, 500);
      prisonRecord(g, p.subject, start, null, anyPrisonVia(g));
      p.losses.push({ code: 'IMPRISONED', date: start });
      p.prison.current = true;
      must(writeDeath(g, p.subject, anyVia(g, origins(g, 1)[0]), ago(g, 10, 200), 'death'), 'death');
    },
  },

  // ---- household status (§2/§3) ----------------------------------------------------------------
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
      g.overseas(p.subject, c, '1', g.rng.pick(COUNTRIES));
      p.conflicts.add('SETTLED_ABROAD');
    },
  },
  {
    kind: 'settled-abroad-certified-later', weight: 2, build: (g) => {
      const p = g.person('settled-abroad-certified-later');
      const c = ago(g, 40, 300);
      emigrate(g, p.subject, c);
      g.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
    },
  },
  {
    kind: 'settled-abroad-certified-then-normal', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-certified-then-normal');
      const c = ago(g, 60, 300);
      const channel = emigrate(g, p.subject, c);
      g.overseas(p.subject, g.dateBetween(addDays(c, 1), g.daysAgo(30)), '1', g.rng.pick(COUNTRIES));
      normalOn(g, p.subject, channel === 'bigdata' ? 'police' : 'bigdata', ago(g, 1, 25));
    },
  },
  {
    kind: 'settled-abroad-certified-misnamed', weight: 1, build: (g) => {
      const p = g.person('settled-abroad-certified-misnamed');
      const c = ago(g, 40, 300);
      emigrate(g, p.subject, c, { misnamed: true });
      g.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
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
      if (g.rng.chance(0.4)) g.overseas(p.subject, g.dateBetween(addDays(c, 1), g.horizon), '1', g.rng.pick(COUNTRIES));
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
        g.bigdataHukou(p.subject, { code: g.rng.pick(['03', '99', '04'] as const), date: c }, { updated: first });
      } else {
        g.policeHukou(p.subject, g.rng.pick(['出国定居', '其他', '宣告失踪']), c, { updated: first });
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
        what === 'normal' ? g.bigdataHukou(p.subject, { code: 'normal' }, { updated }) : g.bigdataHukou(p.subject, { code: '99', date: c }, { updated });
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

  // ---- imprisonment (§0, §3, §4.4) -----------------------------------------------------------
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
      g.auth(p.subject, end, '01', '1');
      g.travel(p.subject, g.dateBetween(addDays(end, 1), g.horizon), 'G6343 揭阳-广州南');
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
      g.auth(p.subject, g.dateBetween(addDays(e1, 1), addDays(s2, -1)), '04', '1');
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

  // ---- second pensions (§0, §3) ----------------------------------------------------------------
  {
    kind: 'duplicate-current', weight: 3, build: (g) => {
      const p = g.person('duplicate-current');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 20, 900)));
      g.benefit(p.subject, type, province, start, null);
      p.losses.push({ code: 'DUPLICATE', date: start });
    },
  },
  {
    kind: 'duplicate-ends-in-period', weight: 1, build: (g) => {
      const p = g.person('duplicate-ends-in-period');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 60, 900)));
      const end = g.dateBetween(g.first, g.last);
      g.benefit(p.subject, type, province, start, end);
      p.losses.push({ code: 'DUPLICATE', date: start, end });
    },
  },
  {
    kind: 'duplicate-started-before-our-pension', weight: 1, build: (g) => {
      const p = g.person('duplicate-started-before-our-pension', { startedBy: addMonths(g.period, -6) });
      const [type, province] = secondPension(g);
      const start = firstOfMonth(addMonths(p.entry.startedMonth, -g.rng.int(6, 60)));
      g.benefit(p.subject, type, province, start, null);
      p.losses.push({ code: 'DUPLICATE', date: start });
    },
  },
  {
    kind: 'duplicate-ended-before-period', weight: 2, build: (g) => {
      const p = g.person('duplicate-ended-before-period');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 400, 1500)));
      const end = g.dateBetween(addDays(start, 60), addDays(g.first, -1));
      if (g.rng.chance(0.5)) g.benefit(p.subject, type, province, start, null);
      g.benefit(p.subject, type, province, start, end);
    },
  },
  {
    kind: 'duplicate-starts-after-period', weight: 1, build: (g) => {
      const p = g.person('duplicate-starts-after-period');
      const [type, province] = secondPension(g);
      g.benefit(p.subject, type, province, firstOfMonth(addMonths(g.period, g.rng.int(1, 2))), null);
    },
  },
  {
    kind: 'duplicate-misnamed', weight: 1, build: (g) => {
      const p = g.person('duplicate-misnamed');
      const [type, province] = secondPension(g);
      g.benefit(p.subject, type, province, firstOfMonth(monthOf(ago(g, 20, 600))), null, { misnamed: true });
      p.conflicts.add('NAME_MISMATCH');
    },
  },
  {
    kind: 'duplicate-with-hukou-cancelled-other', weight: 1, build: (g) => {
      const p = g.person('duplicate-with-hukou-cancelled-other');
      const [type, province] = secondPension(g);
      const start = firstOfMonth(monthOf(ago(g, 20, 600)));
      g.benefit(p.subject, type, province, start, null);
      cancelVia(g, p.subject, 'OTHER', ago(g, 10, 200), channelOf(g));
      p.losses.push({ code: 'DUPLICATE', date: start });
      p.conflicts.add('HUKOU_CANCELLED_OTHER');
    },
  },
];

function maxOf(a: string, b: string): string {
  return a >= b ? a : b;
}

export const SCENARIO_KINDS: readonly string[] = SCENARIOS.map((s) => s.kind);
