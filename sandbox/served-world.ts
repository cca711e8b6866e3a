// What the simulators serve: a world given in memory (tests, the demo's generated world) or a
// world file indexed on disk (`lifecert sandbox --world FILE`), behind one interface.
import { OverlayRecords, type RecordStore } from './record-store.ts';
import { SortedRecords } from './sorted-records.ts';
import type { WorldIndex } from './world-index.ts';
import type { CivilFile, SourceRow, World, WorldFaults } from './world.ts';

export type RecordChannel = 'ministry' | 'bigdata' | 'police' | 'health';

export interface ServedWorld {
  readonly faults?: WorldFaults;
  readonly civil: readonly CivilFile[];
  /** city codes of `sources.police` */
  readonly policeCities: readonly string[];
  /** The records of one dataset (`police`: dataset = city code) in serving order; empty when the world has none. */
  records(channel: RecordChannel, dataset: string, idField: string, timeField: string): RecordStore;
}

export function isWorldIndex(world: World | WorldIndex): world is WorldIndex {
  return 'datasets' in world && world.datasets instanceof Map;
}

/** A world held in memory: each dataset sorted once (SortedRecords). */
export function servedFromMemory(world: World): ServedWorld {
  return {
    faults: world.faults,
    civil: world.sources.civil ?? [],
    policeCities: Object.keys(world.sources.police ?? {}),
    records(channel, dataset, idField, timeField) {
      const rows = (world.sources[channel] as Record<string, SourceRow[] | undefined> | undefined)?.[dataset] ?? [];
      return new SortedRecords(`${channel}/${dataset}`, rows, idField, timeField);
    },
  };
}

/** An indexed world file: records read from disk, run-time changes held in memory over them. */
export function servedFromIndex(index: WorldIndex): ServedWorld {
  return {
    faults: index.faults,
    civil: index.civil,
    policeCities: index.policeCities,
    records(channel, dataset, idField, timeField) {
      const label = `${channel}/${dataset}`;
      const base = index.datasets.get(label);
      if (!base) return new SortedRecords(label, [], idField, timeField);
      return new OverlayRecords(label, base, idField, timeField);
    },
  };
}
