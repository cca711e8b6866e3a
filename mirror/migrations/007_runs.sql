-- Runs started through the queue (jobs/): what was asked, by whom, how far it got. A run is a
-- BullMQ flow; these rows are its record in the mirror, so the API and the dashboard read run
-- state from PostgreSQL even when Redis is down, and a worker on any machine can update it.
-- Per source and dataset counts are not copied here: they are the run's rows in `pulls`,
-- written in the same transaction as each page.

CREATE TABLE runs (
  run_id        text PRIMARY KEY,
  period        text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  as_of         date NOT NULL,
  -- the steps asked for, in order: pull, match, publish
  steps         text[] NOT NULL,
  -- channels the pull was limited to; NULL: every configured connector
  connectors    text[],
  state         text NOT NULL DEFAULT 'QUEUED' CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  requested_by  text NOT NULL,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  error_code    text,
  error_message text,
  -- area shards the match planned; NULL until the match step planned them
  shards_total  integer,
  -- the match summary (persons, decisions, casesOpened, reminders), written when the run closes
  summary       jsonb,
  CHECK ((state = 'FAILED') = (error_code IS NOT NULL)),
  CHECK (state NOT IN ('SUCCEEDED', 'FAILED') OR finished_at IS NOT NULL)
);
CREATE INDEX runs_created ON runs (created_at DESC, run_id DESC);
CREATE INDEX runs_unfinished ON runs (state) WHERE state IN ('QUEUED', 'RUNNING');

-- One row per job of a run: a pull of one (channel, dataset), a match shard (one area code),
-- the closing publish job. `attempts` counts starts, so a job re-run after a crash or a
-- stall shows up as attempts > 1.
CREATE TABLE run_tasks (
  run_id        text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  step          text NOT NULL CHECK (step IN ('pull', 'match', 'publish')),
  -- pull: '<channel>/<dataset>'; match: the area code; publish: ''
  task          text NOT NULL,
  state         text NOT NULL DEFAULT 'QUEUED' CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  attempts      integer NOT NULL DEFAULT 0,
  started_at    timestamptz,
  finished_at   timestamptz,
  error_code    text,
  error_message text,
  -- match: the shard's summary; pull: the attempt's counts
  result        jsonb,
  PRIMARY KEY (run_id, step, task)
);
