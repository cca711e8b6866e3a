// The world under construction, shared by every writer and scenario: the period and its
// horizon, the seeded dice, roster persons and outsiders, record numbering and update stamps,
// identity and name texts as a source writes them, and the ledger of what each record must become.
// The per-source record writers live in writers/; Gen (builder.ts) puts them together.
import type { ReasonCode, RosterEntry } from '../../schemas/types.ts';
import type { SourceRow, World } from '../world.ts';
import { BIGDATA_DATASETS, HEALTH_DATASETS, MINISTRY_DATASETS } from '../world.ts';
import { Rng } from './prng.ts';
import { addDays, addMonths, ageOn, dayDiff, isLeapYear, lastDayOfMonth, minDate, yearsBefore } from './calendar.ts';
import { OTHER_PROVINCE_COUNTIES, cityByCode, type City, type County } from './geography.ts';
import { makeIdentity, sendId } from './identity.ts';
import { gbkSafeName, otherName, personName, sendName, unreadableName } from './names.ts';
import { pad2, timeOfDay } from './forms.ts';
import { Ledger, UNSEEN, type Outcome } from './ledger.ts';
import type { AliveFact, LossFact, PrisonFacts } from './oracle.ts';

export type DeathOrigin = 'ministry' | 'health' | 'civil' | 'police';

export interface DeathFact {
  origin: DeathOrigin;
  date: string;
  dateKind: 'death' | 'proxy';
}

/** Whoever a record is about: a roster person or someone the roster does not hold. */
export interface Subject {
  personId: string;
  name: string;
  sex: '1' | '2';
  birthDate: string;
  areaCode: string;
  /** 4-digit city code when the person lives in one of the world's cities */
  city: string | null;
  person: Person | null;
}

export interface NoisePolicy {
  /** add background ALIVE signals at all */
  alive: boolean;
  /** no background ALIVE signal dated after this day */
  aliveUntil?: string;
  /** no background strong signal dated after this day (later ones become weak ones) */
  strongUntil?: string;
  /** a background HUKOU_NORMAL statement may be added (only where no death or cancellation counts) */
  hukouNormal: boolean;
  /** the person lives abroad and certifies from there */
  overseas: boolean;
}

export interface Person {
  scenario: string;
  entry: RosterEntry;
  subject: Subject;
  alive: AliveFact[];
  deaths: DeathFact[];
  /** IMPRISONED / DUPLICATE losses: they hold whatever the conflicts */
  losses: LossFact[];
  /** NATIONALITY_LOST / MISSING: losses only when no conflict at all */
  statusLosses: LossFact[];
  conflicts: Set<ReasonCode>;
  prison: PrisonFacts;
  noise: NoisePolicy;
}

export interface WriteOpts {
  /** the identity number exactly as written (dirty or broken) */
  idText?: string;
  /** the name exactly as written */
  nameText?: string;
  /** written under another (non-empty) name */
  misnamed?: boolean;
  /** updated after the as-of day: served never in this run, counts nowhere */
  after?: boolean;
  /** the update time `YYYY-MM-DD HH:mm:ss` (China time) */
  updated?: string;
  /** what normalization must make of the record, when not the default */
  outcome?: Outcome;
  /** fields replaced after the record is built (dirt) */
  raw?: SourceRow;
  /** police: served as a late-arriving item (when faults are on) */
  late?: boolean;
}

export interface GenSettings {
  persons: number;
  seed: string | number;
  period: string;
  asOf: string;
  faults: boolean;
  cities: readonly string[];
  /** `catalogue` (default): every scenario at the catalogue's rates; `month`: a realistic monthly mix */
  mix?: Mix;
  /** identity numbers already minted (default: a Set; the streamed generator passes a compact one) */
  usedIds?: IdSet;
}

export type Mix = 'catalogue' | 'month';

/** What `mintId` needs of the set of identity numbers already used. */
export interface IdSet {
  has(id: string): boolean;
  add(id: string): unknown;
}

/** Draws at a free identity number of one county, birth date and sex (500 numbers) before another is tried. */
const MINT_ATTEMPTS = 1000;

export class WorldDraft {
  readonly rng: Rng;
  readonly period: string;
  readonly asOf: string;
  /** first and last day of the period */
  readonly first: string;
  readonly last: string;
  /** the latest day an event may carry and still count: min(asOf, last day of P) */
  readonly horizon: string;
  readonly faultsOn: boolean;
  readonly mix: Mix;
  readonly cities: City[];
  readonly ledger = new Ledger();
  readonly persons: Person[] = [];
  readonly world: World;
  readonly scenarioCounts: Record<string, number> = {};
  /** facts scenarios share between records of one world (the prison of a sentence, ...) */
  readonly notes = new Map<string, string>();

  private readonly counties: [County & { city: string }, number][];
  private readonly usedIds: IdSet;
  private readonly seq = new Map<string, number>();
  private countyPicker: (() => County & { city: string }) | null = null;

  constructor(settings: GenSettings) {
    this.rng = new Rng(settings.seed);
    this.period = settings.period;
    this.asOf = settings.asOf;
    this.first = `${settings.period}-01`;
    this.last = lastDayOfMonth(settings.period);
    this.horizon = minDate(settings.asOf, this.last);
    this.faultsOn = settings.faults;
    this.mix = settings.mix ?? 'catalogue';
    this.usedIds = settings.usedIds ?? new Set<string>();
    this.cities = settings.cities.map(cityByCode);
    this.counties = this.cities.flatMap((c) => c.counties.map((k) => [{ ...k, city: c.code }, k.weight] as [County & { city: string }, number]));

    const ministry: NonNullable<World['sources']['ministry']> = {};
    for (const d of MINISTRY_DATASETS) { ministry[d] = []; this.ledger.declare('ministry', d); }
    const bigdata: NonNullable<World['sources']['bigdata']> = {};
    for (const d of BIGDATA_DATASETS) { bigdata[d] = []; this.ledger.declare('bigdata', d); }
    const police: Record<string, SourceRow[]> = {};
    for (const c of this.cities) {
      police[c.code] = [];
      this.ledger.declare(`police-${c.code}`, 'hukou');
    }
    this.ledger.declare('civil', 'cremation');
    const health: NonNullable<World['sources']['health']> = {};
    for (const d of HEALTH_DATASETS) { health[d] = []; this.ledger.declare('health', d); }
    this.world = {
      worldVersion: 1, period: settings.period, asOf: settings.asOf, roster: [],
      sources: { ministry, bigdata, police, civil: [], health },
    };
  }

  // ---------------------------------------------------------------------------------------
  // dates

  dateBetween(from: string, to: string): string {
    if (to < from) throw new RangeError(`generator bug: empty date range ${from}..${to}`);
    return addDays(from, this.rng.int(0, dayDiff(from, to)));
  }

  monthBetween(from: string, to: string): string {
    const span = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
    if (span < 0) throw new RangeError(`generator bug: empty month range ${from}..${to}`);
    return addMonths(from, this.rng.int(0, span));
  }

  /** `n` days before the horizon. */
  daysAgo(n: number): string {
    return addDays(this.horizon, -n);
  }

  /** An update time `lag` days after the event, never after the as-of day. */
  stamp(eventDate: string, lagMin: number, lagMax: number, o: WriteOpts): string {
    if (o.updated) return o.updated;
    if (o.after) return `${addDays(this.asOf, this.rng.int(1, 3))} ${timeOfDay(this.rng)}`;
    let day = addDays(minDate(eventDate, this.asOf), this.rng.int(lagMin, lagMax));
    if (day > this.asOf) day = this.asOf;
    if (day < '2000-01-01') day = '2000-01-01';
    // recorded the same day: after the event, in the afternoon or evening
    if (day <= eventDate) return `${day} ${pad2(this.rng.int(17, 23))}:${pad2(this.rng.int(0, 59))}:${pad2(this.rng.int(0, 59))}`;
    return `${day} ${timeOfDay(this.rng)}`;
  }

  /** One counter per prefix, shared by every writer: ministry and big-data deaths both number `SW…`. */
  nextSeq(key: string): number {
    const n = (this.seq.get(key) ?? 0) + 1;
    this.seq.set(key, n);
    return n;
  }

  recordId(prefix: string, year: string, width: number, start: number): string {
    const n = start + this.nextSeq(prefix) * 7;
    return `${prefix}${year}${String(n).padStart(width, '0')}`;
  }

  // ---------------------------------------------------------------------------------------
  // people

  pickCounty(): County & { city: string } {
    this.countyPicker ??= this.rng.picker(this.counties);
    return this.countyPicker();
  }

  /**
   * A free identity number of the county, birth date and sex, or null when MINT_ATTEMPTS draws in a
   * row were all taken. Each (county, date, sex) holds only 500 numbers (two serial digits, five
   * sex digits): a scenario that pins the birth date (an exact age on the last day of P) fills them in
   * the largest counties of a 10,000,000-person world, where drawing until a free one turns up never
   * ended. The draws are the ones the unbounded loop made, so a world that never ran out is unchanged.
   */
  private tryMintId(county: string, birthDate: string, sex: '1' | '2'): string | null {
    for (let attempt = 0; attempt < MINT_ATTEMPTS; attempt++) {
      const id = makeIdentity(county, birthDate, sex, this.rng.int(0, 99), this.rng.int(0, 4));
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
    return null;
  }

  /** A free identity number of `first`, or of what `next` offers (another county or birth date) while one is full. */
  private mintId(first: { county: string; birthDate: string }, sex: '1' | '2', next: () => { county: string; birthDate: string }): { id: string; county: string; birthDate: string } {
    let at = first;
    for (let tries = 0; tries < MINT_ATTEMPTS; tries++) {
      const id = this.tryMintId(at.county, at.birthDate, sex);
      if (id !== null) return { id, ...at };
      at = next();
    }
    throw new RangeError(`generator: no free identity number near county ${first.county}, born ${first.birthDate}, sex ${sex}`);
  }

  /** A birth date for an age in [ageMin, ageMax] on the last day of P, born on or before `latest`. */
  private birthFor(ageMin: number, ageMax: number, latest: string): string {
    const lo = addDays(yearsBefore(this.last, ageMax + 1), 1);
    const hi = minDate(yearsBefore(this.last, ageMin), latest);
    if (hi < lo) throw new RangeError(`generator bug: no birth date for ages ${ageMin}..${ageMax} before ${latest}`);
    return this.dateBetween(lo, hi);
  }

  person(scenario: string, opts: {
    sex?: '1' | '2'; name?: string; birthDate?: string; county?: string;
    ageMin?: number; ageMax?: number;
    /** startedMonth must be on or before this month */
    startedBy?: string;
  } = {}): Person {
    let county = opts.county ? this.counties.find(([c]) => c.code === opts.county)?.[0] ?? this.pickCounty() : this.pickCounty();
    const sex = opts.sex ?? (this.rng.chance(0.53) ? '2' : '1');
    const name = opts.name ?? personName(this.rng, sex);
    // the dead drew their pension for a while before they died
    const defaultStart = /death|died/.test(scenario) ? addMonths(this.period, -10) : addMonths(this.period, -1);
    const startedBy = minDate(opts.startedBy ?? defaultStart, addMonths(this.period, -1));
    // the pension starts the month after the 60th birthday: born 60 years before the end of the month before startedBy
    const latestBirth = yearsBefore(lastDayOfMonth(addMonths(startedBy, -1)), 60);
    let birthDate = opts.birthDate;
    if (!birthDate) {
      // whoever is born on latestBirth is this old on the last day of P; anyone eligible is at least as old
      const youngest = Math.max(opts.ageMin ?? 60, 60, ageOn(latestBirth, this.last));
      const oldest = Math.max(Math.min(opts.ageMax ?? 100, 100), youngest);
      const band = this.rng.weighted<[number, number]>([[[60, 69], 45], [[70, 79], 33], [[80, 89], 17], [[90, 100], 5]]);
      let lo = Math.max(band[0], youngest);
      let hi = Math.min(band[1], oldest);
      if (lo > hi) [lo, hi] = [youngest, oldest];
      birthDate = this.birthFor(lo, hi, latestBirth);
    }
    // a full (county, birth date, sex): another county, unless the caller pinned it
    const born = birthDate;
    const personId = this.mintId({ county: county.code, birthDate: born }, sex, () => {
      if (opts.county) throw new RangeError(`generator: the 500 identity numbers of county ${county.code}, born ${born}, sex ${sex} are all used`);
      county = this.pickCounty();
      return { county: county.code, birthDate: born };
    }).id;
    const startedMonth = this.startedMonthFor(birthDate, startedBy);
    // most certify within the yearly cycle; some lag behind, a few long ago
    const band = this.rng.weighted<[number, number]>([[[-11, 0], 85], [[-18, -12], 10], [[-36, -19], 5]]);
    const bandFrom = addMonths(this.period, band[0]);
    const bandTo = addMonths(this.period, band[1]);
    const lastCertifiedMonth = startedMonth > bandTo
      ? this.monthBetween(startedMonth, this.period)
      : this.monthBetween(startedMonth > bandFrom ? startedMonth : bandFrom, bandTo);
    const entry: RosterEntry = {
      personId, name, sex, birthDate, areaCode: county.code,
      benefitStatus: 'normal', accountStatus: 'active',
      lastCertifiedMonth, startedMonth,
      paidThrough: this.rng.chance(0.75) ? addMonths(this.period, -1) : this.period,
      monthlyAmountFen: this.amount(),
    };
    const subject: Subject = { personId, name, sex, birthDate, areaCode: county.code, city: county.city, person: null };
    const p: Person = {
      scenario, entry, subject, alive: [], deaths: [], losses: [], statusLosses: [], conflicts: new Set(),
      prison: { current: false, latestEndBeforeP: null },
      noise: { alive: true, hukouNormal: false, overseas: false },
    };
    subject.person = p;
    this.persons.push(p);
    this.world.roster.push(entry);
    this.scenarioCounts[scenario] = (this.scenarioCounts[scenario] ?? 0) + 1;
    return p;
  }

  private startedMonthFor(birthDate: string, startedBy: string): string {
    const y60 = Number(birthDate.slice(0, 4)) + 60;
    let md = birthDate.slice(5);
    if (md === '02-29' && !isLeapYear(y60)) md = '03-01';
    const eligibleFrom = addMonths(`${y60}-${md.slice(0, 2)}`, 1);
    // the scheme began in 2009–2012; those already 60 joined when their county started it
    let start = eligibleFrom < '2009-10' ? this.monthBetween('2009-10', '2012-07') : eligibleFrom;
    if (start < eligibleFrom) start = eligibleFrom;
    if (this.rng.chance(0.2)) start = addMonths(start, this.rng.int(1, 24));
    if (start > startedBy) start = startedBy < eligibleFrom ? eligibleFrom : startedBy;
    return start;
  }

  private amount(): number {
    let fen = this.rng.int(15000, 26000);
    if (this.rng.chance(0.2)) fen += this.rng.int(0, 34000);
    return Math.min(60000, Math.round(fen / 10) * 10);
  }

  /** Suspend a roster person (the person must have been created with `startedBy` before `since`). */
  suspend(p: Person, reason: NonNullable<RosterEntry['suspendReason']>, since: string): void {
    const e = p.entry;
    e.benefitStatus = 'suspended';
    e.suspendReason = reason;
    e.suspendedSince = since;
    e.paidThrough = addMonths(since, -1);
    const latestCert = addMonths(since, -1);
    if (e.lastCertifiedMonth > latestCert) {
      const earliest = e.startedMonth < addMonths(since, -14) ? addMonths(since, -14) : e.startedMonth;
      e.lastCertifiedMonth = earliest <= latestCert ? this.monthBetween(earliest, latestCert) : e.startedMonth;
    }
  }

  /** Someone the roster does not hold (another person, a relative, a resident elsewhere). */
  outsider(where: 'city' | 'national' = 'city', ageMin = 20, ageMax = 100): Subject {
    let areaCode: string;
    let city: string | null = null;
    if (where === 'national' && this.rng.chance(0.5)) {
      areaCode = this.rng.pick(OTHER_PROVINCE_COUNTIES);
    } else {
      const county = this.pickCounty();
      areaCode = county.code;
      city = county.city;
    }
    const sex = this.rng.chance(0.5) ? '2' : '1';
    const minted = this.mintId({ county: areaCode, birthDate: this.birthFor(ageMin, ageMax, this.last) }, sex, () => ({ county: areaCode, birthDate: this.birthFor(ageMin, ageMax, this.last) }));
    return { personId: minted.id, name: personName(this.rng, sex), sex, birthDate: minted.birthDate, areaCode, city, person: null };
  }

  /** A Guangdong outsider living in one of the world's cities (police and civil hold only those). */
  localOutsider(ageMin = 20, ageMax = 100): Subject {
    return this.outsider('city', ageMin, ageMax);
  }

  // ---------------------------------------------------------------------------------------
  // writing helpers of the per-source writers (writers/)

  idText(s: Subject, o: WriteOpts): string {
    return o.idText ?? sendId(s.personId, this.rng, 0.12);
  }

  nameText(s: Subject, o: WriteOpts, gbk: boolean): string {
    let name: string;
    if (o.nameText !== undefined) name = o.nameText;
    else if (o.misnamed) name = otherName(this.rng, s.name);
    // a rare character the source could not carry: the name counts as empty, never as another name
    else if (this.rng.chance(0.015)) name = unreadableName(this.rng, s.name, gbk);
    else name = sendName(this.rng, s.name, 0.1, gbk);
    return gbk ? gbkSafeName(name) : name;
  }

  outcomeOf(o: WriteOpts, fallback: Outcome, stampText: string): Outcome {
    const afterAsOf = stampText.slice(0, 10) > this.asOf;
    if (o.after && !afterAsOf) throw new Error(`generator bug: 'after' record stamped ${stampText}`);
    if (afterAsOf) return UNSEEN;
    return o.outcome ?? fallback;
  }

  addAlive(s: Subject, outcome: Outcome, date: string, strong: boolean, overseas: boolean): void {
    if (outcome.kind !== 'staged' || !s.person || date > this.last) return;
    s.person.alive.push({ date, strong, overseas });
  }

  addDeath(s: Subject, outcome: Outcome, fact: DeathFact): DeathFact | null {
    if (outcome.kind !== 'staged' || fact.date > this.last) return null;
    if (s.person) s.person.deaths.push(fact);
    return fact;
  }

  /** The world's city a subject lives in (the first one for those living elsewhere). */
  cityOf(s: Subject): City {
    const code = s.city ?? s.areaCode.slice(0, 4);
    return this.cities.find((c) => c.code === code) ?? this.cities[0];
  }
}
