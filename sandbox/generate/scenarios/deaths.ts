// Deaths (§1–§3): one origin or several, through every channel, dates that conflict or not,
// signs of life after a death, misnamed and unreadable records, and second records the run must
// not count (rejected, after the cut-off, in a file still being transferred, superseded).
import { addDays, addMonths, minDate } from '../calendar.ts';
import { RARE_NAMES, unreadableName } from '../names.ts';
import { impossibleDate } from '../forms.ts';
import { rejected } from '../ledger.ts';
import { ago, quiet, firstOfMonth, writeDeath, datedVia, anyVia, origins, must, suspended, normalOn, prisonRecord, anyPrisonVia, type Scenario } from './kit.ts';

export const DEATHS: readonly Scenario[] = [
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
        g.civil.death(p.subject, { death: d, cremation: addDays(d, 2), twice: true });
        g.bigdata.cremation(p.subject, d, addDays(d, 2));
      } else if (pick === 'health') {
        g.health.death(p.subject, d);
        g.bigdata.death(p.subject, d, 'health');
      } else {
        g.police.hukou(p.subject, '死亡', addDays(d, 3));
        g.bigdata.hukou(p.subject, { code: '01', date: addDays(d, 3), deathDate: d });
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
      must(g.health.death(p.subject, d), 'death');
      must(g.police.hukou(p.subject, '死亡', addDays(d, g.rng.int(40, 100))), 'proxy');
    },
  },
  {
    kind: 'death-earliest-proxy', weight: 2, build: (g) => {
      const p = g.person('death-earliest-proxy');
      const c = ago(g, 10, 200);
      must(g.civil.death(p.subject, { death: null, cremation: c }), 'cremation');
      must(g.police.hukou(p.subject, '死亡', addDays(c, g.rng.int(1, 5))), 'cancellation');
    },
  },
  {
    kind: 'death-alive-strong-next-day', weight: 2, build: (g) => {
      const p = g.person('death-alive-strong-next-day');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      g.ministry.auth(p.subject, d, g.rng.pick(['01', '04', '05']), '1');
      g.ministry.auth(p.subject, addDays(d, 1), g.rng.pick(['01', '03', '05', '06']), '1');
    },
  },
  {
    kind: 'death-alive-weak-7-days-later', weight: 2, build: (g) => {
      const p = g.person('death-alive-weak-7-days-later');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      g.ministry.travel(p.subject, addDays(d, 7), 'G6011 广州南-深圳北');
    },
  },
  {
    kind: 'death-alive-weak-8-days-later', weight: 2, build: (g) => {
      const p = g.person('death-alive-weak-8-days-later');
      const d = ago(g, 10, 200);
      for (const o of origins(g, 2)) must(writeDeath(g, p.subject, datedVia(g, o), d, 'death'), 'death');
      if (g.rng.chance(0.5)) g.ministry.medical(p.subject, addDays(d, 8), '住院结算');
      else g.health.vaccination(p.subject, addDays(d, 8), '流感疫苗');
    },
  },
  {
    kind: 'death-status-conflict', weight: 2, build: (g) => {
      const p = g.person('death-status-conflict');
      const d = ago(g, 60, 200);
      must(g.police.hukou(p.subject, '死亡', addDays(d, 2)), 'police death');
      must(g.civil.death(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
      // the provincial copy still says normal, updated well after the city cancelled it
      normalOn(g, p.subject, 'bigdata', addDays(d, g.rng.int(10, 40)));
      p.conflicts.add('STATUS_CONFLICT');
    },
  },
  {
    kind: 'death-hukou-normal-same-day', weight: 2, build: (g) => {
      const p = g.person('death-hukou-normal-same-day');
      const d = ago(g, 10, 200);
      must(g.ministry.death(p.subject, d), 'ministry death');
      must(g.civil.death(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
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
      must(g.civil.death(p.subject, { death: d, cremation: addDays(d, 2) }, { nameText: rare ? undefined : unreadableName(g.rng, p.entry.name, true) }), 'civil death');
      must(g.health.death(p.subject, d, g.rng.chance(0.5) ? { nameText: unreadableName(g.rng, p.entry.name, false) } : {}), 'health death');
    },
  },
  {
    kind: 'death-other-fields-not-checked', weight: 1, build: (g) => {
      const p = g.person('death-other-fields-not-checked');
      const d = ago(g, 10, 200);
      must(g.civil.death(p.subject, {
        death: d, cremation: null, cremationText: impossibleDate('iso', g.rng, d.slice(0, 4)),
        birthText: '不详', sexText: '未知',
      }), 'civil death');
      must(g.ministry.death(p.subject, d), 'ministry death');
    },
  },
  {
    kind: 'death-while-suspended', weight: 2, build: (g) => {
      const since = g.monthBetween(addMonths(g.period, -4), addMonths(g.period, -1));
      const p = suspended(g, 'death-while-suspended', 'DEATH_SUSPECTED', since);
      const d = g.dateBetween(g.daysAgo(250), minDate(addDays(firstOfMonth(since), -1), g.daysAgo(10)));
      must(g.health.death(p.subject, d), 'health death');
      must(g.police.hukou(p.subject, '死亡', addDays(d, g.rng.int(5, 9))), 'police death');
    },
  },
  {
    kind: 'death-second-origin-rejected', weight: 2, build: (g) => {
      const p = g.person('death-second-origin-rejected');
      const d = ago(g, 10, 200);
      must(g.health.death(p.subject, d), 'health death');
      g.civil.death(p.subject, { death: null, cremation: null, deathText: impossibleDate(g.rng.pick(['iso', 'chinese', 'slashes'] as const), g.rng, d.slice(0, 4)), cremationText: '', registered: minDate(addDays(d, 3), g.daysAgo(1)) },
        { outcome: rejected('DATE_INVALID', '死亡日期') });
    },
  },
  {
    kind: 'death-second-origin-after-as-of', weight: 2, build: (g) => {
      const p = g.person('death-second-origin-after-as-of');
      const d = ago(g, 3, 20);
      must(g.ministry.death(p.subject, d), 'ministry death');
      const via = g.rng.pick(['bigdata', 'health', 'police'] as const);
      if (via === 'bigdata') g.bigdata.death(p.subject, d, 'police', { after: true });
      else if (via === 'health') g.health.death(p.subject, d, { after: true });
      else g.police.hukou(p.subject, '死亡', addDays(d, 1), { after: true });
    },
  },
  {
    kind: 'death-second-origin-in-incomplete-file', weight: 1, build: (g) => {
      const p = g.person('death-second-origin-in-incomplete-file');
      const d = ago(g, 3, 30);
      must(g.police.hukou(p.subject, '死亡', addDays(d, 1)), 'police death');
      g.civil.death(p.subject, { death: d, cremation: addDays(d, 1), incomplete: true });
    },
  },
  {
    kind: 'death-second-origin-passport', weight: 1, build: (g) => {
      const p = g.person('death-second-origin-passport');
      const d = ago(g, 10, 200);
      must(g.ministry.death(p.subject, d), 'ministry death');
      // the certificate was issued on a passport: unmatched whatever the number says
      g.health.death(p.subject, d, { raw: { idType: g.rng.pick([' 02', '02', '03']) }, outcome: { kind: 'skipped', reasonCode: 'NOT_RESIDENT_ID' } });
    },
  },
  {
    kind: 'death-late-police-item', weight: 2, build: (g) => {
      const p = g.person('death-late-police-item');
      const d = ago(g, 10, 60);
      must(g.civil.death(p.subject, { death: d, cremation: addDays(d, 2) }), 'civil death');
      must(g.police.hukou(p.subject, '死亡', addDays(d, 3), { late: true }), 'late police death');
    },
  },
  {
    kind: 'death-hukou-superseded', weight: 2, build: (g) => {
      const p = g.person('death-hukou-superseded');
      const d = ago(g, 60, 200);
      const t1 = `${addDays(d, 2)} 10:00:00`;
      const fact = g.bigdata.hukou(p.subject, { code: '01', date: addDays(d, 2), deathDate: d }, { updated: t1 });
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
];
