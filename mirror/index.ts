// The mirror's public entry point: code outside mirror/ (pipeline, cli, bench, and later jobs,
// the gateway and Node-RED nodes) imports from here only, never a file inside; mirror's own
// tests may reach in. Every SQL statement of the hub lives behind these functions.
export { openDatabase, databaseOptionsFromEnv, quoteIdentifier, MEMORY_DATA_DIR } from './db.ts';
export type { Db, DbKind, Queryable, QueryResult, CopyRows, OpenDatabaseOptions } from './db.ts';
export { templateCacheDir, templatePath, prepareTemplate } from './pglite-template.ts';
export type { PgliteTemplateOptions, TemplateUse } from './pglite-template.ts';
export { MirrorError } from './errors.ts';
export type { MirrorErrorCode } from './errors.ts';
export { migrate, loadMigrations, MIGRATIONS_DIR } from './migrate.ts';
export type { Migration, MigrateResult } from './migrate.ts';
export { canonicalJson, rawHash, eventId, sha256Hex } from './hashing.ts';
export { stagePage, saveCursor, loadCursor, withdrawalHash } from './staging.ts';
export type { PageToStage, RecordToStage, StagedPage, StagedRecord, VersionOrder, VersionOutcome } from './staging.ts';
export { openPull, finishPull, recordPullProgress, listPulls, abandonRunningPulls, versionsStagedByRun } from './pulls.ts';
export type { PullRow, PullStatus, PullProgress, OpenPullInput } from './pulls.ts';
export { withPullLock } from './pull-lock.ts';
export type { PullLockResult } from './pull-lock.ts';
export { readRawPages, readPulledRawText } from './raw-pages.ts';
export type { RawPage } from './raw-pages.ts';
export { eventsForPerson, countedEventsByAreaPrefix, countedEventsForRosterArea, groupByPerson } from './events.ts';
export type { StreamOptions, RosterAreaOptions } from './events.ts';
export { refreshMatchStatistics } from './statistics.ts';
export { loadRoster, rosterShards, readRosterShard, rosterEntry, ROSTER_TABLE } from './roster.ts';
export type { LoadRosterOptions, RosterShard, RosterReadOptions, RosterShardOptions } from './roster.ts';
export { publishShard, readResults, countResults, listResultPage } from './results.ts';
export type { ShardToPublish, ResultPageQuery } from './results.ts';
export { caseIdOf, openCases, readCases } from './cases.ts';
export type { CaseToOpen } from './cases.ts';
export { readReminders } from './reminders.ts';
export { readWorklists } from './worklists.ts';
export { readRejections, listRejectionPage, rejectionsWithoutFeedback, markRejectionsFedBack } from './rejections.ts';
export type { RejectionPageQuery, RejectionInArea } from './rejections.ts';
export {
  saveFeedbackItems, readFeedbackItems, feedbackItemsById, pendingFeedback, channelsWithPending, recordFeedbackAttempt, markFeedbackSent,
  markFeedbackFailed, resetFailedFeedback, confirmFeedback, listFeedbackPage, feedbackBacklog, feedPage, feedEnd, ackFeed, feedAck, feedbackSourceRecords, listFeedbackInRegion, feedbackAreaOf,
} from './feedback-items.ts';
export type { ReadFeedbackOptions, FeedbackDelivery, FeedbackPageQuery, FeedbackBacklog } from './feedback-items.ts';
export { findCase, listCasePage, currentVersions, closeCase, insertHubEvent, hubEventsOf, rosterAreaOf, caseAreaOf } from './case-outcomes.ts';
export type { CasePageQuery, CaseInList, FalseVersion, CurrentVersion, CaseClosing } from './case-outcomes.ts';
export {
  createRun, planShards, openRun, startTask, requeueTask, finishTask, completeRun, failRun, shardResults, readRun, listRuns, runDurations, runStateCounts,
} from './runs.ts';
export type { NewRun, NewTask, ListRunsOptions, RunDuration } from './runs.ts';
export { insertUser, findUser, findUserByName, insertToken, findTokenByHash, findToken, revokeToken, listTokens } from './users.ts';
export type { NewToken } from './users.ts';
export { appendAudit, recordAudit, listAudit, readAuditChain, verifyAuditChain, auditHash, GENESIS_HASH } from './audit.ts';
export type { AuditPageQuery, AuditBreak, AuditVerification } from './audit.ts';
export { datasetHealth } from './connector-health.ts';
export type { DatasetKey, DatasetHealth } from './connector-health.ts';
export { pullTotals, pullDurations, pullFailures, decisionsPerCounty, casesPerCounty } from './hub-metrics.ts';
export type { PullTotals, PullDuration, PullFailure, CountyDecisions, CountyCases } from './hub-metrics.ts';
export { lastMatchedRun, runDecisionsPerCounty, rejectionsPerChannel } from './dashboard.ts';
export type { MatchedRun, CountyDecisionCount, ChannelRejectionCount } from './dashboard.ts';
export { insertWebSession, findWebSession, endWebSession } from './web-sessions.ts';
export type { WebSession } from './web-sessions.ts';
export { formatChinaIso } from './db.ts';
export {
  ADOPTION_DATA_TYPES, ADOPTION_DEADLINE_DAYS, ADOPTION_DUE_WITHIN_DAYS, deriveAdoptionItems, listAdoptionPage, readAdoptionItems, adoptionCounts,
  cutAdoptionBatches, unsentAdoptionBatches, readAdoptionBatches, adoptionBatchItems, markAdoptionBatchSent, recordAdoptionAttemptFailed,
} from './adoption.ts';
export type {
  AdoptionDataType, AdoptionItem, AdoptionScope, AdoptionState, AdoptionReason, AdoptionStatus, AdoptionPageQuery, AdoptionCounts, AdoptionBatch,
  AdoptionWireItem, CutAdoptionOptions, DeriveAdoptionOptions,
} from './adoption.ts';
export {
  MAX_BATCH_SIZE, BATCH_STATES, importBatchId, cutImportBatches, readImportBatch, importBatchArea, listImportBatchPage, approveImportBatch,
  beginImportAttempt, markBatchImported, markImportAttemptFailed, retryImportBatch, markStaleBatches, importBatchCounts,
} from './batches.ts';
export type { BatchState, BatchApproval, ImportBatch, ImportItem, CutBatchesInput, CutBatchesResult, BatchPageQuery, ApproveInput, ImportAttempt, BatchCounts } from './batches.ts';
export { insuranceFeedPage, insuranceFeedEnd } from './insurance-feed.ts';
export type { SharedResult } from './insurance-feed.ts';
