// The decision engine's input for a generated world, without a database: every record of every
// source normalized by the hub's own mappers, the staged ones turned into match events and
// grouped by person. A world's records are each written once (no older versions to drop), so
// this is what the mirror would hand the engine for a first pull, hub events aside.
import { generateWorld } from '../sandbox/generate.ts';
import type { World } from '../sandbox/world.ts';
import { normalize, recordIdOf, updatedAtOf } from '../connectors/normalize.ts';
import { headerMatches, parseCsvLines, rowOf } from '../connectors/civil/csv-file.ts';
import type { CivilRaw, RosterEntry } from '../schemas/types.ts';
import type { MatchEvent } from '../matching/types.ts';

export interface DecideWorkload {
  period: string;
  asOf: string;
  roster: RosterEntry[];
  eventsByPerson: Map<string, MatchEvent[]>;
  /** staged events in all, and raw records normalized */
  events: number;
  records: number;
}

interface RawRecord {
  channel: string;
  dataset: string;
  raw: unknown;
}

function* rawRecords(world: World): Generator<RawRecord> {
  const s = world.sources;
  for (const [dataset, rows] of Object.entries(s.ministry ?? {})) for (const raw of rows ?? []) yield { channel: 'ministry', dataset, raw };
  for (const [dataset, rows] of Object.entries(s.bigdata ?? {})) for (const raw of rows ?? []) yield { channel: 'bigdata', dataset, raw };
  for (const [city, rows] of Object.entries(s.police ?? {})) for (const raw of rows) yield { channel: `police-${city}`, dataset: 'hukou', raw };
  for (const [dataset, rows] of Object.entries(s.health ?? {})) for (const raw of rows ?? []) yield { channel: 'health', dataset, raw };
  for (const file of s.civil ?? []) {
    if (file.complete === false) continue;
    const lines = parseCsvLines(file.text);
    for (const l of lines) {
      if (l.blank || (l.line === 1 && headerMatches(l.fields))) continue;
      const raw: CivilRaw = { file: file.name, line: l.line, row: rowOf(l.fields) };
      yield { channel: 'civil', dataset: 'cremation', raw };
    }
  }
}

/** Generate a world (faults off: they never change outcomes) and build the engine's input. */
export function decideWorkload(persons: number, seed: string): DecideWorkload {
  const { world } = generateWorld({ persons, seed, faults: false });
  const ctx = { asOf: world.asOf };
  const eventsByPerson = new Map<string, MatchEvent[]>();
  let events = 0;
  let records = 0;
  for (const { channel, dataset, raw } of rawRecords(world)) {
    records += 1;
    const n = normalize(channel, dataset, raw, ctx);
    if (n.outcome !== 'staged') continue;
    const ev: MatchEvent = {
      source: channel,
      dataset,
      recordId: recordIdOf(channel, dataset, raw),
      origin: n.event.origin,
      personId: n.event.personId,
      name: n.event.name,
      kind: n.event.kind,
      date: n.event.date,
      detail: n.event.detail,
      sourceUpdatedAt: updatedAtOf(channel, dataset, raw),
    };
    if (n.event.endDate !== undefined) ev.endDate = n.event.endDate;
    let list = eventsByPerson.get(ev.personId);
    if (list === undefined) eventsByPerson.set(ev.personId, (list = []));
    list.push(ev);
    events += 1;
  }
  return { period: world.period, asOf: world.asOf, roster: world.roster, eventsByPerson, events, records };
}
