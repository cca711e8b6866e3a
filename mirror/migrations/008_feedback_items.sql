-- Feedback items to the source departments (workflow.md 不属实数据反馈): REJECTED (normalization
-- refused a record version) and CORRECTED (a case found the record false), with their delivery
-- state. feedback_id is the idempotency key: one item per record version and field, so storing
-- an item again keeps the first. seq is the creation order the department feed pages through.
CREATE TABLE feedback_items (
  feedback_id     text        PRIMARY KEY,
  seq             bigserial   NOT NULL UNIQUE,
  kind            text        NOT NULL CHECK (kind IN ('REJECTED', 'CORRECTED')),
  channel         text        NOT NULL,
  dataset         text        NOT NULL,
  record_id       text COLLATE "C" NOT NULL,
  -- json, not text: these are values as the source sent them, which may hold U+0000 or a lone
  -- surrogate; text (and jsonb) cannot store those, json keeps the escapes
  person_id       json        NOT NULL,
  field           text        NOT NULL,
  reported_value  json        NOT NULL,
  corrected_value json,
  reason_code     text        NOT NULL,
  verified_date   date        NOT NULL,
  created_at      timestamptz NOT NULL,
  state           text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'CONFIRMED', 'FAILED'))
);
CREATE INDEX feedback_items_channel ON feedback_items (channel, seq);
CREATE INDEX feedback_items_state ON feedback_items (state, channel);
-- CONFIRMED follows from a later version of the same record
CREATE INDEX feedback_items_record ON feedback_items (channel, dataset, record_id);
