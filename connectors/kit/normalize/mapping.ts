// A source mapper written as data: which field of a record holds the identity number, the
// date, the record id … and what kind of event every record is. It is what an integration
// engineer edits in the `lifecert normalize` node to bring in a source that has no connector
// (a city's death registrations served as JSON, a file drop): the record then goes through the
// same check sequence as a built-in source's (normalization.md "Order of checks": identity,
// required fields, dates), with the same rejection codes.
import { normalizeUpdateTime } from '../../../lib/china-time.ts';
import type { EventBody, EventKind, Normalized, NormalizeContext, Origin } from '../../../schemas/types.ts';
import { normalizeName } from './name.ts';
import { RecordCheck, decide } from './record.ts';
import type { RawFields } from './record.ts';

export const MAPPED_KINDS: readonly EventKind[] = ['DEATH', 'HUKOU_NORMAL', 'HUKOU_CANCELLED', 'IMPRISONED', 'OTHER_BENEFIT', 'ALIVE'];
export const MAPPED_ORIGINS: readonly Origin[] = ['police', 'civil', 'health', 'justice', 'ministry'];

export interface FieldMapping {
  /** what every record of this source is (a death register: `DEATH`) */
  kind: EventKind;
  /** the department the records come from (独立来源): a second origin of a death confirms it */
  origin: Origin;
  /** the field holding the source's own record id (versions are kept per record id) */
  recordId: string;
  /** the field holding the identity number */
  personId: string;
  /** the field holding the event date (death date, start of imprisonment …) */
  date: string;
  /** the field holding the name; none: the event has no name */
  name?: string;
  /** the field holding the end date (IMPRISONED, OTHER_BENEFIT) */
  endDate?: string;
  /** the field holding the source's update time; none: versions are ordered as delivered */
  updatedAt?: string;
  /** fixed detail values per normalization.md (DEATH: `{"dateKind": "death"}`) */
  detail?: Record<string, string>;
}

export interface MappedRecord {
  recordId: string;
  /** ISO 8601 +08:00, '' when the mapping names no update field or it is unreadable */
  updatedAt: string;
  normalized: Normalized;
}

const FIELD = /^[^\s].{0,127}$/u;

/** The problems of a mapping, in words; empty when it can be used. */
export function mappingProblems(mapping: unknown): string[] {
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) return ['the mapping must be an object'];
  const m = mapping as Record<string, unknown>;
  const problems: string[] = [];
  if (!MAPPED_KINDS.includes(m.kind as EventKind)) problems.push(`kind must be one of ${MAPPED_KINDS.join(', ')}, got ${JSON.stringify(m.kind)}`);
  if (!MAPPED_ORIGINS.includes(m.origin as Origin)) problems.push(`origin must be one of ${MAPPED_ORIGINS.join(', ')}, got ${JSON.stringify(m.origin)}`);
  for (const key of ['recordId', 'personId', 'date'] as const) {
    if (typeof m[key] !== 'string' || !FIELD.test(m[key])) problems.push(`${key} must name a field of the record`);
  }
  for (const key of ['name', 'endDate', 'updatedAt'] as const) {
    if (m[key] !== undefined && m[key] !== '' && (typeof m[key] !== 'string' || !FIELD.test(m[key]))) problems.push(`${key}, when given, must name a field of the record`);
  }
  if (m.detail !== undefined) {
    const d = m.detail;
    if (d === null || typeof d !== 'object' || Array.isArray(d) || !Object.values(d).every((v) => typeof v === 'string')) problems.push('detail must be an object of text values');
  }
  if (m.kind === 'DEATH' && !(m.detail as Record<string, string> | undefined)?.dateKind) problems.push('a DEATH mapping needs detail.dateKind (`death`, or `proxy` for a cremation date)');
  return problems;
}

/** A record's fields as text: strings as sent, numbers and booleans as JSON writes them, anything else absent. */
function fieldsOf(raw: unknown): RawFields {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/**
 * One record through a mapping: staged as an event, or rejected with the reason code of
 * normalization.md (never throws for record content). The mapping is assumed checked
 * (`mappingProblems` empty).
 */
export function normalizeByMapping(mapping: FieldMapping, raw: unknown, ctx: NormalizeContext): MappedRecord {
  const fields = fieldsOf(raw);
  const recordId = (fields[mapping.recordId] ?? '').trim();
  const updatedAt = mapping.updatedAt ? normalizeUpdateTime(fields[mapping.updatedAt] ?? '') : '';
  const normalized = decide((): EventBody => {
    const r = new RecordCheck(fields, ctx);
    const personId = r.identity(mapping.personId);
    r.require(mapping.recordId, 'record id');
    r.require(mapping.date, 'event date');
    const date = r.date(mapping.date, 'event date');
    const name = mapping.name ? normalizeName(r.value(mapping.name)) : '';
    const body: EventBody = { kind: mapping.kind, origin: mapping.origin, personId, name, date, detail: { ...(mapping.detail ?? {}) } };
    if (mapping.endDate && r.present(mapping.endDate)) body.endDate = r.date(mapping.endDate, 'end date', true);
    return body;
  });
  return { recordId, updatedAt, normalized };
}
