// The pipeline's public entry point: what the Node-RED nodes (flows/) and later callers use,
// one function per step. Inside the hub the pipeline's files may be imported directly; from
// flows/ only this file (docs/architecture.md), so that a node stays one call.
export { ingestDataset, ingestAll, stageRecords } from './ingest.ts';
export { emptyIngestStats } from './ingest.ts';
export type { IngestStats, IngestDatasetOptions, IngestAllOptions, PageProgress, NormalizeFn, RecordsToStage } from './ingest.ts';
export { matchPeriod, decideShards, decideArea, publishArea, casesToOpen } from './match.ts';
export type { MatchOptions, MatchSummary, DecidedShard, ShardProgress } from './match.ts';
export { exportList, EXPORT_FORMATS, EXPORT_LISTS } from './export.ts';
export { IngestError, IngestAbortedError, IngestRunError } from './errors.ts';
export { sourceKinds, createSourceConnector } from './sources.ts';
export type { SourceKind } from './sources.ts';
export { normalizeByMapping, mappingProblems, MAPPED_KINDS, MAPPED_ORIGINS } from '../connectors/kit/normalize/mapping.ts';
export type { FieldMapping, MappedRecord } from '../connectors/kit/normalize/mapping.ts';
export type { Connector } from '../connectors/kit/connector.ts';
// the mirror a step works on: opened, migrated and closed by its owner (a node's config node)
export { openDatabase, databaseOptionsFromEnv, migrate } from '../mirror/index.ts';
export type { Db } from '../mirror/index.ts';
// feedback/ (issue 10) is not in this branch yet: until it is, the feedback step lists the
// pending items the mirror holds
export { pendingFeedbackItems } from './feedback-items.ts';
