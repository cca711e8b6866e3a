// City police (OAuth2 REST): household records of one endpoint per city, and the late items a
// paging client must not lose.
import type { SourceRow } from '../../world.ts';
import { policeDate } from '../forms.ts';
import { STAGED } from '../ledger.ts';
import type { DeathFact, Subject, WorldDraft, WriteOpts } from '../world-draft.ts';

export class PoliceWriter {
  private readonly g: WorldDraft;
  /** per city: the late items served with faults on (sandbox.md) */
  readonly lateItems: Record<string, SourceRow[]> = {};
  private readonly lateRows: { city: string; row: SourceRow }[] = [];
  /** per city: the newest update time on or before the as-of day of the regular items written so far */
  private readonly newest = new Map<string, string>();

  constructor(g: WorldDraft) {
    this.g = g;
    for (const c of g.cities) this.lateItems[c.code] = [];
  }

  private address(s: Subject): string {
    const city = this.g.cityOf(s);
    const county = city.counties.find((c) => c.code === s.areaCode)?.name ?? '';
    return `${city.name}${county}${this.g.rng.pick(city.streets)}${this.g.rng.int(1, 300)}号`;
  }

  /**
   * A city police household record. `reason` is the cancellation text (`死亡`, `宣告死亡`,
   * `出国定居`, `丧失国籍`, `宣告失踪`, `迁出`, `服兵役`, `其他`) or null for a normal record.
   */
  hukou(s: Subject, reason: string | null, date: string | null, o: WriteOpts = {}): DeathFact | null {
    const city = this.g.cityOf(s).code;
    const eventDate = date ?? this.g.horizon;
    const st = this.g.stamp(eventDate, 0, 3, o);
    let row: SourceRow = {
      id: `${city}HJ${st.slice(0, 4)}${String(100 + this.g.nextSeq(`police-${city}`) * 3).padStart(6, '0')}`,
      sfzh: this.g.idText(s, o),
      xm: this.g.nameText(s, o, false),
      xb: s.sex === '1' ? '男' : '女',
      csrq: policeDate(s.birthDate, this.g.rng),
      hjzt: reason ? '注销' : '正常',
      zxyy: reason ?? '',
      zxrq: reason && date ? policeDate(date, this.g.rng) : '',
      hjdz: this.address(s),
      gxsj: st,
    };
    if (o.raw) row = { ...row, ...o.raw };
    const outcome = this.g.outcomeOf(o, STAGED, st);
    if (o.late) this.lateRows.push({ city, row });
    else {
      this.g.world.sources.police![city].push(row);
      if (row.gxsj <= `${this.g.asOf} 23:59:59` && row.gxsj > (this.newest.get(city) ?? '')) this.newest.set(city, row.gxsj);
    }
    this.g.ledger.record(`police-${city}`, 'hukou', row.id, outcome);
    if (reason === '死亡' || reason === '宣告死亡') {
      return this.g.addDeath(s, outcome, { origin: 'police', date: eventDate, dateKind: 'proxy' });
    }
    return null;
  }

  /**
   * Late police items (sandbox.md): served after the first page, with update times up to one day
   * older than the newest item already served. They are stamped here, once every regular item of
   * the city is known, so that both fault settings give the same records; with faults off they are
   * ordinary items.
   */
  placeLateItems(): void {
    for (const { city, row } of this.lateRows) {
      // the streamed generator has written the regular items out already: the newest is kept as they are written
      const newest = this.newest.get(city) ?? `${this.g.asOf} 12:00:00`;
      const ms = Date.parse(`${newest.replace(' ', 'T')}+08:00`) - this.g.rng.int(3600, 20 * 3600) * 1000;
      const stamp = new Date(ms + 8 * 3600000).toISOString();
      const gxsj = `${stamp.slice(0, 10)} ${stamp.slice(11, 19)}`;
      // never before the change it reports
      const zxrq = row.zxrq ? row.zxrq.replaceAll('/', '-').replace(/-(\d)(?=-|$)/g, '-0$1') : '';
      row.gxsj = zxrq && gxsj.slice(0, 10) < zxrq ? `${zxrq} 20:00:00` : gxsj;
    }
    for (const { city, row } of this.lateRows) {
      if (this.g.faultsOn) this.lateItems[city].push(row);
      else this.g.world.sources.police![city].push(row);
    }
  }
}
