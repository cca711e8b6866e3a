// Errors of the queue side, each with a stable `name`, a `code` of the api.md form and the HTTP
// status the gateway answers with, so a caller never has to read a message to route one.

export type JobsErrorCode =
  /** the run request is malformed: period, as-of date, steps, connectors (400) */
  | 'LIFECERT_JOBS_REQUEST_INVALID'
  /** a step api.md names that this hub cannot run yet (feedback) (422) */
  | 'LIFECERT_JOBS_STEP_UNAVAILABLE'
  /** a connector the configuration does not have (400 from the API; a worker without it fails the job) */
  | 'LIFECERT_JOBS_CONNECTOR_UNKNOWN'
  /** a configured schedule BullMQ cannot schedule: cron pattern, time zone (a configuration error at start) */
  | 'LIFECERT_JOBS_SCHEDULE_INVALID'
  /** Redis could not be reached or refused the flow (503) */
  | 'LIFECERT_JOBS_QUEUE_UNAVAILABLE'
  /** a job failed for a reason that carried no code of its own */
  | 'LIFECERT_JOBS_JOB_FAILED'
  /** worker options out of range (a programming or command-line error) */
  | 'LIFECERT_JOBS_OPTIONS_INVALID';

const STATUS: Record<JobsErrorCode, number> = {
  LIFECERT_JOBS_REQUEST_INVALID: 400,
  LIFECERT_JOBS_STEP_UNAVAILABLE: 422,
  LIFECERT_JOBS_CONNECTOR_UNKNOWN: 400,
  LIFECERT_JOBS_SCHEDULE_INVALID: 500,
  LIFECERT_JOBS_QUEUE_UNAVAILABLE: 503,
  LIFECERT_JOBS_JOB_FAILED: 500,
  LIFECERT_JOBS_OPTIONS_INVALID: 500,
};

export class JobsError extends Error {
  override readonly name: string = 'JobsError';
  readonly code: JobsErrorCode;
  /** the status an HTTP API answers this error with */
  readonly httpStatus: number;

  constructor(code: JobsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = STATUS[code];
  }
}
