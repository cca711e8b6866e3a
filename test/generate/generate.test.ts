import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Ajv2020 from 'ajv/dist/2020.js';
import { DIRT, SCENARIO_KINDS, generateWorld, worldPaths, writeWorld, type GeneratedWorld } from '../../sandbox/generate.ts';
import { WorldDraft } from '../../sandbox/generate/world-draft.ts';
import type { SourceRow, World } from '../../sandbox/world.ts';
import { CIVIL_HEADER } from '../../schemas/civil.ts';

// ---- test-side helpers (deliberately independent of the generator's and the hub's code) ----

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function check(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return '10X98765432'[sum % 11];
}

/** normalization.md identity steps 1–5, enough to tell a recoverable id from a broken one. */
function recoverId(raw: string): string | null {
  let v = raw.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[Ｘｘx]/g, 'X').replace(/\s/g, '');
  if (/^\d{15}$/.test(v)) v = v.slice(0, 6) + '19' + v.slice(6) + check(v.slice(0, 6) + '19' + v.slice(6));
  if (!/^\d{17}[\dX]$/.test(v) || check(v.slice(0, 17)) !== v[17]) return null;
  return v;
}

/** An update time as epoch ms (source local times are China time). */
function updateMs(value: string): number {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)) return Date.parse(`${v.replace(' ', 'T')}+08:00`);
  return Date.parse(v);
}

function endOfDay(date: string): number {
  return Date.parse(`${date}T23:59:59.999+08:00`);
}

interface Held { channel: string; dataset: string; recordId: string; row: SourceRow; seen: boolean; idField: string }

/** Every record the world holds, with whether a first pull with asOf sees it. */
function heldRecords(world: World): Held[] {
  const cut = endOfDay(world.asOf);
  const out: Held[] = [];
  for (const [dataset, rows] of Object.entries(world.sources.ministry ?? {})) {
    for (const row of rows ?? []) out.push({ channel: 'ministry', dataset, recordId: row.recordId, row, seen: row.aae036.slice(0, 10) <= world.asOf, idField: 'aac002' });
  }
  for (const [dataset, rows] of Object.entries(world.sources.bigdata ?? {})) {
    for (const row of rows ?? []) out.push({ channel: 'bigdata', dataset, recordId: row.JLID, row, seen: updateMs(row.GXSJ) <= cut, idField: 'GMSFHM' });
  }
  const late = world.faults?.police?.lateItems ?? {};
  for (const [city, rows] of Object.entries(world.sources.police ?? {})) {
    for (const row of [...rows, ...(late[city] ?? [])]) out.push({ channel: `police-${city}`, dataset: 'hukou', recordId: row.id, row, seen: updateMs(row.gxsj) <= cut, idField: 'sfzh' });
  }
  const healthIds: Record<string, string> = { 'death-certificates': 'certificateNo', vaccinations: 'vaccinationId', checkups: 'checkupId' };
  for (const [dataset, rows] of Object.entries(world.sources.health ?? {})) {
    for (const row of rows ?? []) out.push({ channel: 'health', dataset, recordId: row[healthIds[dataset]], row, seen: updateMs(row.updatedAt) <= cut, idField: 'idNumber' });
  }
  for (const file of world.sources.civil ?? []) {
    civilRows(file.text).forEach(({ line, cells }) => {
      const row: SourceRow = {};
      CIVIL_HEADER.forEach((h, i) => { row[h] = cells[i] ?? ''; });
      out.push({ channel: 'civil', dataset: 'cremation', recordId: `${file.name}:${line}`, row, seen: file.complete !== false, idField: '身份证号码' });
    });
  }
  return out;
}

/** A small RFC 4180 reader that keeps physical line numbers (no field in these files spans lines). */
function civilRows(text: string): { line: number; cells: string[] }[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((l, i) => {
    if (i === 0) return;
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let k = 0; k < l.length; k++) {
      const c = l[k];
      if (quoted) {
        if (c === '"' && l[k + 1] === '"') { cur += '"'; k++; } else if (c === '"') quoted = false; else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { cells.push(cur); cur = ''; } else cur += c;
    }
    cells.push(cur);
    if (cells.every((x) => x.trim() === '')) return;
    rows.push({ line: i + 1, cells });
  });
  return rows;
}

const REASONS = ['CERT_VALID', 'DEFERRED', 'RELEASED', 'RECERTIFIED', 'DEATH', 'IMPRISONED', 'DUPLICATE', 'NATIONALITY_LOST', 'MISSING',
  'ALIVE_AFTER_DEATH', 'SINGLE_SOURCE_DEATH', 'DEATH_DATE_CONFLICT', 'STATUS_CONFLICT', 'NAME_MISMATCH', 'HUKOU_CANCELLED_OTHER',
  'SETTLED_ABROAD', 'CERT_EXPIRED', 'ACCOUNT_SEALED', 'SEAL_DUE', 'REMAINS_SUSPENDED'];
const REJECTION_CODES = ['REQUIRED_MISSING', 'CODE_UNKNOWN', 'ID_SCIENTIFIC_NOTATION', 'ID_FORMAT', 'ID_CHECKSUM', 'ID_BIRTHDATE', 'ID_REGION', 'DATE_INVALID', 'DATE_FUTURE'];
const SKIP_CODES = ['NOT_RESIDENT_ID', 'OWN_PENSION', 'RESULT_FAIL'];

describe('sandbox world generator', () => {
  let gw: GeneratedWorld;
  let held: Held[];

  before(() => {
    gw = generateWorld({ persons: 2000, seed: 'lifecert-test' });
    held = heldRecords(gw.world);
  });

  describe('determinism', () => {
    it('gives byte-identical world and expected JSON for the same seed', () => {
      const again = generateWorld({ persons: 2000, seed: 'lifecert-test' });
      assert.equal(JSON.stringify(again.world), JSON.stringify(gw.world));
      assert.equal(JSON.stringify(again.expected), JSON.stringify(gw.expected));
    });

    it('gives another world for another seed (a number is a seed of its own)', () => {
      const other = generateWorld({ persons: 2000, seed: 'lifecert-test-2' });
      assert.notEqual(JSON.stringify(other.world), JSON.stringify(gw.world));
      const numeric = generateWorld({ persons: 300, seed: 42 });
      const text = generateWorld({ persons: 300, seed: '42' });
      assert.notEqual(JSON.stringify(numeric.world.roster), JSON.stringify(text.world.roster));
      assert.equal(JSON.stringify(generateWorld({ persons: 300, seed: 42 }).world), JSON.stringify(numeric.world));
    });

    it('faults never change outcomes: only where late police items are served differs', () => {
      const calm = generateWorld({ persons: 2000, seed: 'lifecert-test', faults: false });
      assert.deepEqual(calm.expected.results, gw.expected.results);
      assert.deepEqual(calm.expected.counts, gw.expected.counts);
      assert.deepEqual(calm.expected.rejections, gw.expected.rejections);
      assert.deepEqual(calm.expected.skips, gw.expected.skips);
      assert.deepEqual(calm.world.faults, {
        ministry: { busyEveryNthCall: 0 }, bigdata: { rateLimitEveryNthCall: 0, unavailableEveryNthCall: 0 },
        police: { tokenTtlSeconds: 600, lateItems: {} }, health: { htmlErrorEveryNthCall: 0 }, civil: {},
      });
      const lateCount = Object.values(gw.world.faults!.police!.lateItems!).reduce((n, rows) => n + rows.length, 0);
      assert.ok(lateCount > 0, 'late police items when faults are on');
      const policeCount = (w: World) => Object.values(w.sources.police!).reduce((n, rows) => n + rows.length, 0);
      assert.equal(policeCount(calm.world), policeCount(gw.world) + lateCount);
    });
  });

  describe('world file', () => {
    it('validates against world.schema.json (draft 2020-12)', () => {
      const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/world.schema.json'), 'utf8'));
      const ajv = new Ajv2020.default({ allErrors: true, strict: false });
      const validate = ajv.compile(schema);
      for (const w of [gw.world, generateWorld({ persons: 120, seed: 'small', faults: false, cities: ['4403'] }).world]) {
        const ok = validate(w);
        assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5)));
      }
    });

    it('sets the contract faults when faults are on', () => {
      const f = gw.world.faults!;
      assert.equal(f.ministry?.busyEveryNthCall, 5);
      assert.equal(f.bigdata?.rateLimitEveryNthCall, 7);
      assert.equal(f.bigdata?.unavailableEveryNthCall, 11);
      assert.equal(f.health?.htmlErrorEveryNthCall, 6);
      assert.ok((f.police?.tokenTtlSeconds ?? 600) <= 5);
    });

    it('has unique roster ids with a correct check digit, county, birth date and sex', () => {
      const seen = new Set<string>();
      for (const e of gw.world.roster) {
        assert.ok(!seen.has(e.personId), `duplicate ${e.personId}`);
        seen.add(e.personId);
        assert.equal(check(e.personId.slice(0, 17)), e.personId[17], e.personId);
        assert.equal(e.personId.slice(0, 6), e.areaCode);
        assert.equal(e.personId.slice(6, 14), e.birthDate.replaceAll('-', ''));
        assert.equal(Number(e.personId[16]) % 2 === 1 ? '1' : '2', e.sex);
        assert.ok(e.monthlyAmountFen >= 15000 && e.monthlyAmountFen <= 60000);
        assert.ok(e.startedMonth <= e.paidThrough || e.benefitStatus === 'suspended', `${e.personId} started after paid through`);
        const born = Number(e.birthDate.slice(0, 4));
        assert.ok(Number(e.startedMonth.slice(0, 4)) >= born + 60, `${e.personId} started before 60`);
        assert.ok(e.startedMonth >= '2009-10');
      }
      assert.equal(seen.size, 2000);
      const roster = gw.world.roster.map((e) => e.personId);
      assert.deepEqual(roster, [...roster].sort());
    });

    it('writes the record ids of every source uniquely per dataset', () => {
      const keys = new Set<string>();
      for (const h of held) {
        const key = `${h.channel}/${h.dataset}/${h.recordId}`;
        assert.ok(!keys.has(key), `duplicate record ${key}`);
        keys.add(key);
      }
    });

    it('writes every staged record with an identity number that normalizes to a valid one', () => {
      const refused = new Set([...gw.expected.rejections, ...gw.expected.skips].map((r) => `${r.channel}/${r.dataset}/${r.recordId}`));
      let staged = 0;
      for (const h of held) {
        if (!h.seen || refused.has(`${h.channel}/${h.dataset}/${h.recordId}`)) continue;
        staged++;
        assert.ok(recoverId(h.row[h.idField]) !== null, `${h.channel}/${h.dataset}/${h.recordId}: ${h.row[h.idField]}`);
      }
      const total = Object.values(gw.expected.counts).reduce((n, c) => n + c.staged, 0);
      assert.equal(staged, total);
    });

    it('uses the roster cities for police and keeps persons in them', () => {
      const w = generateWorld({ persons: 400, seed: 'cities', cities: ['4401', '4452'] }).world;
      assert.deepEqual(Object.keys(w.sources.police!).sort(), ['4401', '4452']);
      for (const e of w.roster) assert.ok(['4401', '4452'].includes(e.areaCode.slice(0, 4)), e.areaCode);
    });
  });

  describe('civil files', () => {
    it('are GBK-safe or UTF-8 (BOM added by the simulator), never hold a BOM, and name their county and day', () => {
      const civil = gw.world.sources.civil!;
      assert.ok(civil.some((f) => f.encoding === 'gbk') && civil.some((f) => f.encoding === 'utf8-bom'));
      for (const f of civil) {
        assert.match(f.name, /^HH_44\d{4}_\d{8}\.csv$/);
        assert.ok(!f.text.startsWith('\uFEFF'));
        assert.ok(f.text.startsWith(CIVIL_HEADER.join(',')));
        if (f.encoding === 'gbk') assert.equal(iconv.decode(iconv.encode(f.text, 'gbk'), 'gbk'), f.text, `${f.name} not GBK-safe`);
        if (f.complete !== false) assert.ok(f.name.slice(10, 18) < gw.world.asOf.replaceAll('-', ''), `${f.name} delivered too late`);
      }
      assert.equal(civil.filter((f) => f.complete === false).length, 1);
    });

    it('carry blank lines, CRLF, a last line without newline and quoted fields with commas and quotes', () => {
      const texts = gw.world.sources.civil!.map((f) => f.text);
      assert.ok(texts.some((t) => t.includes('\r\n')));
      assert.ok(texts.some((t) => !t.endsWith('\n')));
      assert.ok(texts.some((t) => /\n[ ,　]*\r?\n/.test(t)), 'a blank line');
      assert.ok(texts.some((t) => /"[^"\n]*,[^"\n]*"/.test(t)), 'a quoted field with a comma');
      assert.ok(texts.some((t) => t.includes('""')), 'an escaped quote');
    });
  });

  describe('expected counts', () => {
    it('declare every dataset of every channel, and pulled = staged + rejected + skipped', () => {
      const cities = Object.keys(gw.world.sources.police!);
      const keys = [
        ...['DEATH', 'BENEFIT', 'AUTH', 'TRAVEL', 'MEDICAL', 'PRISON', 'OVERSEAS'].map((d) => `ministry/${d}`),
        ...['hukou', 'death', 'cremation', 'prison'].map((d) => `bigdata/${d}`),
        ...cities.map((c) => `police-${c}/hukou`),
        'civil/cremation',
        ...['death-certificates', 'vaccinations', 'checkups'].map((d) => `health/${d}`),
      ];
      assert.deepEqual(Object.keys(gw.expected.counts).sort(), keys.sort());
      for (const [key, c] of Object.entries(gw.expected.counts)) {
        assert.equal(c.pulled, c.staged + c.rejected + c.skipped, key);
        assert.equal(gw.expected.rejections.filter((r) => `${r.channel}/${r.dataset}` === key).length, c.rejected, key);
        assert.equal(gw.expected.skips.filter((r) => `${r.channel}/${r.dataset}` === key).length, c.skipped, key);
        assert.ok(c.pulled > 0, `${key} is empty`);
      }
    });

    it('count exactly the records a first pull sees: nothing after the as-of day, nothing in a file without .ok', () => {
      const seen: Record<string, number> = {};
      for (const h of held) if (h.seen) seen[`${h.channel}/${h.dataset}`] = (seen[`${h.channel}/${h.dataset}`] ?? 0) + 1;
      for (const [key, c] of Object.entries(gw.expected.counts)) assert.equal(c.pulled, seen[key] ?? 0, key);
      const unseen = held.filter((h) => !h.seen);
      for (const channel of ['ministry', 'bigdata', 'health', 'civil']) assert.ok(unseen.some((h) => h.channel === channel), `nothing unseen in ${channel}`);
      assert.ok(unseen.some((h) => h.channel.startsWith('police-')));
      const ids = new Set(held.filter((h) => h.seen).map((h) => `${h.channel}/${h.dataset}/${h.recordId}`));
      for (const r of [...gw.expected.rejections, ...gw.expected.skips]) assert.ok(ids.has(`${r.channel}/${r.dataset}/${r.recordId}`), `${r.recordId} not in the world`);
    });

    it('covers every rejection and skip code', () => {
      for (const code of REJECTION_CODES) assert.ok(gw.expected.rejections.some((r) => r.reasonCode === code), code);
      for (const code of SKIP_CODES) assert.ok(gw.expected.skips.some((r) => r.reasonCode === code), code);
      const civilFields = new Set(gw.expected.rejections.filter((r) => r.channel === 'civil').map((r) => r.field));
      for (const f of ['身份证号码', '死亡日期', '火化日期']) assert.ok(civilFields.has(f), f);
    });
  });

  describe('scenarios and results', () => {
    it('every scenario kind and dirt item appears in a 2,000-person world', () => {
      for (const kind of SCENARIO_KINDS) assert.ok((gw.expected.catalog.scenarios[kind] ?? 0) > 0, kind);
      for (const item of DIRT) assert.ok((gw.expected.catalog.dirt[item.name] ?? 0) > 0, item.name);
      const reasons = new Set(Object.values(gw.expected.results).flatMap((r) => r.reasons));
      for (const code of REASONS) assert.ok(reasons.has(code as never), code);
    });

    it('gives one well-formed result per roster entry (decision-rules §7)', () => {
      const results = gw.expected.results;
      assert.equal(Object.keys(results).length, gw.world.roster.length);
      for (const e of gw.world.roster) {
        const r = results[e.personId];
        assert.ok(r, e.personId);
        assert.equal(r.areaCode, e.areaCode);
        assert.equal(r.period, gw.world.period);
        assert.deepEqual(r.reasons, [...new Set(r.reasons)].sort());
        assert.ok(r.reasons.length > 0);
        if (r.decision === 'ineligible') {
          assert.ok(r.lossDate !== null && r.overpaidMonths !== null);
          assert.equal(r.overpaidAmountFen, r.overpaidMonths * e.monthlyAmountFen);
          assert.equal(r.action, e.benefitStatus === 'normal' ? 'STOP' : 'NONE');
          assert.equal(r.certifiedMonth, null);
        } else {
          assert.equal(r.lossDate, null);
          assert.equal(r.overpaidMonths, null);
        }
        if (r.decision === 'eligible') {
          assert.ok(r.certifiedUntil !== null && r.certifiedUntil >= gw.world.period && r.riskLevel !== null);
          assert.ok(r.certifiedMonth !== null && r.certifiedMonth >= e.lastCertifiedMonth);
        }
        if (r.decision === 'suspect' && r.reasons[0] === 'CERT_EXPIRED') assert.ok(r.certifiedUntil !== null && r.certifiedUntil < gw.world.period);
        if (r.decision === 'suspect' && r.reasons[0] !== 'CERT_EXPIRED') assert.deepEqual([r.riskLevel, r.certifiedMonth], ['HIGH', null]);
        if (e.accountStatus === 'sealed') assert.deepEqual(r.reasons, ['ACCOUNT_SEALED']);
        if (r.reasons.includes('CERT_VALID')) assert.equal(r.certifiedMonth, e.lastCertifiedMonth);
      }
    });

    it('knows the outcome each scenario is named after', () => {
      const byScenario = (kind: string) => Object.values(gw.expected.results).filter((r) => r.scenario === kind);
      const every = (kind: string, reasons: string[], decision: string) => {
        const rs = byScenario(kind);
        assert.ok(rs.length > 0, kind);
        for (const r of rs) {
          assert.deepEqual(r.reasons, reasons, `${kind} ${r.personId}`);
          assert.equal(r.decision, decision, kind);
        }
      };
      every('death-date-conflict', ['DEATH_DATE_CONFLICT'], 'suspect');
      every('death-dates-31-days-apart', ['DEATH'], 'ineligible');
      every('death-alive-strong-next-day', ['ALIVE_AFTER_DEATH'], 'suspect');
      every('death-alive-weak-7-days-later', ['DEATH'], 'ineligible');
      every('death-alive-weak-8-days-later', ['ALIVE_AFTER_DEATH'], 'suspect');
      every('death-one-origin-two-channels', ['SINGLE_SOURCE_DEATH'], 'suspect');
      every('death-second-origin-rejected', ['SINGLE_SOURCE_DEATH'], 'suspect');
      every('death-second-origin-after-as-of', ['SINGLE_SOURCE_DEATH'], 'suspect');
      every('death-second-origin-in-incomplete-file', ['SINGLE_SOURCE_DEATH'], 'suspect');
      every('death-second-origin-passport', ['SINGLE_SOURCE_DEATH'], 'suspect');
      every('death-late-police-item', ['DEATH'], 'ineligible');
      every('death-status-conflict', ['STATUS_CONFLICT'], 'suspect');
      every('death-hukou-normal-same-day', ['DEATH'], 'ineligible');
      every('death-misnamed', ['NAME_MISMATCH'], 'suspect');
      every('death-unreadable-name', ['DEATH'], 'ineligible');
      every('death-three-origins', ['DEATH'], 'ineligible');
      every('sealed-account-with-death', ['ACCOUNT_SEALED'], 'excluded');
      every('hukou-same-update-time-cancellation-has-greater-id', ['HUKOU_CANCELLED_OTHER'], 'suspect');
      every('settled-abroad-auth-same-day', ['SETTLED_ABROAD'], 'suspect');
      every('settled-abroad-misnamed', ['NAME_MISMATCH', 'SETTLED_ABROAD'], 'suspect');
      every('nationality-lost', ['NATIONALITY_LOST'], 'ineligible');
      every('nationality-lost-normal-other-channel', ['STATUS_CONFLICT'], 'suspect');
      every('missing-normal-before', ['MISSING'], 'ineligible');
      every('imprisoned-already-suspended', ['IMPRISONED'], 'ineligible');
      every('imprisonment-merged-one-misnamed', ['IMPRISONED', 'NAME_MISMATCH'], 'ineligible');
      every('imprisonment-merged-misnamed-ended', ['NAME_MISMATCH'], 'suspect');
      every('released-strong-alive-after', ['RELEASED'], 'eligible');
      every('released-no-strong-alive-after', ['REMAINS_SUSPENDED'], 'excluded');
      every('released-alive-between-sentences', ['REMAINS_SUSPENDED'], 'excluded');
      every('suspended-imprisoned-without-records', ['REMAINS_SUSPENDED'], 'excluded');
      every('recertified', ['RECERTIFIED'], 'eligible');
      every('recertified-too-stale', ['REMAINS_SUSPENDED'], 'excluded');
      every('seal-due', ['SEAL_DUE'], 'excluded');
      every('remains-suspended', ['REMAINS_SUSPENDED'], 'excluded');
      every('duplicate-with-hukou-cancelled-other', ['DUPLICATE', 'HUKOU_CANCELLED_OTHER'], 'ineligible');
      every('duplicate-misnamed', ['NAME_MISMATCH'], 'suspect');
      every('died-in-prison', ['DEATH', 'IMPRISONED'], 'ineligible');
      every('imprisoned-with-single-source-death', ['IMPRISONED', 'SINGLE_SOURCE_DEATH'], 'ineligible');
      for (const r of byScenario('imprisoned-already-suspended')) assert.equal(r.overpaidMonths, 0);
      for (const r of byScenario('deferred-weak-only-edge')) assert.deepEqual([r.reasons[0], r.certifiedUntil, r.riskLevel], ['DEFERRED', gw.world.period, 'MEDIUM']);
      for (const r of byScenario('certified-at-p-minus-12')) assert.deepEqual([r.reasons[0], r.riskLevel], ['CERT_EXPIRED', 'MEDIUM']);
      for (const r of byScenario('certified-at-p-minus-11')) assert.deepEqual([r.reasons[0], r.riskLevel], ['CERT_VALID', 'LOW']);
      for (const r of byScenario('age-80-on-last-day')) assert.equal(r.riskLevel, 'MEDIUM');
      for (const r of byScenario('age-79-day-before-80')) assert.equal(r.riskLevel, 'LOW');
      for (const r of byScenario('age-90-overseas-high')) assert.deepEqual([r.reasons[0], r.riskLevel], ['DEFERRED', 'HIGH']);
    });

    it('writes the dirty but recoverable forms departments send', () => {
      const ids = held.filter((h) => h.seen).map((h) => h.row[h.idField]);
      assert.ok(ids.some((v) => /^\d{15}$/.test(v)), '15-digit');
      assert.ok(ids.some((v) => /^\d{17}x$/.test(v)), 'lower-case x');
      assert.ok(ids.some((v) => /^[０-９]{17}[０-９Ｘｘ]$/.test(v)), 'full width');
      assert.ok(ids.some((v) => /^[０-９]{6}\d{11}[\dX]$/.test(v)), 'full-width head');
      assert.ok(ids.some((v) => v !== v.trim()), 'padded');
      assert.ok(ids.some((v) => /^\d{6} \d{8} /.test(v)), 'inner spaces');
      const names = held.map((h) => h.row.aac003 ?? h.row.XM ?? h.row.xm ?? h.row.name ?? h.row['逝者姓名'] ?? '');
      for (const [what, re] of [['U+3000', /　/], ['?', /\?/], ['？', /？/], ['U+FFFD', /\uFFFD/], ['private use', /[\uE000-\uF8FF]/],
        ['full-width Latin', /[Ａ-Ｚ]/], ['separator dot', /[•・．‧･]/]] as const) {
        assert.ok(names.some((n) => re.test(n)), what);
      }
      const civilDates = held.filter((h) => h.channel === 'civil').map((h) => h.row['死亡日期']);
      for (const [what, re] of [['chinese', /年.*月.*日/], ['slashes', /^\d{4}\/\d{1,2}\/\d{1,2}$/], ['dots', /^\d{4}\.\d{1,2}\.\d{1,2}$/],
        ['compact', /^\d{8}$/], ['unpadded', /^\d{4}-\d{1,2}-\d{1,2}$/], ['UTC', /Z$/], ['full width', /[０-９]/], ['date-time', /^\d{4}-\d{2}-\d{2} \d{2}:/]] as const) {
        assert.ok(civilDates.some((d) => re.test(d ?? '')), what);
      }
      assert.ok(held.some((h) => h.channel === 'civil' && /E\+?17$/i.test(h.row['身份证号码'])), 'scientific notation');
    });
  });

  describe('writing', () => {
    it('streams the same bytes as JSON.stringify, with the sidecar beside the world', () => {
      const dir = mkdtempSync(join(tmpdir(), 'lifecert-world-'));
      try {
        const paths = writeWorld(gw, dir);
        assert.deepEqual(paths, { world: join(dir, 'world.json'), expected: join(dir, 'world.expected.json') });
        assert.equal(readFileSync(paths.world, 'utf8'), JSON.stringify(gw.world));
        assert.equal(readFileSync(paths.expected, 'utf8'), JSON.stringify(gw.expected));
        const named = writeWorld(gw, join(dir, 'sub', 'demo.json'));
        assert.equal(named.expected, join(dir, 'sub', 'demo.expected.json'));
        assert.deepEqual(JSON.parse(readFileSync(named.world, 'utf8')), JSON.parse(JSON.stringify(gw.world)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      assert.deepEqual(worldPaths({ world: '/x/w.json' }), { world: '/x/w.json', expected: '/x/w.expected.json' });
    });
  });

  describe('options', () => {
    it('refuses options it cannot honour, with a clear message', () => {
      assert.throws(() => generateWorld({ persons: 0, seed: 1 }), /persons/);
      assert.throws(() => generateWorld({ persons: 1.5, seed: 1 }), /persons/);
      assert.throws(() => generateWorld({ persons: 10, seed: 1, period: '2026-13' }), /period/);
      assert.throws(() => generateWorld({ persons: 10, seed: 1, asOf: '2026-02-30' }), /asOf/);
      assert.throws(() => generateWorld({ persons: 10, seed: 1, asOf: '2026-10-31' }), /before the period/);
      assert.throws(() => generateWorld({ persons: 10, seed: 1, cities: ['4499'] }), /unknown city/);
      assert.throws(() => generateWorld({ persons: 10, seed: 1, cities: [] }), /at least one/);
    });

    it('generates tiny worlds and other periods', () => {
      const tiny = generateWorld({ persons: 3, seed: 't' });
      assert.equal(tiny.world.roster.length, 3);
      const spring = generateWorld({ persons: 500, seed: 's', period: '2027-03', asOf: '2027-03-31' });
      assert.equal(spring.world.period, '2027-03');
      for (const [key, c] of Object.entries(spring.expected.counts)) assert.equal(c.pulled, c.staged + c.rejected + c.skipped, key);
    });
  });

  describe('scale', () => {
    it('generates a 200,000-person world', function () {
      // how long it takes is `npm run bench:scale`'s to say
      this.timeout(240_000);
      const big = generateWorld({ persons: 200_000, seed: 'scale' });
      assert.equal(big.world.roster.length, 200_000);
      assert.equal(Object.keys(big.expected.results).length, 200_000);
      for (const [key, c] of Object.entries(big.expected.counts)) assert.equal(c.pulled, c.staged + c.rejected + c.skipped, key);
    });
  });
});

describe('generator: identity numbers when one county, birth date and sex run out', () => {
  it('moves a person with a pinned birth date to another county once its 500 numbers are used, instead of drawing for ever', () => {
    // one city of 11 counties: women born on one day have 11 × 500 numbers; 5,000 of them fill the largest counties
    const g = new WorldDraft({ persons: 5000, seed: 'ids-run-out', period: '2026-11', asOf: '2026-11-28', faults: false, cities: ['4401'] });
    const ids = new Set<string>();
    const perCounty = new Map<string, number>();
    const mint = () => {
      const p = g.person('age-80-on-last-day', { birthDate: '1946-11-30', sex: '2' });
      const id = p.entry.personId;
      assert.equal(check(id.slice(0, 17)), id[17], `${id}: check digit`);
      assert.equal(id.slice(0, 6), p.entry.areaCode, 'the number names the county the person lives in');
      assert.equal(id.slice(6, 14), '19461130', 'the birth date stays the pinned one');
      assert.equal(Number(id[16]) % 2, 0, 'a woman: an even sex digit');
      ids.add(id);
      perCounty.set(p.entry.areaCode, (perCounty.get(p.entry.areaCode) ?? 0) + 1);
    };
    for (let i = 0; i < 5000; i++) mint();
    assert.equal(ids.size, 5000, 'every number minted once');
    assert.equal(perCounty.size, 11);
    assert.ok([...perCounty.values()].every((n) => n <= 500), `at most 500 a county: ${JSON.stringify(Object.fromEntries(perCounty))}`);
    assert.ok([...perCounty.values()].filter((n) => n === 500).length >= 2, `the largest counties filled to the last number: ${JSON.stringify(Object.fromEntries(perCounty))}`);
    // past the city's 5,500 numbers: a clear error, not a loop
    assert.throws(() => {
      for (let i = 0; i < 600; i++) mint();
    }, /no free identity number near county \d{6}, born 1946-11-30, sex 2/);
    assert.ok(ids.size > 5000 && ids.size <= 5500, `${ids.size} numbers before the error`);
  });
});
