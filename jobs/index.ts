// The queue side's public entry points (the gateway, `lifecert worker`, `lifecert serve`).
export { createJobs } from './jobs.ts';
export type { Jobs, CreateJobsOptions } from './jobs.ts';
export { startWorker, workerPoolSize } from './worker.ts';
export type { StartWorkerOptions, WorkerHandle } from './worker.ts';
export type { WorkerEvent } from './worker-events.ts';
export { JobsError } from './errors.ts';
export type { JobsErrorCode } from './errors.ts';
export { planRun } from './run-plan.ts';
export type { PlannedRun, AvailableConnector } from './run-plan.ts';
export { allQueueNames, pullQueueName, sourceOf, DEFAULT_PREFIX, RUNS_QUEUE, SHARDS_QUEUE, SOURCES } from './queues.ts';
export type { Source } from './queues.ts';
export { JOB_STATES } from './queue-state.ts';
export type { QueueState, JobState } from './queue-state.ts';
export type { ScheduleState } from './schedules.ts';
export { DEFAULT_REDIS_URL } from './redis.ts';
export type { RunRequest, RunStatus, RunState, RunStep, RunSummary, RunError, StepProgress, DatasetProgress } from '../schemas/runs.ts';
export { RUN_STEPS, RUN_STATES, runRequestSchema, runStatusSchema } from '../schemas/runs.ts';
export type { RunDuration, ListRunsOptions } from '../mirror/index.ts';
