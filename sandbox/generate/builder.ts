// The generator as scenarios use it: the world under construction (world-draft.ts) with one
// record writer per source (`g.ministry`, `g.bigdata`, `g.police`, `g.health`, `g.civil`, in
// writers/), the background noise of everyday life, and the hand-over to the oracle.
import type { World, WorldFaults } from '../world.ts';
import { addDays, dayDiff, minDate } from './calendar.ts';
import { CHECKUP_PLACES, COUNTRIES, SETTLEMENTS, TRIPS, VACCINES } from './geography.ts';
import { timeOfDay } from './forms.ts';
import { decide, type ExpectedResult } from './oracle.ts';
import { WorldDraft, type NoisePolicy, type Person, type Subject, type WriteOpts } from './world-draft.ts';
import { MinistryWriter } from './writers/ministry.ts';
import { BigdataWriter } from './writers/bigdata.ts';
import { PoliceWriter } from './writers/police.ts';
import { HealthWriter } from './writers/health.ts';
import { CivilWriter } from './writers/civil.ts';

/** How many background alive signals a person leaves: catalogue worlds (1.5 on average) and the monthly mix (see sandbox/README.md). */
const CATALOGUE_NOISE: readonly (readonly [number, number])[] = [[0, 28], [1, 30], [2, 20], [3, 12], [4, 6], [6, 4]];
const MONTH_NOISE: readonly (readonly [number, number])[] = [[0, 8], [1, 16], [2, 24], [3, 24], [4, 16], [5, 8], [6, 4]];

export class Gen extends WorldDraft {
  readonly ministry = new MinistryWriter(this);
  readonly bigdata = new BigdataWriter(this);
  readonly police = new PoliceWriter(this);
  readonly health = new HealthWriter(this);
  readonly civil = new CivilWriter(this);

  // ---------------------------------------------------------------------------------------
  // background noise and the end of a person

  /** Background ALIVE signals of everyday life (face authentication, travel, visits, jabs). */
  aliveNoise(s: Subject, policy: NoisePolicy): void {
    const n = this.rng.weighted<number>(this.mix === 'month' ? MONTH_NOISE : CATALOGUE_NOISE);
    const until = policy.aliveUntil ? minDate(policy.aliveUntil, this.horizon) : this.horizon;
    const from = this.daysAgo(540);
    if (until < from) return;
    const city = this.cityOf(s);
    for (let i = 0; i < n; i++) {
      let date = this.dateBetween(from, until);
      const strongAllowed = !policy.strongUntil || date <= policy.strongUntil;
      let kind = this.rng.weighted<string>([['auth', 30], ['remote', 3], ['travel', 15], ['medical', 22], ['vaccination', 12], ['checkup', 16], ['overseas', policy.overseas ? 25 : 0]]);
      if (!strongAllowed && (kind === 'auth' || kind === 'remote' || kind === 'overseas')) kind = 'medical';
      const o: WriteOpts = {};
      if (this.rng.chance(0.03) && until === this.horizon) {
        // arrives after the cut-off: this run never sees it
        date = this.dateBetween(this.daysAgo(3), this.horizon);
        o.after = true;
      }
      switch (kind) {
        case 'auth': this.ministry.auth(s, date, this.rng.pick(['01', '02', '03', '04', '05']), this.rng.chance(0.06) ? '0' : '1', o); break;
        case 'remote': this.ministry.auth(s, date, '06', '1', o); break;
        case 'travel': this.ministry.travel(s, date, this.rng.pick(TRIPS), o); break;
        case 'medical': this.ministry.medical(s, date, `${this.rng.pick(city.hospitals)} ${this.rng.pick(SETTLEMENTS)}`, o); break;
        case 'vaccination': this.health.vaccination(s, date, this.rng.pick(VACCINES), o); break;
        case 'checkup': this.health.checkup(s, date, `${city.name}${this.rng.pick(CHECKUP_PLACES)}`, o); break;
        case 'overseas': this.ministry.overseas(s, date, this.rng.chance(0.1) ? '0' : '1', this.rng.pick(COUNTRIES), o); break;
      }
    }
  }

  /** A household statement that changes nothing (address update, ID renewal). */
  hukouNoise(s: Subject): void {
    const date = this.dateBetween(this.daysAgo(400), this.horizon);
    if (this.rng.chance(0.5)) this.bigdata.hukou(s, { code: 'normal', date }, { updated: `${date} ${timeOfDay(this.rng)}` });
    else this.police.hukou(s, null, null, { updated: `${date} ${timeOfDay(this.rng)}` });
  }

  /** Resolve the death rules of §1/§2 that follow from what was written, then decide. */
  finish(p: Person): ExpectedResult {
    const conflicts = p.conflicts;
    let deathDate: string | null = null;
    if (p.deaths.length > 0) {
      const kindDeath = p.deaths.filter((d) => d.dateKind === 'death').map((d) => d.date).sort();
      deathDate = kindDeath[0] ?? p.deaths.map((d) => d.date).sort()[0];
    }
    if (p.noise.alive) {
      const policy = { ...p.noise };
      if (deathDate) policy.aliveUntil = minDate(policy.aliveUntil ?? deathDate, addDays(deathDate, -1));
      this.aliveNoise(p.subject, policy);
    }
    if (p.noise.hukouNormal && this.rng.chance(0.12)) this.hukouNoise(p.subject);

    const losses = [...p.losses];
    if (deathDate && p.entry.lastCertifiedMonth > deathDate.slice(0, 7)) {
      // nobody certifies after their death: the last confirmation came before it
      p.entry.lastCertifiedMonth = p.entry.startedMonth > deathDate.slice(0, 7) ? p.entry.startedMonth : deathDate.slice(0, 7);
    }
    if (deathDate) {
      const origins = new Set(p.deaths.map((d) => d.origin));
      if (origins.size === 1) conflicts.add('SINGLE_SOURCE_DEATH');
      const perOrigin = new Map<string, string>();
      for (const d of p.deaths) {
        if (d.dateKind !== 'death') continue;
        const prev = perOrigin.get(d.origin);
        if (!prev || d.date < prev) perOrigin.set(d.origin, d.date);
      }
      const dates = [...perOrigin.values()].sort();
      if (origins.size >= 2 && dates.length >= 2 && dayDiff(dates[0], dates[dates.length - 1]) > 31) conflicts.add('DEATH_DATE_CONFLICT');
      const dd = deathDate;
      if (p.alive.some((a) => (a.strong && a.date > dd) || (!a.strong && dayDiff(dd, a.date) > 7))) conflicts.add('ALIVE_AFTER_DEATH');
      if (origins.size >= 2 && conflicts.size === 0) losses.push({ code: 'DEATH', date: dd });
    }
    if (conflicts.size === 0) losses.push(...p.statusLosses);
    return decide({ entry: p.entry, alive: p.alive, losses, conflicts, prison: p.prison, scenario: p.scenario }, this.period);
  }

  /** Everything written: lay out the civil files, set the faults, hand back the world. */
  seal(): World {
    this.civil.layout();
    this.police.placeLateItems();
    const faults: WorldFaults = this.faultsOn
      ? {
        ministry: { busyEveryNthCall: 5 },
        bigdata: { rateLimitEveryNthCall: 7, unavailableEveryNthCall: 11 },
        police: { tokenTtlSeconds: 2, lateItems: this.police.lateItems },
        health: { htmlErrorEveryNthCall: 6 },
        civil: {},
      }
      : {
        ministry: { busyEveryNthCall: 0 },
        bigdata: { rateLimitEveryNthCall: 0, unavailableEveryNthCall: 0 },
        police: { tokenTtlSeconds: 600, lateItems: {} },
        health: { htmlErrorEveryNthCall: 0 },
        civil: {},
      };
    this.world.faults = faults;
    return this.world;
  }
}
