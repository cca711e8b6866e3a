// The world under construction: roster persons and outsiders, the record writers of every
// source (each knows the outcome its record must have), civil file layout, background noise,
// and the hand-over to the oracle.
import type { ReasonCode, RosterEntry } from '../../schemas/types.ts';
import type { CivilFile, SourceRow, World, WorldFaults } from '../world.ts';
import { CIVIL_HEADER } from '../../schemas/civil.ts';
import { BIGDATA_DATASETS, HEALTH_DATASETS, MINISTRY_DATASETS } from '../world.ts';
import { Rng } from './prng.ts';
import {
  addDays, addMonths, ageOn, compact, dayDiff, isLeapYear, lastDayOfMonth, maxDate, minDate, yearsBefore,
} from './calendar.ts';
import { CHECKUP_PLACES, COUNTRIES, OTHER_PROVINCE_COUNTIES, SETTLEMENTS, TRIPS, VACCINES, cityByCode, type City, type County } from './geography.ts';
import { makeIdentity, sendId } from './identity.ts';
import { gbkSafeName, otherName, personName, sendName, unreadableName } from './names.ts';
import { bigdataDate, civilDate, isoStamp, pad2, policeDate, timeOfDay } from './forms.ts';
import { Ledger, STAGED, UNSEEN, skipped, type Outcome } from './ledger.ts';
import { decide, type AliveFact, type ExpectedResult, type LossFact, type PrisonFacts } from './oracle.ts';

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
}

interface CivilRowDraft {
  cells: string[];
  outcome: Outcome;
}

interface CivilFileDraft {
  name: string;
  encoding: 'gbk' | 'utf8-bom';
  complete: boolean;
  rows: CivilRowDraft[];
}

const SJLY: Record<'police' | 'health' | 'civil' | 'justice', string[]> = {
  police: ['省公安厅'],
  health: ['省卫生健康委'],
  civil: ['省民政厅'],
  justice: ['省司法厅', '省监狱管理局'],
};

export class Gen {
  readonly rng: Rng;
  readonly period: string;
  readonly asOf: string;
  /** first and last day of the period */
  readonly first: string;
  readonly last: string;
  /** the latest day an event may carry and still count: min(asOf, last day of P) */
  readonly horizon: string;
  readonly faultsOn: boolean;
  readonly cities: City[];
  readonly ledger = new Ledger();
  readonly persons: Person[] = [];
  readonly world: World;
  readonly scenarioCounts: Record<string, number> = {};
  /** facts scenarios share between records of one world (the prison of a sentence, ...) */
  readonly notes = new Map<string, string>();

  private readonly counties: [County & { city: string }, number][];
  private readonly usedIds = new Set<string>();
  private readonly seq = new Map<string, number>();
  private readonly civilFiles = new Map<string, CivilFileDraft>();
  private incompleteFile: CivilFileDraft | null = null;
  private readonly lateItems: Record<string, SourceRow[]> = {};
  private countyPicker: (() => County & { city: string }) | null = null;
  private readonly lateRows: { city: string; row: SourceRow }[] = [];

  constructor(settings: GenSettings) {
    this.rng = new Rng(settings.seed);
    this.period = settings.period;
    this.asOf = settings.asOf;
    this.first = `${settings.period}-01`;
    this.last = lastDayOfMonth(settings.period);
    this.horizon = minDate(settings.asOf, this.last);
    this.faultsOn = settings.faults;
    this.cities = settings.cities.map(cityByCode);
    this.counties = this.cities.flatMap((c) => c.counties.map((k) => [{ ...k, city: c.code }, k.weight] as [County & { city: string }, number]));

    const ministry: NonNullable<World['sources']['ministry']> = {};
    for (const d of MINISTRY_DATASETS) { ministry[d] = []; this.ledger.declare('ministry', d); }
    const bigdata: NonNullable<World['sources']['bigdata']> = {};
    for (const d of BIGDATA_DATASETS) { bigdata[d] = []; this.ledger.declare('bigdata', d); }
    const police: Record<string, SourceRow[]> = {};
    for (const c of this.cities) {
      police[c.code] = [];
      this.lateItems[c.code] = [];
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
  private stamp(eventDate: string, lagMin: number, lagMax: number, o: WriteOpts): string {
    if (o.updated) return o.updated;
    if (o.after) return `${addDays(this.asOf, this.rng.int(1, 3))} ${timeOfDay(this.rng)}`;
    let day = addDays(minDate(eventDate, this.asOf), this.rng.int(lagMin, lagMax));
    if (day > this.asOf) day = this.asOf;
    if (day < '2000-01-01') day = '2000-01-01';
    // recorded the same day: after the event, in the afternoon or evening
    if (day <= eventDate) return `${day} ${pad2(this.rng.int(17, 23))}:${pad2(this.rng.int(0, 59))}:${pad2(this.rng.int(0, 59))}`;
    return `${day} ${timeOfDay(this.rng)}`;
  }

  private nextSeq(key: string): number {
    const n = (this.seq.get(key) ?? 0) + 1;
    this.seq.set(key, n);
    return n;
  }

  private recordId(prefix: string, year: string, width: number, start: number): string {
    const n = start + this.nextSeq(prefix) * 7;
    return `${prefix}${year}${String(n).padStart(width, '0')}`;
  }

  // ---------------------------------------------------------------------------------------
  // people

  private pickCounty(): County & { city: string } {
    this.countyPicker ??= this.rng.picker(this.counties);
    return this.countyPicker();
  }

  private mintId(county: string, birthDate: string, sex: '1' | '2'): string {
    for (;;) {
      const id = makeIdentity(county, birthDate, sex, this.rng.int(0, 99), this.rng.int(0, 4));
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
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
    const county = opts.county ? this.counties.find(([c]) => c.code === opts.county)?.[0] ?? this.pickCounty() : this.pickCounty();
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
    const personId = this.mintId(county.code, birthDate, sex);
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
    const birthDate = this.birthFor(ageMin, ageMax, this.last);
    const personId = this.mintId(areaCode, birthDate, sex);
    return { personId, name: personName(this.rng, sex), sex, birthDate, areaCode, city, person: null };
  }

  /** A Guangdong outsider living in one of the world's cities (police and civil hold only those). */
  localOutsider(ageMin = 20, ageMax = 100): Subject {
    return this.outsider('city', ageMin, ageMax);
  }

  // ---------------------------------------------------------------------------------------
  // writing helpers

  private idText(s: Subject, o: WriteOpts): string {
    return o.idText ?? sendId(s.personId, this.rng, 0.12);
  }

  private nameText(s: Subject, o: WriteOpts, gbk: boolean): string {
    let name: string;
    if (o.nameText !== undefined) name = o.nameText;
    else if (o.misnamed) name = otherName(this.rng, s.name);
    // a rare character the source could not carry: the name counts as empty, never as another name
    else if (this.rng.chance(0.015)) name = unreadableName(this.rng, s.name, gbk);
    else name = sendName(this.rng, s.name, 0.1, gbk);
    return gbk ? gbkSafeName(name) : name;
  }

  private outcomeOf(o: WriteOpts, fallback: Outcome, stampText: string): Outcome {
    const afterAsOf = stampText.slice(0, 10) > this.asOf;
    if (o.after && !afterAsOf) throw new Error(`generator bug: 'after' record stamped ${stampText}`);
    if (afterAsOf) return UNSEEN;
    return o.outcome ?? fallback;
  }

  private addAlive(s: Subject, outcome: Outcome, date: string, strong: boolean, overseas: boolean): void {
    if (outcome.kind !== 'staged' || !s.person || date > this.last) return;
    s.person.alive.push({ date, strong, overseas });
  }

  private addDeath(s: Subject, outcome: Outcome, fact: DeathFact): DeathFact | null {
    if (outcome.kind !== 'staged' || fact.date > this.last) return null;
    if (s.person) s.person.deaths.push(fact);
    return fact;
  }

  private sexMinistry(s: Subject): string {
    return this.rng.chance(0.02) ? '9' : s.sex;
  }

  // ---------------------------------------------------------------------------------------
  // ministry (SOAP): one writer per dataType

  private ministryRow(dataType: string, prefix: string, s: Subject, eventDate: string, stampText: string, o: WriteOpts, extra: SourceRow): SourceRow {
    const row: SourceRow = {
      recordId: this.recordId(prefix, stampText.slice(0, 4), 9, 1000 + this.rng.int(0, 6)),
      aac002: this.idText(s, o),
      aac003: this.nameText(s, o, false),
      aac004: this.sexMinistry(s),
      dataType,
      eventDate: compact(eventDate),
      ...extra,
      aae036: stampText,
    };
    return o.raw ? { ...row, ...o.raw } : row;
  }

  private pushMinistry(dataType: (typeof MINISTRY_DATASETS)[number], row: SourceRow, outcome: Outcome): void {
    this.world.sources.ministry![dataType]!.push(row);
    this.ledger.record('ministry', dataType, row.recordId, outcome);
  }

  ministryDeath(s: Subject, date: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.stamp(date, 2, 20, o);
    const row = this.ministryRow('DEATH', 'SW', s, date, st, o, {});
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushMinistry('DEATH', row, outcome);
    return this.addDeath(s, outcome, { origin: 'ministry', date, dateKind: 'death' });
  }

  /** A basic pension the person receives (type 110/120/170, paying province aab301). */
  benefit(s: Subject, type: string, province: string, start: string, end: string | null, o: WriteOpts = {}): Outcome {
    const base = end && end < this.asOf ? end : start < this.asOf ? start : this.asOf;
    const st = this.stamp(base, 1, 10, o);
    const row = this.ministryRow('BENEFIT', 'DY', s, start, st, o, {
      eventEndDate: end ? compact(end) : '', detailCode: type, aab301: province,
    });
    const own = type === '170' && province.startsWith('44');
    const outcome = this.outcomeOf(o, own ? skipped('OWN_PENSION') : STAGED, st);
    this.pushMinistry('BENEFIT', row, outcome);
    return outcome;
  }

  /** A face-recognition authentication (channels 01–06; 06 is remote assistance). */
  auth(s: Subject, date: string, channel: string, result: '1' | '0', o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 0, 1, o);
    const row = this.ministryRow('AUTH', 'RZ', s, date, st, o, { channel, result });
    const outcome = this.outcomeOf(o, result === '0' ? skipped('RESULT_FAIL') : STAGED, st);
    this.pushMinistry('AUTH', row, outcome);
    this.addAlive(s, outcome, date, true, false);
    return outcome;
  }

  travel(s: Subject, date: string, detail: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 0, 2, o);
    const row = this.ministryRow('TRAVEL', 'CX', s, date, st, o, { detailText: detail });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushMinistry('TRAVEL', row, outcome);
    this.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  medical(s: Subject, date: string, detail: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 1, 20, o);
    const row = this.ministryRow('MEDICAL', 'JY', s, date, st, o, { detailText: detail });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushMinistry('MEDICAL', row, outcome);
    this.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  prisonMinistry(s: Subject, start: string, end: string | null, prison: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(start, 2, 30, o);
    const row = this.ministryRow('PRISON', 'FX', s, start, st, o, { eventEndDate: end ? compact(end) : '', detailText: prison });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushMinistry('PRISON', row, outcome);
    return outcome;
  }

  overseas(s: Subject, date: string, result: '1' | '0', country: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 0, 2, o);
    const row = this.ministryRow('OVERSEAS', 'JW', s, date, st, o, { result, detailText: country });
    const outcome = this.outcomeOf(o, result === '0' ? skipped('RESULT_FAIL') : STAGED, st);
    this.pushMinistry('OVERSEAS', row, outcome);
    this.addAlive(s, outcome, date, true, true);
    return outcome;
  }

  // ---------------------------------------------------------------------------------------
  // big-data center (signed REST)

  private bigdataRow(prefix: string, s: Subject, sjly: string, stampText: string, o: WriteOpts, extra: SourceRow): SourceRow {
    const row: SourceRow = {
      JLID: this.recordId(prefix, stampText.slice(0, 4), 9, 3000 + this.rng.int(0, 6)),
      GMSFHM: this.idText(s, o),
      XM: this.nameText(s, o, false),
      XBDM: s.sex,
      CSRQ: compact(s.birthDate),
      SJLY: sjly,
      GXSJ: stampText,
      ...extra,
    };
    return o.raw ? { ...row, ...o.raw } : row;
  }

  private pushBigdata(dataset: (typeof BIGDATA_DATASETS)[number], row: SourceRow, outcome: Outcome): void {
    this.world.sources.bigdata![dataset]!.push(row);
    this.ledger.record('bigdata', dataset, row.JLID, outcome);
  }

  private bd(date: string): string {
    return bigdataDate(date, this.rng);
  }

  /** Big-data death record; SJLY names the department it relays (its origin). */
  bigdataDeath(s: Subject, date: string, via: 'police' | 'health' | 'civil', o: WriteOpts = {}): DeathFact | null {
    const st = this.stamp(date, 1, 6, o);
    const row = this.bigdataRow('SW', s, this.rng.pick(SJLY[via]), st, o, { SWRQ: this.bd(date), SWDD: this.rng.pick(['家中', '医院', '养老院']) });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushBigdata('death', row, outcome);
    return this.addDeath(s, outcome, { origin: via, date, dateKind: 'death' });
  }

  /** Big-data cremation (relayed from civil affairs): dated SWRQ when present, else HHRQ (proxy). */
  bigdataCremation(s: Subject, death: string | null, cremation: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.stamp(cremation, 1, 5, o);
    const home = this.rng.pick(this.cityOf(s).funeralHomes);
    const row = this.bigdataRow('HH', s, '省民政厅', st, o, { SWRQ: death ? this.bd(death) : '', HHRQ: this.bd(cremation), BYG: home });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushBigdata('cremation', row, outcome);
    return this.addDeath(s, outcome, death ? { origin: 'civil', date: death, dateKind: 'death' } : { origin: 'civil', date: cremation, dateKind: 'proxy' });
  }

  bigdataPrison(s: Subject, start: string, end: string | null, prison: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(start, 2, 20, o);
    const row = this.bigdataRow('XQ', s, this.rng.pick(SJLY.justice), st, o, { XQQSRQ: this.bd(start), XQJZRQ: end ? this.bd(end) : '', JYMC: prison });
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushBigdata('prison', row, outcome);
    return outcome;
  }

  /**
   * Big-data household record (always relayed from the provincial police). `code`: `1` normal
   * (dated by GXSJ), or a cancellation reason `01`…`07`, `99` with its date.
   */
  bigdataHukou(s: Subject, h: { code: 'normal' | '01' | '02' | '03' | '04' | '05' | '06' | '07' | '99'; date?: string; deathDate?: string }, o: WriteOpts = {}): DeathFact | null {
    const eventDate = h.date ?? this.horizon;
    const st = this.stamp(eventDate, 0, 4, o);
    const extra: SourceRow = h.code === 'normal'
      ? { HKZT: '1', ZXYYDM: '', ZXRQ: '' }
      : { HKZT: '2', ZXYYDM: h.code, ZXRQ: this.bd(eventDate) };
    if (h.deathDate) extra.SWRQ = this.bd(h.deathDate);
    const row = this.bigdataRow('HK', s, '省公安厅', st, o, extra);
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushBigdata('hukou', row, outcome);
    if (h.code === '01' || h.code === '02') {
      return this.addDeath(s, outcome, h.deathDate ? { origin: 'police', date: h.deathDate, dateKind: 'death' } : { origin: 'police', date: eventDate, dateKind: 'proxy' });
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------
  // city police (OAuth2 REST)

  cityOf(s: Subject): City {
    const code = s.city ?? s.areaCode.slice(0, 4);
    return this.cities.find((c) => c.code === code) ?? this.cities[0];
  }

  private address(s: Subject): string {
    const city = this.cityOf(s);
    const county = city.counties.find((c) => c.code === s.areaCode)?.name ?? '';
    return `${city.name}${county}${this.rng.pick(city.streets)}${this.rng.int(1, 300)}号`;
  }

  /**
   * A city police household record. `reason` is the cancellation text (`死亡`, `宣告死亡`,
   * `出国定居`, `丧失国籍`, `宣告失踪`, `迁出`, `服兵役`, `其他`) or null for a normal record.
   */
  policeHukou(s: Subject, reason: string | null, date: string | null, o: WriteOpts = {}): DeathFact | null {
    const city = this.cityOf(s).code;
    const eventDate = date ?? this.horizon;
    const st = this.stamp(eventDate, 0, 3, o);
    let row: SourceRow = {
      id: `${city}HJ${st.slice(0, 4)}${String(100 + this.nextSeq(`police-${city}`) * 3).padStart(6, '0')}`,
      sfzh: this.idText(s, o),
      xm: this.nameText(s, o, false),
      xb: s.sex === '1' ? '男' : '女',
      csrq: policeDate(s.birthDate, this.rng),
      hjzt: reason ? '注销' : '正常',
      zxyy: reason ?? '',
      zxrq: reason && date ? policeDate(date, this.rng) : '',
      hjdz: this.address(s),
      gxsj: st,
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.outcomeOf(o, STAGED, st);
    if (o.late) this.lateRows.push({ city, row });
    else this.world.sources.police![city].push(row);
    this.ledger.record(`police-${city}`, 'hukou', row.id, outcome);
    if (reason === '死亡' || reason === '宣告死亡') {
      return this.addDeath(s, outcome, { origin: 'police', date: eventDate, dateKind: 'proxy' });
    }
    return null;
  }

  /**
   * Late police items (sandbox.md): served after the first page, with update times up to one day
   * older than the newest item already served. They are stamped here, once every regular item of
   * the city is known, so that both fault settings give the same records; with faults off they are
   * ordinary items.
   */
  private placeLateItems(): void {
    const cut = `${this.asOf} 23:59:59`;
    for (const { city, row } of this.lateRows) {
      let newest = '';
      for (const r of this.world.sources.police![city]) if (r.gxsj <= cut && r.gxsj > newest) newest = r.gxsj;
      if (newest === '') newest = `${this.asOf} 12:00:00`;
      const ms = Date.parse(`${newest.replace(' ', 'T')}+08:00`) - this.rng.int(3600, 20 * 3600) * 1000;
      const stamp = new Date(ms + 8 * 3600000).toISOString();
      const gxsj = `${stamp.slice(0, 10)} ${stamp.slice(11, 19)}`;
      // never before the change it reports
      const zxrq = row.zxrq ? row.zxrq.replaceAll('/', '-').replace(/-(\d)(?=-|$)/g, '-0$1') : '';
      row.gxsj = zxrq && gxsj.slice(0, 10) < zxrq ? `${zxrq} 20:00:00` : gxsj;
    }
    for (const { city, row } of this.lateRows) {
      if (this.faultsOn) this.lateItems[city].push(row);
      else this.world.sources.police![city].push(row);
    }
  }

  // ---------------------------------------------------------------------------------------
  // health commission (API-key REST)

  private healthStamp(stampText: string): string {
    const [date, time] = stampText.split(' ');
    return isoStamp(date, time, this.rng.chance(0.15));
  }

  private healthHead(s: Subject, o: WriteOpts): SourceRow {
    return { idType: '01', idNumber: this.idText(s, o), name: this.nameText(s, o, false) };
  }

  private pushHealth(dataset: (typeof HEALTH_DATASETS)[number], idField: string, row: SourceRow, outcome: Outcome): void {
    this.world.sources.health![dataset]!.push(row);
    this.ledger.record('health', dataset, row[idField], outcome);
  }

  /** A medical death certificate; `deathTime` crosses midnight in UTC now and then. */
  healthDeath(s: Subject, date: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.stamp(date, 1, 4, o);
    const early = this.rng.chance(0.25);
    const time = early ? `${pad2(this.rng.int(0, 7))}:${pad2(this.rng.int(0, 59))}:00` : timeOfDay(this.rng);
    let row: SourceRow = {
      certificateNo: `Q${st.slice(0, 4)}${s.areaCode.startsWith('44') ? s.areaCode : '440000'}${String(this.nextSeq('Q') * 3 + 100).padStart(6, '0')}`,
      ...this.healthHead(s, o),
      sex: s.sex === '1' ? 'M' : 'F',
      deathTime: isoStamp(date, time, early || this.rng.chance(0.1)),
      deathPlace: this.rng.chance(0.7) ? this.rng.pick(this.cityOf(s).hospitals) : '家中',
      updatedAt: this.healthStamp(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushHealth('death-certificates', 'certificateNo', row, outcome);
    return this.addDeath(s, outcome, { origin: 'health', date, dateKind: 'death' });
  }

  vaccination(s: Subject, date: string, vaccine: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 0, 1, o);
    let row: SourceRow = {
      vaccinationId: this.recordId('VAC', st.slice(0, 4), 9, 5000 + this.rng.int(0, 6)),
      ...this.healthHead(s, o),
      vaccine,
      administeredAt: isoStamp(date, `${pad2(this.rng.int(8, 16))}:${pad2(this.rng.int(0, 59))}:00`, this.rng.chance(0.1)),
      updatedAt: this.healthStamp(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushHealth('vaccinations', 'vaccinationId', row, outcome);
    this.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  checkup(s: Subject, date: string, place: string, o: WriteOpts = {}): Outcome {
    const st = this.stamp(date, 1, 3, o);
    let row: SourceRow = {
      checkupId: this.recordId('TJ', st.slice(0, 4), 9, 7000 + this.rng.int(0, 6)),
      ...this.healthHead(s, o),
      checkupDate: date,
      institution: place,
      updatedAt: this.healthStamp(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.outcomeOf(o, STAGED, st);
    this.pushHealth('checkups', 'checkupId', row, outcome);
    this.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  // ---------------------------------------------------------------------------------------
  // civil affairs (GBK file drop)

  private civilFile(area: string, date: string): CivilFileDraft {
    const name = `HH_${area}_${compact(date)}.csv`;
    let file = this.civilFiles.get(name);
    if (!file) {
      file = { name, encoding: this.rng.chance(0.8) ? 'gbk' : 'utf8-bom', complete: true, rows: [] };
      this.civilFiles.set(name, file);
    }
    return file;
  }

  /**
   * A cremation row. Dated 死亡日期 (`death`) when given, else 火化日期 (proxy). Texts may be
   * given exactly (`deathText`, `cremationText`) for dirt. `incomplete`: in the file still
   * being transferred (no `.ok`): counts nowhere. `twice`: the office sent the row twice.
   */
  civilDeath(s: Subject, c: {
    death: string | null; cremation: string | null; deathText?: string; cremationText?: string;
    incomplete?: boolean; twice?: boolean; registered?: string; birthText?: string; sexText?: string;
  }, o: WriteOpts = {}): DeathFact | null {
    const latestEvent = maxDate(c.death ?? '0000-00-00', c.cremation ?? '0000-00-00');
    const area = s.areaCode.startsWith('44') ? s.areaCode : this.pickCounty().code;
    let file: CivilFileDraft;
    let registered: string;
    if (c.incomplete) {
      registered = this.asOf;
      if (!this.incompleteFile) {
        this.incompleteFile = { name: `HH_${area}_${compact(this.asOf)}.csv`, encoding: 'gbk', complete: false, rows: [] };
      }
      file = this.incompleteFile;
    } else {
      const lastDay = addDays(this.horizon, -1);
      registered = c.registered ?? (latestEvent > '0000' && latestEvent <= lastDay
        ? minDate(addDays(latestEvent, this.rng.int(1, 4)), lastDay)
        : lastDay);
      if (latestEvent > '0000' && registered < latestEvent && !o.outcome) {
        throw new Error(`generator bug: civil row registered ${registered} before its event ${latestEvent}`);
      }
      // offices deliver once a week (Tuesdays), and the day before the as-of date at the latest
      const weekday = new Date(`${registered}T00:00:00Z`).getUTCDay();
      file = this.civilFile(area, minDate(addDays(registered, (9 - weekday) % 7), lastDay));
    }
    const gbk = file.encoding === 'gbk';
    const cells = [
      this.nameText(s, o, gbk),
      o.idText ?? sendId(s.personId, this.rng, 0.25),
      c.sexText ?? (this.rng.chance(0.6) ? s.sex : s.sex === '1' ? '男' : '女'),
      c.birthText ?? (this.rng.chance(0.9) ? civilDate(s.birthDate, this.rng) : '不详'),
      c.deathText ?? (c.death ? civilDate(c.death, this.rng) : ''),
      c.cremationText ?? (c.cremation ? civilDate(c.cremation, this.rng) : ''),
      this.rng.pick(this.cityOf(s).funeralHomes),
      `${registered} ${timeOfDay(this.rng)}`,
    ];
    if (o.raw) {
      CIVIL_HEADER.forEach((h, i) => {
        if (o.raw![h] !== undefined) cells[i] = o.raw![h];
      });
    }
    const outcome: Outcome = c.incomplete ? UNSEEN : o.outcome ?? STAGED;
    file.rows.push({ cells, outcome });
    if (c.twice) file.rows.push({ cells: [...cells], outcome });
    const date = c.death ?? c.cremation;
    if (!date) return null;
    const fact: DeathFact = c.death ? { origin: 'civil', date: c.death, dateKind: 'death' } : { origin: 'civil', date, dateKind: 'proxy' };
    if (outcome.kind === 'staged' && s.person && date <= this.last) {
      s.person.deaths.push(fact);
      if (c.twice) s.person.deaths.push(fact);
      return fact;
    }
    return null;
  }

  private layoutCivil(): void {
    const files = [...this.civilFiles.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (this.incompleteFile) files.push(this.incompleteFile);
    // the largest file carries every oddity at least once, whatever the dice say elsewhere
    let largest: CivilFileDraft | null = null;
    for (const f of files) if (f.complete && (!largest || f.rows.length > largest.rows.length)) largest = f;
    files.forEach((f, i) => {
      const forced = f === largest;
      const crlf = i === 0 || this.rng.chance(0.2);
      const quoteAll = i === 1 || this.rng.chance(0.15);
      const finalNewline = !(i === 2 || forced || this.rng.chance(0.3));
      if (i === 3 && f.complete) f.encoding = 'utf8-bom';
      const lines: string[] = [CIVIL_HEADER.join(',')];
      const rows = f.rows;
      for (let r = 0; r < rows.length; r++) {
        if (r > 0 && (this.rng.chance(0.06) || (forced && r === 1))) lines.push(this.rng.pick(['', ',,,,,,,', '   ', ' , , ,,,　,,']));
        if (forced && r === 0) lines.push('');
        lines.push(rows[r].cells.map((cell) => csvCell(cell, quoteAll)).join(','));
        this.ledger.record('civil', 'cremation', `${f.name}:${lines.length}`, rows[r].outcome);
      }
      const text = lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? (crlf ? '\r\n' : '\n') : '');
      const file: CivilFile = { name: f.name, encoding: f.encoding, text };
      if (!f.complete) file.complete = false;
      this.world.sources.civil!.push(file);
    });
  }

  // ---------------------------------------------------------------------------------------
  // background noise and the end of a person

  /** Background ALIVE signals of everyday life (face authentication, travel, visits, jabs). */
  aliveNoise(s: Subject, policy: NoisePolicy): void {
    const n = this.rng.weighted<number>([[0, 28], [1, 30], [2, 20], [3, 12], [4, 6], [6, 4]]);
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
        case 'auth': this.auth(s, date, this.rng.pick(['01', '02', '03', '04', '05']), this.rng.chance(0.06) ? '0' : '1', o); break;
        case 'remote': this.auth(s, date, '06', '1', o); break;
        case 'travel': this.travel(s, date, this.rng.pick(TRIPS), o); break;
        case 'medical': this.medical(s, date, `${this.rng.pick(city.hospitals)} ${this.rng.pick(SETTLEMENTS)}`, o); break;
        case 'vaccination': this.vaccination(s, date, this.rng.pick(VACCINES), o); break;
        case 'checkup': this.checkup(s, date, `${city.name}${this.rng.pick(CHECKUP_PLACES)}`, o); break;
        case 'overseas': this.overseas(s, date, this.rng.chance(0.1) ? '0' : '1', this.rng.pick(COUNTRIES), o); break;
      }
    }
  }

  /** A household statement that changes nothing (address update, ID renewal). */
  hukouNoise(s: Subject): void {
    const date = this.dateBetween(this.daysAgo(400), this.horizon);
    if (this.rng.chance(0.5)) this.bigdataHukou(s, { code: 'normal', date }, { updated: `${date} ${timeOfDay(this.rng)}` });
    else this.policeHukou(s, null, null, { updated: `${date} ${timeOfDay(this.rng)}` });
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
    this.layoutCivil();
    this.placeLateItems();
    const faults: WorldFaults = this.faultsOn
      ? {
        ministry: { busyEveryNthCall: 5 },
        bigdata: { rateLimitEveryNthCall: 7, unavailableEveryNthCall: 11 },
        police: { tokenTtlSeconds: 2, lateItems: this.lateItems },
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

function csvCell(value: string, quoteAll: boolean): string {
  if (quoteAll || /[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
