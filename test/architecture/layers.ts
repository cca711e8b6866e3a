// The "may import" table as data: the one source that the import test enforces and that the
// table in docs/architecture.md must repeat row for row (a test compares them). Rows are in the
// order of the data path; docs/architecture.md explains the why.

export interface Layer {
  /** the top-level folder */
  folder: string;
  /** what it holds, as the map's table says it (markdown) */
  holds: string;
  /**
   * What files of this folder may import besides their own folder: a folder name (any file in
   * it) or one file (`pipeline/index.ts`: only that entry point). Listed in full, not "and
   * below", so that a reader sees every allowed edge.
   */
  mayImport: readonly string[];
  /** no package and no Node built-in either: the folder is pure computation */
  pure?: true;
  /** not in the tree yet: the issue that brings it */
  planned?: string;
}

export const LAYERS: readonly Layer[] = [
  {
    folder: 'schemas',
    holds: 'JSON Schemas and the domain types: raw records per source and dataset, canonical event, rejection, world, result, case, feedback item, configuration; wire constants both ends share (the civil header)',
    mayImport: [],
  },
  {
    folder: 'lib',
    holds: 'leaves every layer may use: China time, CSV quoting, masking of identity numbers and names (then the logger and the error registry)',
    mayImport: ['schemas'],
  },
  {
    folder: 'connectors',
    holds: '`kit/` (the connector contract, paging, retry, error classification, normalization primitives), `registry.ts` (the source registry everything that iterates sources takes) and one folder per source: its definition (`index.ts`), client, connector, mapper, feedback client',
    mayImport: ['schemas', 'lib'],
  },
  {
    folder: 'config',
    holds: '`lifecert.config.json` (schema-validated; secrets only by `{"env": …}` reference) → connectors; what `cli/` and `jobs/` read',
    mayImport: ['schemas', 'lib', 'connectors'],
  },
  {
    folder: 'mirror',
    holds: 'the T+1 mirror and all its SQL: migrations, staging of every record version, quarantine, raw-page archive, cursors, roster, results, cases; PostgreSQL or embedded PGlite',
    mayImport: ['schemas', 'lib'],
  },
  {
    folder: 'matching',
    holds: 'the decision engine: roster entry + events → result; no I/O, no clock',
    mayImport: ['schemas', 'lib'],
    pure: true,
  },
  {
    folder: 'pipeline',
    holds: 'ingest (pull → normalize → stage + commit cursor) and match + publish, export: one function = one job = one node',
    mayImport: ['schemas', 'lib', 'connectors', 'mirror', 'matching'],
  },
  {
    folder: 'feedback',
    holds: 'feedback items, cases, delivery per channel, adoption feedback, import batches, the department feed',
    mayImport: ['schemas', 'lib', 'connectors', 'mirror', 'matching', 'pipeline'],
  },
  {
    folder: 'jobs',
    holds: 'runs as BullMQ flows on Redis (a pull job per source and dataset, shard jobs, publish), schedules, workers: thin wrappers over `pipeline/` and `feedback/`',
    mayImport: ['schemas', 'lib', 'connectors', 'config', 'mirror', 'matching', 'pipeline', 'feedback'],
  },
  {
    folder: 'gateway',
    holds: 'the HTTP server: API, auth, audit, dashboard, metrics, Node-RED embedding',
    mayImport: ['schemas', 'lib', 'connectors', 'config', 'mirror', 'matching', 'pipeline', 'feedback', 'jobs', 'report'],
  },
  {
    folder: 'flows',
    holds: 'Node-RED nodes and the shipped flows (`flows/*.json`)',
    mayImport: ['schemas', 'lib', 'pipeline/index.ts', 'feedback/index.ts'],
    planned: 'issue 11',
  },
  {
    folder: 'report',
    holds: 'the self-contained `report.html` (demo, dashboard)',
    mayImport: ['schemas', 'lib'],
  },
  {
    folder: 'sandbox',
    holds: 'simulators serving a world file through each source\'s real protocol, the world generator and its oracle, and the sources section that points a hub at a sandbox',
    mayImport: ['schemas', 'lib'],
  },
  {
    folder: 'cli',
    holds: 'the `lifecert` command',
    mayImport: ['schemas', 'lib', 'connectors', 'config', 'mirror', 'matching', 'pipeline', 'feedback', 'jobs', 'gateway', 'flows', 'report', 'sandbox'],
  },
  {
    folder: 'bin',
    holds: '`lifecert.js`: checks for Node 24 and starts `cli/main.ts`',
    mayImport: ['cli'],
  },
];

/** Folders at the top level that are not production code: they may import anything. */
export const UNCHECKED_FOLDERS: readonly string[] = ['test', 'bench', 'docs', 'node_modules'];

/**
 * Code that must stay an independent implementation: nothing that `file` runs (it and every
 * file it imports at run time, transitively) may be run by `apart` too.
 */
export interface Independence {
  file: string;
  apart: string;
  why: string;
}

export const INDEPENDENT: readonly Independence[] = [
  {
    file: 'sandbox/generate/oracle.ts',
    apart: 'matching',
    why: 'the generator\'s oracle is the second implementation of decision-rules.md the e2e tests compare the engine with; a helper both run would hide a bug in both',
  },
];
