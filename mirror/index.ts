// The mirror's public entry points (the CLI, jobs, the gateway and Node-RED nodes import from here).
export { openDatabase, databaseOptionsFromEnv, quoteIdentifier, MEMORY_DATA_DIR } from './db.ts';
export type { Db, DbKind, Queryable, QueryResult, CopyRows, OpenDatabaseOptions } from './db.ts';
export { MirrorError } from './errors.ts';
export type { MirrorErrorCode } from './errors.ts';
export { migrate, loadMigrations, MIGRATIONS_DIR } from './migrate.ts';
export type { Migration, MigrateResult } from './migrate.ts';
export { canonicalJson, rawHash, eventId, sha256Hex } from './hashing.ts';
export { stagePage, saveCursor, loadCursor, withdrawalHash } from './staging.ts';
export type { PageToStage, RecordToStage, StagedPage, StagedRecord, VersionOutcome } from './staging.ts';
export { openPull, finishPull, recordPullProgress, listPulls } from './pulls.ts';
export type { PullRow, PullStatus, PullProgress, OpenPullInput } from './pulls.ts';
export { eventsForPerson, countedEventsByAreaPrefix, countedEventsForRosterArea, groupByPerson } from './events.ts';
export type { StreamOptions, RosterAreaOptions } from './events.ts';
export { loadRoster, rosterShards, readRosterShard, rosterEntry, ROSTER_TABLE } from './roster.ts';
export type { LoadRosterOptions, RosterShard, RosterReadOptions, RosterShardOptions } from './roster.ts';
