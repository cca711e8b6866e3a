-- Staging of what the connectors pull: pulls, archived raw pages, cursors, every version of
-- every source record (with its canonical event when it was staged) and the quarantine.
-- Identity numbers and record ids use the "C" collation: byte order is the order the rules
-- speak of ("the greater record id in byte order") and area-code prefix scans are plain ranges.

CREATE TABLE pulls (
  pull_id     bigserial PRIMARY KEY,
  run_id      text NOT NULL,
  channel     text NOT NULL,
  dataset     text NOT NULL,
  as_of       date NOT NULL,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  pages       integer NOT NULL DEFAULT 0,
  pulled      integer NOT NULL DEFAULT 0,
  staged      integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0,
  skipped     integer NOT NULL DEFAULT 0,
  withdrawn   integer NOT NULL DEFAULT 0,
  error       text,
  CHECK (pulled = staged + rejected + skipped)
);
CREATE INDEX pulls_run ON pulls (run_id);
CREATE INDEX pulls_source ON pulls (channel, dataset, started_at);

-- provenance: every page exactly as received, with its hash
CREATE TABLE raw_pages (
  pull_id      bigint NOT NULL REFERENCES pulls (pull_id),
  seq          integer NOT NULL,
  request      text NOT NULL,
  sha256       text NOT NULL,
  body         bytea NOT NULL,
  record_count integer NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (pull_id, seq)
);

-- committed in the same transaction as the page it follows
CREATE TABLE cursors (
  channel    text NOT NULL,
  dataset    text NOT NULL,
  state      jsonb NOT NULL,
  pull_id    bigint REFERENCES pulls (pull_id),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (channel, dataset)
);

-- Every version of every source record. A version is (channel, dataset, record_id, raw_hash):
-- re-pulling the same content adds nothing. is_current marks the newest version (newest
-- source_updated_at, a missing one being oldest; on a tie the greatest arrival_seq), kept
-- up to date by staging under a per-(channel, dataset) lock; current_source_records_by_order
-- below states the same rule from scratch so the two can be checked against each other.
CREATE TABLE source_records (
  arrival_seq       bigserial PRIMARY KEY,
  channel           text NOT NULL,
  dataset           text NOT NULL,
  record_id         text COLLATE "C" NOT NULL,
  raw_hash          text NOT NULL,
  -- json, not jsonb: the record keeps the key order and text the source sent
  raw               json NOT NULL,
  source_updated_at timestamptz,
  received_at       timestamptz NOT NULL,
  pull_id           bigint REFERENCES pulls (pull_id),
  outcome           text NOT NULL CHECK (outcome IN ('staged', 'rejected', 'skipped', 'withdrawn')),
  -- rejected / skipped: the rejection or skip code
  reason_code       text,
  -- staged: the event's person; rejected / skipped: the normalized identity number when known
  person_id         text COLLATE "C",
  is_current        boolean NOT NULL DEFAULT false,
  event_id          text,
  origin            text,
  kind              text,
  name              text,
  date              date,
  end_date          date,
  detail            jsonb,
  UNIQUE (channel, dataset, record_id, raw_hash),
  CHECK (outcome <> 'staged' OR (event_id IS NOT NULL AND person_id IS NOT NULL AND origin IS NOT NULL
                                 AND kind IS NOT NULL AND date IS NOT NULL AND detail IS NOT NULL)),
  CHECK (outcome NOT IN ('rejected', 'skipped') OR reason_code IS NOT NULL)
);
-- at most one current version per record; also the "latest version of a record" lookup
CREATE UNIQUE INDEX source_records_current ON source_records (channel, dataset, record_id) WHERE is_current;
-- counted events by person, and by identity-number prefix (area) in keyset pages
CREATE INDEX source_records_counted_person ON source_records (person_id, arrival_seq) WHERE is_current AND outcome = 'staged';
CREATE INDEX source_records_pull ON source_records (pull_id);

-- quarantine: one row per rejected version, the raw record untouched
CREATE TABLE rejections (
  rejection_id bigserial PRIMARY KEY,
  channel      text NOT NULL,
  dataset      text NOT NULL,
  record_id    text COLLATE "C" NOT NULL,
  raw_hash     text NOT NULL,
  arrival_seq  bigint NOT NULL UNIQUE REFERENCES source_records (arrival_seq),
  raw          json NOT NULL,
  field        text NOT NULL,
  reason_code  text NOT NULL,
  message      text NOT NULL,
  person_id    text COLLATE "C",
  pull_id      bigint REFERENCES pulls (pull_id),
  created_at   timestamptz NOT NULL
);
CREATE INDEX rejections_record ON rejections (channel, dataset, record_id);
CREATE INDEX rejections_created ON rejections (created_at);
CREATE INDEX rejections_person ON rejections (person_id);

CREATE VIEW current_source_records AS
  SELECT * FROM source_records WHERE is_current;

-- the rule itself, without the is_current shortcut (for checks and audits, not for scans)
CREATE VIEW current_source_records_by_order AS
  SELECT DISTINCT ON (channel, dataset, record_id) *
  FROM source_records
  ORDER BY channel, dataset, record_id, source_updated_at DESC NULLS LAST, arrival_seq DESC;

-- decision-rules.md §0 "counted events", before the per-channel hukou reduction and the
-- case outcomes that the decision engine applies
CREATE VIEW counted_events AS
  SELECT event_id, channel AS source, dataset, record_id, origin, person_id, name, kind, date, end_date,
         detail, source_updated_at, received_at, raw_hash, arrival_seq
  FROM source_records
  WHERE is_current AND outcome = 'staged';

CREATE VIEW skips AS
  SELECT channel, dataset, record_id, raw_hash, arrival_seq, raw, reason_code, person_id, pull_id,
         received_at AS created_at, is_current
  FROM source_records
  WHERE outcome = 'skipped';
