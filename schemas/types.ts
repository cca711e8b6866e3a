// Domain types shared by every folder. They mirror the JSON Schemas in this folder
// (schemas are the source of truth for records; these types follow them).

/** A source channel: `ministry`, `bigdata`, `police-<city4>`, `civil`, `health`. */
export type Channel = string;

/** The department the data originates from (独立来源), not the channel it came through. */
export type Origin = 'police' | 'civil' | 'health' | 'justice' | 'ministry' | 'hub';

export type EventKind =
  | 'DEATH'
  | 'HUKOU_NORMAL'
  | 'HUKOU_CANCELLED'
  | 'IMPRISONED'
  | 'OTHER_BENEFIT'
  | 'ALIVE';

export type HukouCancelReason =
  | 'EMIGRATED'
  | 'NATIONALITY_LOST'
  | 'MISSING'
  | 'MOVED_OUT'
  | 'MILITARY'
  | 'OTHER';

export type AliveSignal =
  | 'FACE_AUTH'
  | 'REMOTE_ASSIST'
  | 'OVERSEAS_AUTH'
  | 'TRAVEL'
  | 'MEDICAL'
  | 'VACCINATION'
  | 'CHECKUP'
  | 'ONSITE';

export type RejectionCode =
  | 'REQUIRED_MISSING'
  | 'CODE_UNKNOWN'
  | 'ID_SCIENTIFIC_NOTATION'
  | 'ID_FORMAT'
  | 'ID_CHECKSUM'
  | 'ID_BIRTHDATE'
  | 'ID_REGION'
  | 'DATE_INVALID'
  | 'DATE_FUTURE';

export type SkipCode = 'NOT_RESIDENT_ID' | 'OWN_PENSION' | 'RESULT_FAIL';

/**
 * What normalization makes of one event (without the provenance fields the pipeline adds).
 * `detail` keys by kind: DEATH {dateKind: 'death'|'proxy'}; HUKOU_CANCELLED {reason};
 * OTHER_BENEFIT {insuranceType, province}; ALIVE {signal, strength}; others {}.
 */
export interface EventBody {
  kind: EventKind;
  origin: Origin;
  /** normalized 18-character identity number */
  personId: string;
  /** normalized name; '' when empty or unreadable */
  name: string;
  /** YYYY-MM-DD (China date) */
  date: string;
  /** YYYY-MM-DD, only for IMPRISONED / OTHER_BENEFIT with a non-empty end */
  endDate?: string;
  detail: Record<string, string>;
}

/** The outcome of normalizing one raw source record (normalization.md). */
export type Normalized =
  | { outcome: 'staged'; event: EventBody }
  | {
      outcome: 'rejected';
      reasonCode: RejectionCode;
      /** the source's own field name */
      field: string;
      message: string;
      /** the normalized identity number when step 2 passed (for region scoping), else null */
      personId: string | null;
    }
  | { outcome: 'skipped'; reasonCode: SkipCode; personId: string | null };

export interface NormalizeContext {
  /** the run's data cut-off, YYYY-MM-DD */
  asOf: string;
}

/** A civil row as it is carried: the file, its physical line number and the row keyed by header. */
export interface CivilRaw {
  file: string;
  line: number;
  row: Record<string, string>;
}

/** A canonical event as staged (normalization.md "Canonical event"). */
export interface CanonicalEvent extends EventBody {
  /** stable per source record: sha of source/dataset/recordId */
  eventId: string;
  /** `ministry`, `bigdata`, `police-<city4>`, `civil`, `health` or `hub` */
  source: string;
  dataset: string;
  recordId: string;
  /** ISO 8601 with +08:00 */
  sourceUpdatedAt: string;
  /** ISO 8601 with +08:00 */
  receivedAt: string;
  /** sha-256 hex of the raw record (tells versions apart) */
  rawHash: string;
}

/** One roster entry of the T+1 mirror (sources.md "The roster"). */
export interface RosterEntry {
  personId: string;
  name: string;
  sex: '1' | '2';
  birthDate: string;
  areaCode: string;
  benefitStatus: 'normal' | 'suspended';
  suspendReason?: 'IMPRISONED' | 'CERT_EXPIRED' | 'DEATH_SUSPECTED' | 'OTHER';
  suspendedSince?: string;
  accountStatus: 'active' | 'sealed';
  lastCertifiedMonth: string;
  startedMonth: string;
  paidThrough: string;
  monthlyAmountFen: number;
}

export type Decision = 'eligible' | 'ineligible' | 'suspect' | 'excluded';
export type Action = 'NONE' | 'RECORD' | 'RESTORE' | 'STOP' | 'VERIFY' | 'SEAL';
export type ReasonCode =
  | 'CERT_VALID'
  | 'DEFERRED'
  | 'RELEASED'
  | 'RECERTIFIED'
  | 'DEATH'
  | 'IMPRISONED'
  | 'DUPLICATE'
  | 'NATIONALITY_LOST'
  | 'MISSING'
  | 'ALIVE_AFTER_DEATH'
  | 'SINGLE_SOURCE_DEATH'
  | 'DEATH_DATE_CONFLICT'
  | 'STATUS_CONFLICT'
  | 'NAME_MISMATCH'
  | 'HUKOU_CANCELLED_OTHER'
  | 'SETTLED_ABROAD'
  | 'CERT_EXPIRED'
  | 'ACCOUNT_SEALED'
  | 'SEAL_DUE'
  | 'REMAINS_SUSPENDED';

export interface EvidenceRef {
  source: string;
  dataset: string;
  recordId: string;
  origin: Origin;
}

/** One result per roster entry and period (results.schema.json). */
export interface Result {
  period: string;
  personId: string;
  areaCode: string;
  decision: Decision;
  action: Action;
  reasons: ReasonCode[];
  lossDate: string | null;
  certifiedMonth: string | null;
  certifiedUntil: string | null;
  riskLevel: 'LOW' | 'MEDIUM' | 'HIGH' | null;
  overpaidMonths: number | null;
  overpaidAmountFen: number | null;
  evidence: EvidenceRef[];
}

/** Per source and dataset, on every pull: pulled = staged + rejected + skipped. */
export interface PullCounts {
  pulled: number;
  staged: number;
  rejected: number;
  skipped: number;
}

/** Cursor state is plain JSON, kept per (channel, dataset). */
export type CursorState = Record<string, unknown>;

/** One quarantined record version as the mirror keeps it (rejection.schema.json, plus its bookkeeping). */
export interface Rejection {
  /** the raw record untouched (civil: {file, line, row}) */
  raw: unknown;
  /** the channel it came through */
  source: Channel;
  dataset: string;
  recordId: string;
  /** the source's own field name that failed */
  field: string;
  reasonCode: RejectionCode;
  message: string;
  /** the normalized identity number when the identity check passed, else null */
  personId: string | null;
  /** sha-256 hex of the raw record: with the record id it names the version refused */
  rawHash: string;
  /** ISO 8601 +08:00: when the version was staged (received) */
  createdAt: string;
}

/**
 * One evidence entry of a case (workflow.md): the result's reference plus the event behind it —
 * its id (what `falseEvents` name), kind, date and the fields the source sent (civil: the row),
 * so that staff can check it. Cases opened before these were recorded carry the reference only.
 */
export interface CaseEvidence extends EvidenceRef {
  eventId?: string;
  kind?: EventKind;
  /** YYYY-MM-DD */
  date?: string;
  /** the record's fields as the source sent them; null when the version is no longer held */
  fields?: Record<string, unknown> | null;
}

export type CaseOutcomeKind = 'CONFIRMED_ALIVE' | 'CONFIRMED_DEAD' | 'CONFIRMED_IMPRISONED' | 'CONFIRMED_DUPLICATE';
export type FalseDataReason = 'DEATH_FALSE' | 'DATE_WRONG' | 'IDENTITY_WRONG' | 'STATUS_WRONG' | 'OTHER';

/** A source record a case found false: the version current when the outcome was recorded stops counting. */
export interface FalseEvent {
  eventId: string;
  /** the source's own field name */
  field: string;
  correctedValue?: string;
  reasonCode: FalseDataReason;
}

/** What county staff close a case with (workflow.md table; api.md body). */
export interface CaseOutcome {
  outcome: CaseOutcomeKind;
  /** photo ids or file hashes (对具备待遇领取资格的人员应留存图片等佐证资料), at least one */
  evidence: string[];
  verifiedDate?: string;
  deathDate?: string;
  startDate?: string;
  endDate?: string;
  insuranceType?: '110' | '120' | '170';
  province?: string;
  falseEvents?: FalseEvent[];
}

/** A suspect case (疑点核查, workflow.md): one per person and period. */
export interface Case {
  caseId: string;
  period: string;
  personId: string;
  areaCode: string;
  reasons: ReasonCode[];
  evidence: CaseEvidence[];
  status: 'OPEN' | 'CLOSED';
  /** ISO 8601 +08:00 */
  openedAt: string;
  closedAt: string | null;
  /** the outcome it was closed with */
  outcome?: CaseOutcome | null;
  /** `user:<id>` or `cli:<os user>` */
  closedBy?: string | null;
}

/**
 * A hub event (decision-rules.md §0): verified by staff, source and origin `hub`, dataset `cases`
 * (record id = the case id) or `onsite` (an on-site certification without a case).
 */
export interface HubEvent {
  eventId: string;
  dataset: 'cases' | 'onsite';
  recordId: string;
  personId: string;
  kind: EventKind;
  /** YYYY-MM-DD */
  date: string;
  endDate?: string;
  detail: Record<string, string>;
  /** sha-256 hex of what staff recorded (tells a repeated request from a new one) */
  rawHash: string;
  /** ISO 8601 +08:00 */
  recordedAt: string;
  recordedBy: string;
  /** photo ids or file hashes */
  evidence: string[];
}

/** An eligible person whose certification ends within 3 months of the period (粤人社规〔2023〕4号). */
export interface Reminder {
  period: string;
  areaCode: string;
  personId: string;
  certifiedUntil: string;
  /** 0 when the certification ends in the period itself, up to 3 */
  monthsLeft: number;
}

/** One line of a county worklist (STOP / SEAL / VERIFY). */
export interface WorklistEntry {
  period: string;
  areaCode: string;
  action: 'STOP' | 'SEAL' | 'VERIFY';
  personId: string;
  reasons: ReasonCode[];
}

export type FeedbackKind = 'REJECTED' | 'CORRECTED';
export type FeedbackState = 'PENDING' | 'SENT' | 'CONFIRMED' | 'FAILED';

/** A feedback item to a source department (feedback-item.schema.json; workflow.md 不属实数据反馈). */
export interface FeedbackItem {
  /** opaque and stable: the idempotency key of delivery */
  feedbackId: string;
  kind: FeedbackKind;
  channel: Channel;
  dataset: string;
  recordId: string;
  /** the identity number exactly as the source sent it ('' when absent) */
  personId: string;
  /** the source's own field name */
  field: string;
  reportedValue: string;
  correctedValue: string | null;
  /** the rejection code (REJECTED) or the case's false-data code (CORRECTED) */
  reasonCode: string;
  /** YYYY-MM-DD, China date */
  verifiedDate: string;
  /** ISO 8601 +08:00 */
  createdAt: string;
  state: FeedbackState;
}

/**
 * How a source record's versions are ordered (sources.md "Incremental rules"): by the source's
 * update time, a tie going to the one received last; or, for civil rows, by delivery — every
 * row of the latest complete delivery of a file is its line's current version, whatever its
 * update time says (sources.md section 4).
 */
export type VersionOrder = 'update-time' | 'delivery';
