// Health commission (API-key REST): death certificates, vaccinations and check-ups, with the
// ISO update stamps the commission writes.
import type { SourceRow } from '../../world.ts';
import { HEALTH_DATASETS } from '../../world.ts';
import { isoStamp, pad2, timeOfDay } from '../forms.ts';
import { STAGED, type Outcome } from '../ledger.ts';
import type { DeathFact, Subject, WorldDraft, WriteOpts } from '../world-draft.ts';

export class HealthWriter {
  private readonly g: WorldDraft;

  constructor(g: WorldDraft) {
    this.g = g;
  }

  private updatedAt(stampText: string): string {
    const [date, time] = stampText.split(' ');
    return isoStamp(date, time, this.g.rng.chance(0.15));
  }

  private head(s: Subject, o: WriteOpts): SourceRow {
    return { idType: '01', idNumber: this.g.idText(s, o), name: this.g.nameText(s, o, false) };
  }

  private push(dataset: (typeof HEALTH_DATASETS)[number], idField: string, row: SourceRow, outcome: Outcome): void {
    this.g.world.sources.health![dataset]!.push(row);
    this.g.ledger.record('health', dataset, row[idField], outcome);
  }

  /** A medical death certificate; `deathTime` crosses midnight in UTC now and then. */
  death(s: Subject, date: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.g.stamp(date, 1, 4, o);
    const early = this.g.rng.chance(0.25);
    const time = early ? `${pad2(this.g.rng.int(0, 7))}:${pad2(this.g.rng.int(0, 59))}:00` : timeOfDay(this.g.rng);
    let row: SourceRow = {
      certificateNo: `Q${st.slice(0, 4)}${s.areaCode.startsWith('44') ? s.areaCode : '440000'}${String(this.g.nextSeq('Q') * 3 + 100).padStart(6, '0')}`,
      ...this.head(s, o),
      sex: s.sex === '1' ? 'M' : 'F',
      deathTime: isoStamp(date, time, early || this.g.rng.chance(0.1)),
      deathPlace: this.g.rng.chance(0.7) ? this.g.rng.pick(this.g.cityOf(s).hospitals) : '家中',
      updatedAt: this.updatedAt(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('death-certificates', 'certificateNo', row, outcome);
    return this.g.addDeath(s, outcome, { origin: 'health', date, dateKind: 'death' });
  }

  vaccination(s: Subject, date: string, vaccine: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 0, 1, o);
    let row: SourceRow = {
      vaccinationId: this.g.recordId('VAC', st.slice(0, 4), 9, 5000 + this.g.rng.int(0, 6)),
      ...this.head(s, o),
      vaccine,
      administeredAt: isoStamp(date, `${pad2(this.g.rng.int(8, 16))}:${pad2(this.g.rng.int(0, 59))}:00`, this.g.rng.chance(0.1)),
      updatedAt: this.updatedAt(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('vaccinations', 'vaccinationId', row, outcome);
    this.g.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  checkup(s: Subject, date: string, place: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 1, 3, o);
    let row: SourceRow = {
      checkupId: this.g.recordId('TJ', st.slice(0, 4), 9, 7000 + this.g.rng.int(0, 6)),
      ...this.head(s, o),
      checkupDate: date,
      institution: place,
      updatedAt: this.updatedAt(st),
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('checkups', 'checkupId', row, outcome);
    this.g.addAlive(s, outcome, date, false, false);
    return outcome;
  }
}
