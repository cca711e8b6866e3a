// Ministry of Human Resources and Social Security (SOAP): one writer per dataType, each row as
// the service sends it, with the outcome normalization must give it.
import type { SourceRow } from '../../world.ts';
import { MINISTRY_DATASETS } from '../../world.ts';
import { compact } from '../calendar.ts';
import { STAGED, skipped, type Outcome } from '../ledger.ts';
import type { DeathFact, Subject, WorldDraft, WriteOpts } from '../world-draft.ts';

export class MinistryWriter {
  private readonly g: WorldDraft;

  constructor(g: WorldDraft) {
    this.g = g;
  }

  private sex(s: Subject): string {
    return this.g.rng.chance(0.02) ? '9' : s.sex;
  }

  private row(dataType: string, prefix: string, s: Subject, eventDate: string, stampText: string, o: WriteOpts, extra: SourceRow): SourceRow {
    const row: SourceRow = {
      recordId: this.g.recordId(prefix, stampText.slice(0, 4), 9, 1000 + this.g.rng.int(0, 6)),
      aac002: this.g.idText(s, o),
      aac003: this.g.nameText(s, o, false),
      aac004: this.sex(s),
      dataType,
      eventDate: compact(eventDate),
      ...extra,
      aae036: stampText,
    };
    return o.raw ? { ...row, ...o.raw } : row;
  }

  private push(dataType: (typeof MINISTRY_DATASETS)[number], row: SourceRow, outcome: Outcome): void {
    this.g.world.sources.ministry![dataType]!.push(row);
    this.g.ledger.record('ministry', dataType, row.recordId, outcome);
  }

  death(s: Subject, date: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.g.stamp(date, 2, 20, o);
    const row = this.row('DEATH', 'SW', s, date, st, o, {});
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('DEATH', row, outcome);
    return this.g.addDeath(s, outcome, { origin: 'ministry', date, dateKind: 'death' });
  }

  /** A basic pension the person receives (type 110/120/170, paying province aab301). */
  benefit(s: Subject, type: string, province: string, start: string, end: string | null, o: WriteOpts = {}): Outcome {
    const base = end && end < this.g.asOf ? end : start < this.g.asOf ? start : this.g.asOf;
    const st = this.g.stamp(base, 1, 10, o);
    const row = this.row('BENEFIT', 'DY', s, start, st, o, {
      eventEndDate: end ? compact(end) : '', detailCode: type, aab301: province,
    });
    const own = type === '170' && province.startsWith('44');
    const outcome = this.g.outcomeOf(o, own ? skipped('OWN_PENSION') : STAGED, st);
    this.push('BENEFIT', row, outcome);
    return outcome;
  }

  /** A face-recognition authentication (channels 01–06; 06 is remote assistance). */
  auth(s: Subject, date: string, channel: string, result: '1' | '0', o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 0, 1, o);
    const row = this.row('AUTH', 'RZ', s, date, st, o, { channel, result });
    const outcome = this.g.outcomeOf(o, result === '0' ? skipped('RESULT_FAIL') : STAGED, st);
    this.push('AUTH', row, outcome);
    this.g.addAlive(s, outcome, date, true, false);
    return outcome;
  }

  travel(s: Subject, date: string, detail: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 0, 2, o);
    const row = this.row('TRAVEL', 'CX', s, date, st, o, { detailText: detail });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('TRAVEL', row, outcome);
    this.g.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  medical(s: Subject, date: string, detail: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 1, 20, o);
    const row = this.row('MEDICAL', 'JY', s, date, st, o, { detailText: detail });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('MEDICAL', row, outcome);
    this.g.addAlive(s, outcome, date, false, false);
    return outcome;
  }

  prison(s: Subject, start: string, end: string | null, prison: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(start, 2, 30, o);
    const row = this.row('PRISON', 'FX', s, start, st, o, { eventEndDate: end ? compact(end) : '', detailText: prison });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('PRISON', row, outcome);
    return outcome;
  }

  overseas(s: Subject, date: string, result: '1' | '0', country: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(date, 0, 2, o);
    const row = this.row('OVERSEAS', 'JW', s, date, st, o, { result, detailText: country });
    const outcome = this.g.outcomeOf(o, result === '0' ? skipped('RESULT_FAIL') : STAGED, st);
    this.push('OVERSEAS', row, outcome);
    this.g.addAlive(s, outcome, date, true, true);
    return outcome;
  }
}
