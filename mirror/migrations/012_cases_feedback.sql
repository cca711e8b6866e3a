-- Closing the loop (workflow.md): case outcomes and on-site certifications become hub events
-- the match counts; versions a case found false stop counting; feedback items carry their
-- delivery bookkeeping; departments acknowledge their feed.

-- A closed case keeps its outcome as staff sent it (evidence, dates, falseEvents) and who closed it.
ALTER TABLE cases ADD COLUMN outcome jsonb;
ALTER TABLE cases ADD COLUMN closed_by text;

-- Hub events (decision-rules.md §0): verified by staff, origin hub, dataset `cases` (record id =
-- the case id) or `onsite` (record id = the certification's id). arrival_seq shares the source
-- records' sequence so that counted_events pages through both in one (person, arrival) order.
CREATE TABLE hub_events (
  event_id          text PRIMARY KEY,
  dataset           text NOT NULL CHECK (dataset IN ('cases', 'onsite')),
  record_id         text COLLATE "C" NOT NULL,
  person_id         text COLLATE "C" NOT NULL,
  kind              text NOT NULL,
  date              date NOT NULL,
  end_date          date,
  detail            jsonb NOT NULL,
  raw_hash          text NOT NULL,
  recorded_at       timestamptz NOT NULL,
  recorded_by       text NOT NULL,
  evidence          jsonb NOT NULL,
  arrival_seq       bigint NOT NULL DEFAULT nextval('source_records_arrival_seq_seq'),
  UNIQUE (dataset, record_id)
);
CREATE INDEX hub_events_person ON hub_events (person_id, arrival_seq);

-- The version of a source record a case found false (falseEvents): it stops counting; a later
-- version with other content counts again (its own row, not marked).
ALTER TABLE source_records ADD COLUMN found_false_by text;

CREATE OR REPLACE VIEW counted_events AS
  SELECT event_id, channel AS source, dataset, record_id, origin, person_id, name, kind, date, end_date,
         detail, source_updated_at, received_at, raw_hash, arrival_seq
  FROM source_records
  WHERE is_current AND outcome = 'staged' AND found_false_by IS NULL
  UNION ALL
  SELECT event_id, 'hub' AS source, dataset, record_id, 'hub' AS origin, person_id, NULL::text AS name, kind, date, end_date,
         detail, recorded_at AS source_updated_at, recorded_at AS received_at, raw_hash, arrival_seq
  FROM hub_events;

-- Delivery bookkeeping of feedback items. source_seq: the newest arrival_seq of the record when
-- the item was made — a version arriving after it confirms a SENT item. attempts / last_error /
-- the times: what the operator's list shows; first_attempt_at starts the 72-hour window.
ALTER TABLE feedback_items ADD COLUMN source_seq bigint;
ALTER TABLE feedback_items ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE feedback_items ADD COLUMN last_error text;
ALTER TABLE feedback_items ADD COLUMN first_attempt_at timestamptz;
ALTER TABLE feedback_items ADD COLUMN sent_at timestamptz;
ALTER TABLE feedback_items ADD COLUMN confirmed_at timestamptz;
ALTER TABLE feedback_items ADD COLUMN failed_at timestamptz;

-- What each department has acknowledged of its feed: every item before up_to (a feed position).
CREATE TABLE feed_acks (
  channel     text PRIMARY KEY,
  up_to       bigint NOT NULL,
  acked_at    timestamptz NOT NULL,
  acked_by    text NOT NULL
);
