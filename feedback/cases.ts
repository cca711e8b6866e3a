// Suspect cases closed by county staff, and on-site certifications (workflow.md 疑点核查): each
// outcome becomes its hub event (decision-rules.md §0), which the next match of the period and of
// later periods counts; falseEvents make the named versions stop counting and create CORRECTED
// feedback items for the channels they came from. One function per action, used by the API and
// by `lifecert case close` alike.
import { createHash } from 'node:crypto';
import { fieldsOf, rawFieldOf, reportedPersonIdOf } from '../connectors/normalize.ts';
import { chinaDate } from '../lib/china-time.ts';
import { createError } from '../lib/errors.ts';
import {
  canonicalJson, closeCase, currentVersions, eventId, findCase, formatChinaIso, insertHubEvent, rosterAreaOf, sha256Hex,
} from '../mirror/index.ts';
import type { Db, FalseVersion } from '../mirror/index.ts';
import type { Case, CaseOutcome, CaseOutcomeKind, FalseDataReason, FalseEvent, FeedbackItem, HubEvent } from '../schemas/types.ts';
import { feedbackIdOf } from './deliver-ids.ts';

export const OUTCOMES: readonly CaseOutcomeKind[] = ['CONFIRMED_ALIVE', 'CONFIRMED_DEAD', 'CONFIRMED_IMPRISONED', 'CONFIRMED_DUPLICATE'];
export const FALSE_DATA_REASONS: readonly FalseDataReason[] = ['DEATH_FALSE', 'DATE_WRONG', 'IDENTITY_WRONG', 'STATUS_WRONG', 'OTHER'];
export const INSURANCE_TYPES = ['110', '120', '170'] as const;

/** Per outcome: the fields it requires and the ones it may carry (workflow.md table). */
const OUTCOME_FIELDS: Record<CaseOutcomeKind, { required: readonly string[]; optional: readonly string[] }> = {
  CONFIRMED_ALIVE: { required: ['verifiedDate'], optional: [] },
  CONFIRMED_DEAD: { required: ['deathDate'], optional: [] },
  CONFIRMED_IMPRISONED: { required: ['startDate'], optional: ['endDate'] },
  CONFIRMED_DUPLICATE: { required: ['insuranceType', 'province', 'startDate'], optional: ['endDate'] },
};
const DATE_FIELDS = ['verifiedDate', 'deathDate', 'startDate', 'endDate'] as const;
const ALL_FIELDS = new Set(['outcome', 'evidence', 'falseEvents', ...DATE_FIELDS, 'insuranceType', 'province']);

const invalid = (message: string) => createError('LIFECERT_CASE_OUTCOME_INVALID', message);

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function checkEvidence(value: unknown): string[] {
  if (value === undefined) throw invalid('evidence is required: at least one photo id or file hash (对具备待遇领取资格的人员应留存图片等佐证资料)');
  if (!Array.isArray(value) || value.length === 0) throw invalid('evidence must be a non-empty array of photo ids or file hashes');
  value.forEach((e, i) => {
    if (typeof e !== 'string' || e.trim() === '' || e.length > 256) throw invalid(`evidence[${i}] must be a photo id or file hash (a non-empty string of at most 256 characters)`);
  });
  return value as string[];
}

/**
 * Checks an outcome as sent (the API body, the command's options): a missing or malformed
 * field, or one the outcome does not take, is a LIFECERT_CASE_OUTCOME_INVALID (400) naming it.
 */
export function parseOutcome(body: unknown): CaseOutcome {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the outcome must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !ALL_FIELDS.has(k));
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.join(', ')}`);
  if (b.outcome === undefined) throw invalid('outcome is required');
  if (typeof b.outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(b.outcome)) throw invalid(`outcome must be one of ${OUTCOMES.join(', ')}`);
  const kind = b.outcome as CaseOutcomeKind;
  const evidence = checkEvidence(b.evidence);
  const rule = OUTCOME_FIELDS[kind];
  for (const f of rule.required) if (b[f] === undefined || b[f] === null) throw invalid(`${f} is required for ${kind}`);
  for (const f of [...DATE_FIELDS, 'insuranceType', 'province']) {
    if (b[f] !== undefined && !rule.required.includes(f) && !rule.optional.includes(f)) throw invalid(`${f} does not apply to ${kind}`);
  }
  for (const f of DATE_FIELDS) if (b[f] !== undefined && !isCalendarDate(b[f])) throw invalid(`${f} must be a date YYYY-MM-DD`);
  if (b.endDate !== undefined && (b.endDate as string) < (b.startDate as string)) throw invalid('endDate is before startDate');
  if (b.insuranceType !== undefined && !(INSURANCE_TYPES as readonly unknown[]).includes(b.insuranceType)) throw invalid(`insuranceType must be one of ${INSURANCE_TYPES.join(', ')}`);
  if (b.province !== undefined && (typeof b.province !== 'string' || !/^\d{6}$/.test(b.province))) throw invalid('province must be a 6-digit area code (440000)');
  const outcome: CaseOutcome = { outcome: kind, evidence };
  for (const f of [...DATE_FIELDS, 'insuranceType', 'province'] as const) if (b[f] !== undefined) (outcome as unknown as Record<string, unknown>)[f] = b[f];
  if (b.falseEvents !== undefined) outcome.falseEvents = parseFalseEvents(b.falseEvents);
  return outcome;
}

function parseFalseEvents(value: unknown): FalseEvent[] {
  if (!Array.isArray(value)) throw invalid('falseEvents must be an array of {eventId, field, correctedValue?, reasonCode}');
  const seen = new Set<string>();
  return value.map((v, i): FalseEvent => {
    const at = `falseEvents[${i}]`;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${at} must be an object {eventId, field, correctedValue?, reasonCode}`);
    const e = v as Record<string, unknown>;
    const extra = Object.keys(e).filter((k) => !['eventId', 'field', 'correctedValue', 'reasonCode'].includes(k));
    if (extra.length > 0) throw invalid(`${at}: unknown field ${extra.join(', ')}`);
    if (typeof e.eventId !== 'string' || e.eventId === '') throw invalid(`${at}.eventId is required`);
    if (typeof e.field !== 'string' || e.field === '') throw invalid(`${at}.field is required (the source's own field name)`);
    if (e.correctedValue !== undefined && typeof e.correctedValue !== 'string') throw invalid(`${at}.correctedValue must be a string`);
    if (typeof e.reasonCode !== 'string' || !(FALSE_DATA_REASONS as readonly string[]).includes(e.reasonCode)) throw invalid(`${at}.reasonCode must be one of ${FALSE_DATA_REASONS.join(', ')}`);
    const key = `${e.eventId}\u0000${e.field}`;
    if (seen.has(key)) throw invalid(`${at} names event ${e.eventId} and field ${e.field} a second time`);
    seen.add(key);
    return { eventId: e.eventId, field: e.field, reasonCode: e.reasonCode as FalseDataReason, ...(e.correctedValue === undefined ? {} : { correctedValue: e.correctedValue }) };
  });
}

/** The hub event an outcome becomes (workflow.md table → decision-rules.md). */
function outcomeEvent(c: Case, o: CaseOutcome, recordedAt: string, recordedBy: string): HubEvent {
  const base = { eventId: eventId('hub', 'cases', c.caseId), dataset: 'cases' as const, recordId: c.caseId, personId: c.personId, rawHash: sha256Hex(canonicalJson(o)), recordedAt, recordedBy, evidence: o.evidence };
  switch (o.outcome) {
    case 'CONFIRMED_ALIVE':
      return { ...base, kind: 'ALIVE', date: o.verifiedDate as string, detail: { signal: 'ONSITE', strength: 'strong' } };
    case 'CONFIRMED_DEAD':
      return { ...base, kind: 'DEATH', date: o.deathDate as string, detail: { dateKind: 'death' } };
    case 'CONFIRMED_IMPRISONED':
      return { ...base, kind: 'IMPRISONED', date: o.startDate as string, ...(o.endDate ? { endDate: o.endDate } : {}), detail: {} };
    case 'CONFIRMED_DUPLICATE':
      return {
        ...base, kind: 'OTHER_BENEFIT', date: o.startDate as string, ...(o.endDate ? { endDate: o.endDate } : {}),
        detail: { insuranceType: o.insuranceType as string, province: o.province as string },
      };
  }
}

export interface ClosedCase {
  case: Case;
  event: HubEvent;
  corrections: FeedbackItem[];
}

/**
 * Closes a case with an outcome (already parsed by parseOutcome). Throws LIFECERT_CASE_NOT_FOUND
 * (404), LIFECERT_CASE_CLOSED (409), or LIFECERT_CASE_OUTCOME_INVALID (400) for a falseEvent
 * that names no event of the case's evidence or a field its source does not publish.
 */
export async function closeCaseWithOutcome(db: Db, caseId: string, outcome: CaseOutcome, actor: string, nowMs: number): Promise<ClosedCase> {
  const c = await findCase(db, caseId);
  if (c === null) throw createError('LIFECERT_CASE_NOT_FOUND', `no case ${caseId}`);
  if (c.status !== 'OPEN') throw createError('LIFECERT_CASE_CLOSED', `case ${caseId} was closed at ${c.closedAt}`);
  const at = formatChinaIso(nowMs);
  const falseEvents = outcome.falseEvents ?? [];

  // each falseEvent names an event of the case's evidence (workflow.md: evidence carries eventIds so that falseEvents can name them)
  const refs = falseEvents.map((fe, i) => {
    const ref = c.evidence.find((e) => (e.eventId ?? eventId(e.source, e.dataset, e.recordId)) === fe.eventId);
    if (ref === undefined) throw invalid(`falseEvents[${i}].eventId ${fe.eventId} is not an event of this case's evidence`);
    if (ref.source === 'hub') throw invalid(`falseEvents[${i}] names a hub event: staff-verified events are corrected by a new outcome, not fed back`);
    if (!fieldsOf(ref.source, ref.dataset).includes(fe.field)) throw invalid(`falseEvents[${i}].field ${JSON.stringify(fe.field)} is not a field of ${ref.source}/${ref.dataset} (${fieldsOf(ref.source, ref.dataset).join(', ')})`);
    return ref;
  });
  const current = await currentVersions(db, refs.map((r) => ({ channel: r.source, dataset: r.dataset, recordId: r.recordId })));
  const falseVersions: FalseVersion[] = [];
  const corrections: FeedbackItem[] = [];
  falseEvents.forEach((fe, i) => {
    const ref = refs[i];
    const v = current.find((x) => x.channel === ref.source && x.dataset === ref.dataset && x.recordId === ref.recordId);
    if (v === undefined) throw invalid(`falseEvents[${i}]: the mirror holds no version of ${ref.source}/${ref.dataset} ${ref.recordId}`);
    if (!falseVersions.some((f) => f.rawHash === v.rawHash && f.recordId === v.recordId && f.channel === v.channel && f.dataset === v.dataset)) {
      falseVersions.push({ channel: v.channel, dataset: v.dataset, recordId: v.recordId, rawHash: v.rawHash });
    }
    corrections.push({
      feedbackId: feedbackIdOf('CORRECTED', v.channel, v.dataset, v.recordId, v.rawHash, fe.field),
      kind: 'CORRECTED',
      channel: v.channel,
      dataset: v.dataset,
      recordId: v.recordId,
      personId: reportedPersonIdOf(v.channel, v.dataset, v.raw),
      field: fe.field,
      reportedValue: rawFieldOf(v.channel, v.dataset, v.raw, fe.field),
      correctedValue: fe.correctedValue ?? null,
      reasonCode: fe.reasonCode,
      verifiedDate: chinaDate(nowMs),
      createdAt: at,
      state: 'PENDING',
    });
  });

  const event = outcomeEvent(c, outcome, at, actor);
  const closed = await closeCase(db, { caseId, outcome, closedBy: actor, closedAt: at, event, falseVersions, corrections });
  if (!closed) throw createError('LIFECERT_CASE_CLOSED', `case ${caseId} was closed meanwhile`);
  return { case: { ...c, status: 'CLOSED', closedAt: at, outcome, closedBy: actor }, event, corrections };
}

export interface OnsiteCertification {
  verifiedDate: string;
  evidence: string[];
}

/** Checks an on-site certification as sent: `{verifiedDate, evidence: [...]}`. */
export function parseOnsite(body: unknown): OnsiteCertification {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be {verifiedDate, evidence: [...]}');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => k !== 'verifiedDate' && k !== 'evidence');
  if (unknown.length > 0) throw invalid(`unknown field ${unknown.join(', ')}`);
  if (b.verifiedDate === undefined) throw invalid('verifiedDate is required');
  if (!isCalendarDate(b.verifiedDate)) throw invalid('verifiedDate must be a date YYYY-MM-DD');
  return { verifiedDate: b.verifiedDate, evidence: checkEvidence(b.evidence) };
}

/**
 * Records an on-site certification without a case (上门认证 / 现场认证): an ONSITE strong ALIVE hub
 * event, how a suspended person who cannot use face recognition is certified again. The same
 * request repeated is the same event. Throws LIFECERT_CASE_PERSON_UNKNOWN (404) for a person
 * not on the roster.
 */
export async function recordOnsite(db: Db, personId: string, cert: OnsiteCertification, actor: string, nowMs: number): Promise<{ event: HubEvent; created: boolean }> {
  if ((await rosterAreaOf(db, personId)) === null) throw createError('LIFECERT_CASE_PERSON_UNKNOWN', `the roster holds no person ${personId}`);
  const what = canonicalJson({ personId, verifiedDate: cert.verifiedDate, evidence: [...cert.evidence].sort() });
  const recordId = `ONSITE-${createHash('sha256').update(what).digest('hex').slice(0, 20)}`;
  const event: HubEvent = {
    eventId: eventId('hub', 'onsite', recordId), dataset: 'onsite', recordId, personId, kind: 'ALIVE', date: cert.verifiedDate,
    detail: { signal: 'ONSITE', strength: 'strong' }, rawHash: sha256Hex(what), recordedAt: formatChinaIso(nowMs), recordedBy: actor, evidence: cert.evidence,
  };
  const created = await insertHubEvent(db, event);
  return { event, created };
}
