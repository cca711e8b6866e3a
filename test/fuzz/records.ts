// Record-level fuzz targets: for every source and dataset, records of a generated world
// (sandbox/generate) mutated field by field with what a hostile source may send, checked
// against normalization.md "Hostile input": no exception; staged (the event valid against its
// schema), rejected (a listed code naming a published field) or skipped; the same answer twice.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { fieldsOf, normalize, recordIdOf, updatedAtOf } from '../../connectors/normalize.ts';
import { decodeCivilCsv, parseCsvLines, rowOf } from '../../connectors/civil/csv-file.ts';
import { toChinaIso } from '../../lib/china-time.ts';
import { validateEvent } from '../../schemas/index.ts';
import { generateWorld } from '../../sandbox/generate.ts';
import type { World } from '../../sandbox/world.ts';
import iconv from 'iconv-lite';

export const REJECTION_CODES = new Set(['REQUIRED_MISSING', 'CODE_UNKNOWN', 'ID_SCIENTIFIC_NOTATION', 'ID_FORMAT', 'ID_CHECKSUM', 'ID_BIRTHDATE', 'ID_REGION', 'DATE_INVALID', 'DATE_FUTURE']);
export const SKIP_CODES = new Set(['NOT_RESIDENT_ID', 'OWN_PENSION', 'RESULT_FAIL']);

let world: World | undefined;
/** One small generated world, shared by every target (the same seed, the same records). */
export function fuzzWorld(): World {
  world ??= generateWorld({ persons: 400, seed: 'fuzz-issue-8', faults: false }).world;
  return world;
}

export interface RecordTarget {
  channel: string;
  dataset: string;
  seeds: unknown[];
}

/** Every (channel, dataset) with the world's records of it as seeds. */
export function recordTargets(): RecordTarget[] {
  const w = fuzzWorld();
  const out: RecordTarget[] = [];
  for (const [dataset, rows] of Object.entries(w.sources.ministry ?? {})) out.push({ channel: 'ministry', dataset, seeds: rows ?? [] });
  for (const [dataset, rows] of Object.entries(w.sources.bigdata ?? {})) out.push({ channel: 'bigdata', dataset, seeds: rows ?? [] });
  for (const [city, rows] of Object.entries(w.sources.police ?? {}).slice(0, 1)) out.push({ channel: `police-${city}`, dataset: 'hukou', seeds: rows });
  for (const [dataset, rows] of Object.entries(w.sources.health ?? {})) out.push({ channel: 'health', dataset, seeds: rows ?? [] });
  const civil: unknown[] = [];
  for (const file of w.sources.civil ?? []) {
    const bytes = file.encoding === 'gbk' ? iconv.encode(file.text, 'gbk') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file.text, 'utf8')]);
    for (const l of parseCsvLines(decodeCivilCsv(bytes).text)) if (l.line > 1 && !l.blank) civil.push({ file: file.name, line: l.line, row: rowOf(l.fields) });
  }
  out.push({ channel: 'civil', dataset: 'cremation', seeds: civil });
  return out.filter((t) => t.seeds.length > 0);
}

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\u0007', '\n', '\r', '\u001F', '\t', '\u007F');
const SURROGATE = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00');
const ODD_DIGIT = fc.constantFrom('０', '９', '٣', '۵', '߀', '१', '𝟘', 'Ｘ', 'ｘ', 'x', 'E', 'e', '+', '-', '.', ' ', '\u3000');

/** Strings a hostile source may put in a field. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.oneof(CONTROL, SURROGATE, ODD_DIGIT, fc.constantFrom('0', '1', '4', '9', 'X')) }),
  // identity numbers of every length, with stray characters
  fc.integer({ min: 0, max: 40 }).chain((n) => fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'), minLength: n, maxLength: n })),
  fc.tuple(fc.integer({ min: 1, max: 25 }), fc.boolean(), fc.integer({ min: 0, max: 40 })).map(([d, dot, e]) => `${'4'.repeat(d)}${dot ? '.4' : ''}E+${e}`),
  // dates: huge and tiny years, offsets, second 60, every accepted form, the sources' no end
  fc.tuple(fc.integer({ min: 0, max: 12000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 1870, max: 10001 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: -15, max: 15 }), fc.integer({ min: 0, max: 59 }))
    .map(([y, s, h, m]) => `${y}-12-31T23:59:${String(s).padStart(2, '0')}${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  fc.constantFrom('9999-12-31', '99991231', '9999/12/31', '9999年12月31日', '9999-12-31 23:59:59', '9999-12-31T20:00:00Z', '9999-12-31T23:00:00Z', '2099-12-31T20:00:00Z', '1880-01-01T00:00:00+14:00', '2026-11-03T12:00:60+08:00', '2026-02-30'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
);

/** Values of any JSON type, megabyte strings rarely. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.oneof(fc.constant(null), fc.double(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('4', ',', ' ', '\u0000', '李', '0'), fc.integer({ min: 10_000, max: 1_100_000 })).map(([c, n]) => c.repeat(n)) },
);

/** One mutation of a record: set a field (published or not, prototype keys included) to a value, or delete one. */
export type Mutation = { op: 'set'; field: string; value: unknown } | { op: 'delete'; field: string } | { op: 'replace'; value: unknown };

export function mutationArb(fields: readonly string[]): fc.Arbitrary<Mutation> {
  const field = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'file', 'line', 'row', 'extra') });
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ op: fc.constant('set' as const), field, value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), field }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('replace' as const), value: fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 2 })) }) },
  );
}

/** Apply mutations to a copy of a seed record (civil: to its row); own properties only, `__proto__` an own key. */
export function mutate(channel: string, seed: unknown, mutations: readonly Mutation[]): unknown {
  let raw: unknown = structuredClone(seed);
  for (const m of mutations) {
    if (m.op === 'replace') {
      raw = m.value;
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const holder = (channel === 'civil' && !['file', 'line', 'row'].includes(m.field) ? (raw as { row?: unknown }).row : raw) as Record<string, unknown> | undefined;
    if (holder === null || typeof holder !== 'object') continue;
    if (m.op === 'delete') delete holder[m.field];
    else Object.defineProperty(holder, m.field, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return raw;
}

export interface RecordCase {
  seed: number;
  mutations: Mutation[];
}

export function recordCaseArb(target: RecordTarget): fc.Arbitrary<RecordCase> {
  return fc.record({
    seed: fc.nat({ max: target.seeds.length - 1 }),
    mutations: fc.array(mutationArb(fieldsOf(target.channel, target.dataset)), { minLength: 0, maxLength: 4 }),
  });
}

const AS_OF = '2026-11-28';
const RECEIVED_AT = toChinaIso(Date.UTC(2026, 10, 28, 2, 0, 0));
const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

/** The property of one record case; throws (an assertion) when it does not hold. */
export function checkRecordCase(target: RecordTarget, c: RecordCase): void {
  const raw = mutate(target.channel, target.seeds[c.seed], c.mutations);
  const n = normalize(target.channel, target.dataset, raw, { asOf: AS_OF });
  const again = normalize(target.channel, target.dataset, structuredClone(raw), { asOf: AS_OF });
  assert.deepEqual(again, n, 'deterministic: the same record gives the same outcome');
  const fields = fieldsOf(target.channel, target.dataset);
  if (n.outcome === 'rejected') {
    assert.ok(REJECTION_CODES.has(n.reasonCode), `a listed reason code: ${n.reasonCode}`);
    assert.ok(fields.includes(n.field), `the rejection names a published field: ${n.field}`);
    assert.ok(n.message.length < 2000, 'the message is short, whatever the value');
    return;
  }
  if (n.outcome === 'skipped') {
    assert.ok(SKIP_CODES.has(n.reasonCode), `a listed skip code: ${n.reasonCode}`);
    return;
  }
  assert.equal(n.outcome, 'staged');
  const recordId = recordIdOf(target.channel, target.dataset, raw);
  const event = {
    ...n.event,
    eventId: sha256(`${target.channel}\u0000${target.dataset}\u0000${recordId}`),
    source: target.channel,
    dataset: target.dataset,
    recordId,
    sourceUpdatedAt: updatedAtOf(target.channel, target.dataset, raw),
    receivedAt: RECEIVED_AT,
    rawHash: sha256(JSON.stringify(raw)),
  };
  assert.deepEqual(validateEvent(event), [], `the staged event is valid: ${JSON.stringify(event).slice(0, 400)}`);
}
