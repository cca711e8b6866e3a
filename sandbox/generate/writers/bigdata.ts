// Provincial big-data center (signed REST): the deaths, cremations, sentences and household
// records it relays from other departments, each row as the center serves it.
import type { SourceRow } from '../../world.ts';
import { BIGDATA_DATASETS } from '../../world.ts';
import { compact } from '../calendar.ts';
import { bigdataDate } from '../forms.ts';
import { STAGED, type Outcome } from '../ledger.ts';
import type { DeathFact, Subject, WorldDraft, WriteOpts } from '../world-draft.ts';

const SJLY: Record<'police' | 'health' | 'civil' | 'justice', string[]> = {
  police: ['省公安厅'],
  health: ['省卫生健康委'],
  civil: ['省民政厅'],
  justice: ['省司法厅', '省监狱管理局'],
};

export class BigdataWriter {
  private readonly g: WorldDraft;

  constructor(g: WorldDraft) {
    this.g = g;
  }

  private row(prefix: string, s: Subject, sjly: string, stampText: string, o: WriteOpts, extra: SourceRow): SourceRow {
    const row: SourceRow = {
      JLID: this.g.recordId(prefix, stampText.slice(0, 4), 9, 3000 + this.g.rng.int(0, 6)),
      GMSFHM: this.g.idText(s, o),
      XM: this.g.nameText(s, o, false),
      XBDM: s.sex,
      CSRQ: compact(s.birthDate),
      SJLY: sjly,
      GXSJ: stampText,
      ...extra,
    };
    return o.raw ? { ...row, ...o.raw } : row;
  }

  private push(dataset: (typeof BIGDATA_DATASETS)[number], row: SourceRow, outcome: Outcome): void {
    this.g.world.sources.bigdata![dataset]!.push(row);
    this.g.ledger.record('bigdata', dataset, row.JLID, outcome);
  }

  private bd(date: string): string {
    return bigdataDate(date, this.g.rng);
  }

  /** Big-data death record; SJLY names the department it relays (its origin). */
  death(s: Subject, date: string, via: 'police' | 'health' | 'civil', o: WriteOpts = {}): DeathFact | null {
    const st = this.g.stamp(date, 1, 6, o);
    const row = this.row('SW', s, this.g.rng.pick(SJLY[via]), st, o, { SWRQ: this.bd(date), SWDD: this.g.rng.pick(['家中', '医院', '养老院']) });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('death', row, outcome);
    return this.g.addDeath(s, outcome, { origin: via, date, dateKind: 'death' });
  }

  /** Big-data cremation (relayed from civil affairs): dated SWRQ when present, else HHRQ (proxy). */
  cremation(s: Subject, death: string | null, cremation: string, o: WriteOpts = {}): DeathFact | null {
    const st = this.g.stamp(cremation, 1, 5, o);
    const home = this.g.rng.pick(this.g.cityOf(s).funeralHomes);
    const row = this.row('HH', s, '省民政厅', st, o, { SWRQ: death ? this.bd(death) : '', HHRQ: this.bd(cremation), BYG: home });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('cremation', row, outcome);
    return this.g.addDeath(s, outcome, death ? { origin: 'civil', date: death, dateKind: 'death' } : { origin: 'civil', date: cremation, dateKind: 'proxy' });
  }

  prison(s: Subject, start: string, end: string | null, prison: string, o: WriteOpts = {}): Outcome {
    const st = this.g.stamp(start, 2, 20, o);
    const row = this.row('XQ', s, this.g.rng.pick(SJLY.justice), st, o, { XQQSRQ: this.bd(start), XQJZRQ: end ? this.bd(end) : '', JYMC: prison });
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('prison', row, outcome);
    return outcome;
  }

  /**
   * Big-data household record (always relayed from the provincial police). `code`: `1` normal
   * (dated by GXSJ), or a cancellation reason `01`…`07`, `99` with its date.
   */
  hukou(s: Subject, h: { code: 'normal' | '01' | '02' | '03' | '04' | '05' | '06' | '07' | '99'; date?: string; deathDate?: string }, o: WriteOpts = {}): DeathFact | null {
    const eventDate = h.date ?? this.g.horizon;
    const st = this.g.stamp(eventDate, 0, 4, o);
    const extra: SourceRow = h.code === 'normal'
      ? { HKZT: '1', ZXYYDM: '', ZXRQ: '' }
      : { HKZT: '2', ZXYYDM: h.code, ZXRQ: this.bd(eventDate) };
    if (h.deathDate) extra.SWRQ = this.bd(h.deathDate);
    const row = this.row('HK', s, '省公安厅', st, o, extra);
    const outcome = this.g.outcomeOf(o, STAGED, st);
    this.push('hukou', row, outcome);
    if (h.code === '01' || h.code === '02') {
      return this.g.addDeath(s, outcome, h.deathDate ? { origin: 'police', date: h.deathDate, dateKind: 'death' } : { origin: 'police', date: eventDate, dateKind: 'proxy' });
    }
    return null;
  }
}
