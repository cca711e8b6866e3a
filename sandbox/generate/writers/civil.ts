// Civil affairs (GBK file drop): cremation rows gathered per county file and delivery day, then
// laid out as the offices write them (encodings, line ends, quoting, blank lines, no `.ok` yet).
import type { CivilFile } from '../../world.ts';
import { CIVIL_HEADER } from '../../../schemas/civil.ts';
import { addDays, compact, maxDate, minDate } from '../calendar.ts';
import { civilDate, timeOfDay } from '../forms.ts';
import { sendId } from '../identity.ts';
import { STAGED, UNSEEN, type Outcome } from '../ledger.ts';
import type { DeathFact, Subject, WorldDraft, WriteOpts } from '../world-draft.ts';

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

export class CivilWriter {
  private readonly g: WorldDraft;
  private readonly files = new Map<string, CivilFileDraft>();
  private incompleteFile: CivilFileDraft | null = null;

  constructor(g: WorldDraft) {
    this.g = g;
  }

  private file(area: string, date: string): CivilFileDraft {
    const name = `HH_${area}_${compact(date)}.csv`;
    let file = this.files.get(name);
    if (!file) {
      file = { name, encoding: this.g.rng.chance(0.8) ? 'gbk' : 'utf8-bom', complete: true, rows: [] };
      this.files.set(name, file);
    }
    return file;
  }

  /**
   * A cremation row. Dated 死亡日期 (`death`) when given, else 火化日期 (proxy). Texts may be
   * given exactly (`deathText`, `cremationText`) for dirt. `incomplete`: in the file still
   * being transferred (no `.ok`): counts nowhere. `twice`: the office sent the row twice.
   */
  death(s: Subject, c: {
    death: string | null; cremation: string | null; deathText?: string; cremationText?: string;
    incomplete?: boolean; twice?: boolean; registered?: string; birthText?: string; sexText?: string;
  }, o: WriteOpts = {}): DeathFact | null {
    const latestEvent = maxDate(c.death ?? '0000-00-00', c.cremation ?? '0000-00-00');
    const area = s.areaCode.startsWith('44') ? s.areaCode : this.g.pickCounty().code;
    let file: CivilFileDraft;
    let registered: string;
    if (c.incomplete) {
      registered = this.g.asOf;
      if (!this.incompleteFile) {
        this.incompleteFile = { name: `HH_${area}_${compact(this.g.asOf)}.csv`, encoding: 'gbk', complete: false, rows: [] };
      }
      file = this.incompleteFile;
    } else {
      const lastDay = addDays(this.g.horizon, -1);
      registered = c.registered ?? (latestEvent > '0000' && latestEvent <= lastDay
        ? minDate(addDays(latestEvent, this.g.rng.int(1, 4)), lastDay)
        : lastDay);
      if (latestEvent > '0000' && registered < latestEvent && !o.outcome) {
        throw new Error(`generator bug: civil row registered ${registered} before its event ${latestEvent}`);
      }
      // offices deliver once a week (Tuesdays), and the day before the as-of date at the latest
      const weekday = new Date(`${registered}T00:00:00Z`).getUTCDay();
      file = this.file(area, minDate(addDays(registered, (9 - weekday) % 7), lastDay));
    }
    const gbk = file.encoding === 'gbk';
    const cells = [
      this.g.nameText(s, o, gbk),
      o.idText ?? sendId(s.personId, this.g.rng, 0.25),
      c.sexText ?? (this.g.rng.chance(0.6) ? s.sex : s.sex === '1' ? '男' : '女'),
      c.birthText ?? (this.g.rng.chance(0.9) ? civilDate(s.birthDate, this.g.rng) : '不详'),
      c.deathText ?? (c.death ? civilDate(c.death, this.g.rng) : ''),
      c.cremationText ?? (c.cremation ? civilDate(c.cremation, this.g.rng) : ''),
      this.g.rng.pick(this.g.cityOf(s).funeralHomes),
      `${registered} ${timeOfDay(this.g.rng)}`,
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
    if (outcome.kind === 'staged' && s.person && date <= this.g.last) {
      s.person.deaths.push(fact);
      if (c.twice) s.person.deaths.push(fact);
      return fact;
    }
    return null;
  }

  layout(): void {
    const files = [...this.files.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (this.incompleteFile) files.push(this.incompleteFile);
    // the largest file carries every oddity at least once, whatever the dice say elsewhere
    let largest: CivilFileDraft | null = null;
    for (const f of files) if (f.complete && (!largest || f.rows.length > largest.rows.length)) largest = f;
    files.forEach((f, i) => {
      const forced = f === largest;
      const crlf = i === 0 || this.g.rng.chance(0.2);
      const quoteAll = i === 1 || this.g.rng.chance(0.15);
      const finalNewline = !(i === 2 || forced || this.g.rng.chance(0.3));
      if (i === 3 && f.complete) f.encoding = 'utf8-bom';
      const lines: string[] = [CIVIL_HEADER.join(',')];
      const rows = f.rows;
      for (let r = 0; r < rows.length; r++) {
        if (r > 0 && (this.g.rng.chance(0.06) || (forced && r === 1))) lines.push(this.g.rng.pick(['', ',,,,,,,', '   ', ' , , ,,,　,,']));
        if (forced && r === 0) lines.push('');
        lines.push(rows[r].cells.map((cell) => csvCell(cell, quoteAll)).join(','));
        this.g.ledger.record('civil', 'cremation', `${f.name}:${lines.length}`, rows[r].outcome);
      }
      const text = lines.join(crlf ? '\r\n' : '\n') + (finalNewline ? (crlf ? '\r\n' : '\n') : '');
      const file: CivilFile = { name: f.name, encoding: f.encoding, text };
      if (!f.complete) file.complete = false;
      this.g.world.sources.civil!.push(file);
    });
  }
}

function csvCell(value: string, quoteAll: boolean): string {
  if (quoteAll || /[",\r\n]/.test(value)) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
