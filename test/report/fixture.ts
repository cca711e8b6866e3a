// Realistic report inputs: a small run over three counties, and a large generated one.
import type { Decision, Action, ReasonCode, Result } from '../../schemas/types.ts';
import type { ReportCase, ReportInput, ReportPerson, ReportRejection } from '../../report/index.ts';
import { defaultRegistry } from '../../connectors/registry.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A GB 11643 identity number with a correct check digit. */
export function identity(area: string, birth: string, seq: number): string {
  const body = `${area}${birth}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return body + CHECK[sum % 11];
}

export function result(personId: string, areaCode: string, decision: Decision, action: Action, reasons: ReasonCode[], extra: Partial<Result> = {}): Result {
  const eligible = decision === 'eligible';
  return {
    period: '2026-11',
    personId,
    areaCode,
    decision,
    action,
    reasons,
    lossDate: null,
    certifiedMonth: eligible ? '2026-05' : null,
    certifiedUntil: eligible ? '2027-05' : null,
    riskLevel: eligible ? 'LOW' : decision === 'suspect' ? 'HIGH' : null,
    overpaidMonths: null,
    overpaidAmountFen: null,
    evidence: [],
    ...extra,
  };
}

export interface SmallFixture {
  input: ReportInput & { results: Result[] };
  /** every full identity number that appears somewhere in the input */
  fullIds: string[];
  names: string[];
}

/**
 * 天河区 440106: 4 persons (2 eligible, one of them reminded; 1 ineligible by death; 1 suspect);
 * 增城区 440118: 3 persons (1 eligible, 1 ineligible imprisoned, 1 excluded);
 * 普宁市 445281: 1 person, ineligible duplicate with a conflict.
 */
export function smallFixture(): SmallFixture {
  const p = {
    a: identity('440106', '19410516', 21),
    b: identity('440106', '19500302', 112),
    c: identity('440106', '19380811', 35),
    d: identity('440106', '19520120', 47),
    e: identity('440118', '19490909', 18),
    f: identity('440118', '19560101', 73),
    g: identity('440118', '19440704', 92),
    h: identity('445281', '19470212', 54),
  };
  const names: Record<string, string> = {
    [p.a]: '赵国荣', [p.b]: '方锡昌', [p.c]: '欧阳娜娜', [p.d]: '<script>alert("x")</script>',
    [p.e]: '李秀英', [p.f]: '陈建国', [p.g]: '黄丽华', [p.h]: '林&lt;伟',
  };
  const areas: Record<string, string> = {
    [p.a]: '440106', [p.b]: '440106', [p.c]: '440106', [p.d]: '440106',
    [p.e]: '440118', [p.f]: '440118', [p.g]: '440118', [p.h]: '445281',
  };
  const results: Result[] = [
    result(p.a, '440106', 'eligible', 'NONE', ['CERT_VALID'], { certifiedUntil: '2027-01' }),
    result(p.b, '440106', 'eligible', 'RECORD', ['DEFERRED']),
    result(p.c, '440106', 'ineligible', 'STOP', ['DEATH'], { lossDate: '2026-08-14', overpaidMonths: 3, overpaidAmountFen: 52050 }),
    result(p.d, '440106', 'suspect', 'VERIFY', ['SINGLE_SOURCE_DEATH']),
    result(p.e, '440118', 'eligible', 'RESTORE', ['RECERTIFIED']),
    result(p.f, '440118', 'ineligible', 'STOP', ['IMPRISONED'], { lossDate: '2026-07-01', overpaidMonths: 4, overpaidAmountFen: 69400 }),
    result(p.g, '440118', 'excluded', 'SEAL', ['SEAL_DUE']),
    result(p.h, '445281', 'ineligible', 'STOP', ['DUPLICATE', 'NAME_MISMATCH'], { lossDate: '2025-11-01', overpaidMonths: 13, overpaidAmountFen: 225551 }),
  ];
  const roster = new Map<string, ReportPerson>(Object.keys(names).map((id) => [id, { name: names[id], areaCode: areas[id] }]));
  const rejections: ReportRejection[] = [
    { channel: 'ministry', dataset: 'DEATH', recordId: 'SW2026000087431', field: 'aac002', reasonCode: 'ID_CHECKSUM', message: 'aac002 fails the GB 11643 check digit.', personId: null, rawPersonId: '440106194105160217' },
    { channel: 'ministry', dataset: 'DEATH', recordId: 'SW2026000087432', field: 'eventDate', reasonCode: 'DATE_FUTURE', message: `eventDate lies after the as-of date for ${p.a}.`, personId: p.a, rawPersonId: p.a },
    { channel: 'civil', dataset: 'cremation', recordId: 'HH_440106_20261103.csv:2', field: '身份证号码', reasonCode: 'ID_SCIENTIFIC_NOTATION', message: 'The number was turned into 4.40106E+17 by a spreadsheet.', personId: null, rawPersonId: '4.40106E+17' },
    { channel: 'police-4401', dataset: 'hukou', recordId: 'GZ-<b>7</b>', field: 'sfzh', reasonCode: 'ID_FORMAT', message: '<script>steal()</script>', personId: null, rawPersonId: '<img src=x onerror=alert(1)>' },
  ];
  // four more ID_FORMAT rejections: only three examples may be shown
  for (let i = 0; i < 4; i++) {
    rejections.push({ channel: 'bigdata', dataset: 'hukou', recordId: `BD${i}`, field: 'GMSFHM', reasonCode: 'ID_FORMAT', message: 'GMSFHM is not 18 characters.', personId: null, rawPersonId: `44010619${i}` });
  }
  const cases: ReportCase[] = [
    { caseId: 'CASE-2026-11-0001', areaCode: '440106', personId: p.d, reasons: ['SINGLE_SOURCE_DEATH'], openedAt: '2026-11-28T10:00:00+08:00' },
    { caseId: 'CASE-2026-11-0002', areaCode: '445281', personId: p.h, reasons: ['DUPLICATE', 'NAME_MISMATCH'], openedAt: '2026-11-28T10:00:01+08:00' },
    { caseId: 'CASE-2026-10-0093', areaCode: '445281', personId: p.h, reasons: ['NAME_MISMATCH'], openedAt: '2026-10-15T09:30:00+08:00' },
  ];
  const input: ReportInput & { results: Result[] } = {
    period: '2026-11',
    asOf: '2026-11-28',
    generatedAt: '2026-11-28T18:05:00+08:00',
    world: { kind: 'generated', persons: results.length, seed: '42' },
    database: 'PGlite',
    results,
    roster,
    sources: defaultRegistry.labels(),
    counts: {
      'ministry/DEATH': { pulled: 120, staged: 118, rejected: 2, skipped: 0 },
      'ministry/AUTH': { pulled: 5000, staged: 4990, rejected: 0, skipped: 10 },
      'bigdata/hukou': { pulled: 800, staged: 796, rejected: 4, skipped: 0 },
      'police-4401/hukou': { pulled: 300, staged: 299, rejected: 1, skipped: 0 },
      'civil/cremation': { pulled: 40, staged: 39, rejected: 1, skipped: 0 },
      'health/checkups': { pulled: 0, staged: 0, rejected: 0, skipped: 0 },
    },
    rejections,
    cases,
    timings: [
      { channel: 'ministry', dataset: 'DEATH', seconds: 1.5, pulled: 120 },
      { channel: 'ministry', dataset: 'AUTH', seconds: 2, pulled: 5000 },
      { channel: 'bigdata', dataset: 'hukou', seconds: 0.8, pulled: 800 },
      { channel: 'police-4401', dataset: 'hukou', seconds: 0.3, pulled: 300 },
      { channel: 'civil', dataset: 'cremation', seconds: 0.05, pulled: 40 },
      { channel: 'health', dataset: 'checkups', seconds: 0, pulled: 0 },
    ],
    feedback: {
      byChannel: {
        ministry: { REJECTED: 2, CORRECTED: 1, states: { PENDING: 0, SENT: 2, CONFIRMED: 0, FAILED: 1 } },
        bigdata: { REJECTED: 4, CORRECTED: 0, states: { SENT: 4 } },
        civil: { REJECTED: 1, CORRECTED: 0, states: { PENDING: 1 } },
      },
    },
  };
  const fullIds = [...Object.values(p), '440106194105160217'];
  return { input, fullIds, names: Object.values(names) };
}

export const EMPTY_INPUT: ReportInput = {
  period: '2026-11',
  asOf: '2026-11-28',
  generatedAt: '2026-11-28T18:05:00+08:00',
  world: { kind: 'file', file: 'world.json', persons: 0 },
  database: 'PostgreSQL',
  sources: defaultRegistry.labels(),
  results: [],
  roster: new Map(),
  counts: {},
  rejections: [],
  cases: [],
  timings: [],
  feedback: { byChannel: {} },
};

const COUNTIES = ['440103', '440106', '440111', '440113', '440118', '440306', '440605', '441322', '441900', '442000', '445122', '445281'];

/** n results spread over 12 counties with every decision, plus the cases a run opens for them. */
export function largeFixture(n: number): { input: ReportInput; results: Result[]; cases: ReportCase[] } {
  const results: Result[] = [];
  const cases: ReportCase[] = [];
  const roster = new Map<string, ReportPerson>();
  for (let i = 0; i < n; i++) {
    const area = COUNTIES[i % COUNTIES.length];
    const id = identity(area, `19${String(Math.floor(i / 1000) % 100).padStart(2, '0')}0101`, i % 1000);
    roster.set(id, { name: `张${i}`, areaCode: area });
    const k = i % 50;
    if (k < 40) results.push(result(id, area, 'eligible', k < 30 ? 'NONE' : 'RECORD', [k < 30 ? 'CERT_VALID' : 'DEFERRED']));
    else if (k < 44) results.push(result(id, area, 'ineligible', 'STOP', ['DEATH'], { overpaidMonths: 2, overpaidAmountFen: 35010 }));
    else if (k < 48) {
      results.push(result(id, area, 'suspect', 'VERIFY', ['CERT_EXPIRED']));
      cases.push({ caseId: `C${String(i).padStart(7, '0')}`, areaCode: area, personId: id, reasons: ['CERT_EXPIRED'], openedAt: '2026-11-28T10:00:00+08:00' });
    } else results.push(result(id, area, 'excluded', 'NONE', ['REMAINS_SUSPENDED']));
  }
  results.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  return {
    results,
    cases,
    input: { ...EMPTY_INPUT, world: { kind: 'generated', persons: n, seed: '7' }, results, roster, cases },
  };
}
