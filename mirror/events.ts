// Reading counted events (decision-rules.md §0): the current version of every source record,
// when that version was staged as an event. Streams are keyset-paged on (person_id,
// arrival_seq), so the monthly match holds one page, never the province, in memory, and gets
// each person's events together.
import type { CanonicalEvent, EventKind, Origin } from '../schemas/types.ts';
import type { Queryable } from './db.ts';
import { quoteIdentifier } from './db.ts';
import { MirrorError } from './errors.ts';
import { keysetRows } from './keyset.ts';

interface EventRow {
  event_id: string;
  source: string;
  dataset: string;
  record_id: string;
  origin: Origin;
  person_id: string;
  name: string | null;
  kind: EventKind;
  date: string;
  end_date: string | null;
  detail: Record<string, string>;
  source_updated_at: string | null;
  received_at: string;
  raw_hash: string;
  arrival_seq: number;
}

const EVENT_COLUMNS = `e.event_id, e.source, e.dataset, e.record_id, e.origin, e.person_id, e.name, e.kind, e.date, e.end_date,
  e.detail, e.source_updated_at, e.received_at, e.raw_hash, e.arrival_seq`;

// counted_events is the source versions and the hub events (012_cases_feedback.sql). A keyset
// page over the view as a whole would make PostgreSQL scan every counted event of the province
// for each page; each branch paged on its own keeps the (person, arrival) index walk of a shard.
const SOURCE_BRANCH = `SELECT event_id, channel AS source, dataset, record_id, origin, person_id, name, kind, date, end_date,
  detail, source_updated_at, received_at, raw_hash, arrival_seq FROM source_records WHERE is_current AND outcome = 'staged' AND found_false_by IS NULL`;
const HUB_BRANCH = `SELECT event_id, 'hub' AS source, dataset, record_id, 'hub' AS origin, person_id, NULL::text AS name, kind, date, end_date,
  detail, recorded_at AS source_updated_at, recorded_at AS received_at, raw_hash, arrival_seq FROM hub_events`;

/** One keyset page of counted events: each branch filtered, ordered and limited, then merged. */
function bothBranches(where: string, join: string, limit: string): string {
  const branch = (from: string) => `(SELECT ${EVENT_COLUMNS} FROM (${from}) e ${join} WHERE ${where} ORDER BY e.person_id, e.arrival_seq LIMIT ${limit})`;
  return `SELECT * FROM (${branch(SOURCE_BRANCH)} UNION ALL ${branch(HUB_BRANCH)}) e ORDER BY e.person_id, e.arrival_seq LIMIT ${limit}`;
}

function toEvent(row: EventRow): CanonicalEvent {
  const event: CanonicalEvent = {
    eventId: row.event_id,
    source: row.source,
    dataset: row.dataset,
    recordId: row.record_id,
    origin: row.origin,
    personId: row.person_id,
    name: row.name ?? '',
    kind: row.kind,
    date: row.date,
    detail: row.detail,
    sourceUpdatedAt: row.source_updated_at ?? '',
    receivedAt: row.received_at,
    rawHash: row.raw_hash,
  };
  if (row.end_date !== null) event.endDate = row.end_date;
  return event;
}

/** The counted events of one person, ordered by date, source, dataset and record id. */
export async function eventsForPerson(db: Queryable, personId: string): Promise<CanonicalEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM counted_events e WHERE e.person_id = $1 ORDER BY e.date, e.source, e.dataset, e.record_id`,
    [personId],
  );
  return rows.map(toEvent);
}

export interface StreamOptions {
  /** rows per keyset page (default 5000) */
  batchSize?: number;
}

/**
 * Counted events whose identity number starts with `prefix` (digits: `44`, `4401`, `440106`;
 * '' for all), in (personId, arrival) order. Identity-number prefixes are birth-registration
 * areas, not the roster's area codes: for a roster shard use countedEventsForRosterArea.
 */
export async function* countedEventsByAreaPrefix(db: Queryable, prefix: string, options: StreamOptions = {}): AsyncGenerator<CanonicalEvent> {
  if (!/^[0-9]{0,17}$/.test(prefix)) throw new MirrorError('LIFECERT_MIRROR_INPUT_INVALID', `an area prefix is up to 17 digits, got ${JSON.stringify(prefix)}`);
  // the identity-number range of the prefix: person_id is in the C collation, so this is a
  // plain index range ('440106' … '440107'; after '9' comes ':')
  const low = prefix;
  const high = prefix === '' ? null : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  yield* keysetPages(options.batchSize, (afterPerson, afterSeq, limit) =>
    db.query<EventRow>(
      bothBranches(`e.person_id >= $1 AND ($2::text IS NULL OR e.person_id < $2) AND (e.person_id, e.arrival_seq) > ($3, $4)`, '', '$5'),
      [low, high, afterPerson, afterSeq, limit],
    ),
  );
}

export interface RosterAreaOptions extends StreamOptions {
  /** the roster table or view (default `t1_recipients`) */
  rosterTable?: string;
}

/** Counted events of the recipients in one roster shard (area code), in (personId, arrival) order. */
export async function* countedEventsForRosterArea(db: Queryable, areaCode: string, options: RosterAreaOptions = {}): AsyncGenerator<CanonicalEvent> {
  const roster = quoteIdentifier(options.rosterTable ?? 't1_recipients');
  yield* keysetPages(options.batchSize, (afterPerson, afterSeq, limit) =>
    db.query<EventRow>(
      // The shard's recipients from this page's first person on, as a subquery of their own:
      // r.person_id >= $2 follows from the keyset condition through the join, but PostgreSQL does
      // not infer it (without it every page walks the shard's roster from its first person: a page
      // deep in the largest county of a 1,000,000-person roster took 49 s, 41 ms with it); and
      // OFFSET 0 keeps the subquery from being flattened into the join, where the planner could
      // walk the primary key from $2 to the end of the province, filtering the area code, because
      // it yields person order without a sort (018_serial_roster_reads.sql). Read alone, the
      // shard's range is taken from (area_code, person_id) and sorted: a county, not the province.
      bothBranches(
        `(e.person_id, e.arrival_seq) > ($2, $3)`,
        `JOIN (SELECT person_id FROM ${roster} WHERE area_code = $1 AND person_id >= $2 ORDER BY person_id OFFSET 0) r ON r.person_id = e.person_id`,
        '$4',
      ),
      [areaCode, afterPerson, afterSeq, limit],
    ),
  );
}

/** Event rows in (person, arrival) keyset pages, as canonical events. */
async function* keysetPages(
  batchSize: number | undefined,
  fetch: (afterPerson: string, afterSeq: number, limit: number) => Promise<{ rows: EventRow[] }>,
): AsyncGenerator<CanonicalEvent> {
  const rows = keysetRows<EventRow, [string, number]>(['', 0], batchSize, ([person, seq], limit) => fetch(person, seq, limit), (r) => [r.person_id, r.arrival_seq]);
  for await (const row of rows) yield toEvent(row);
}

/** Groups a (personId-ordered) event stream into one batch per person. */
export async function* groupByPerson(events: AsyncIterable<CanonicalEvent>): AsyncGenerator<{ personId: string; events: CanonicalEvent[] }> {
  let personId: string | null = null;
  let batch: CanonicalEvent[] = [];
  for await (const e of events) {
    if (e.personId !== personId) {
      if (personId !== null) yield { personId, events: batch };
      personId = e.personId;
      batch = [];
    }
    batch.push(e);
  }
  if (personId !== null) yield { personId, events: batch };
}
