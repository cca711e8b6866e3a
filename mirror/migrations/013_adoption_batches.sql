-- Adoption feedback to the ministry (采纳情况反馈, workflow.md article 14) and import batches
-- (article 9).

-- One adoption item per (dataType, recordId) of every ministry OVERSEAS record and every AUTH
-- (channel 06), TRAVEL and MEDICAL record, derived from what staging made of the record's
-- current version. The decision of an item not yet sent follows later versions and the roster;
-- once in a batch it is frozen, and a batch is sent whole, with the same batch id on every retry.
CREATE TABLE adoption_items (
  data_type         text NOT NULL CHECK (data_type IN ('OVERSEAS', 'AUTH', 'TRAVEL', 'MEDICAL')),
  record_id         text COLLATE "C" NOT NULL CHECK (record_id <> ''),
  -- the first time the hub received any version of the record, and its China date
  first_received_at timestamptz NOT NULL,
  received_on       date NOT NULL,
  -- received_on + 10 days (OVERSEAS) or + 30 days: the last day the feedback is in time
  due_on            date NOT NULL,
  adopted           boolean NOT NULL,
  -- REJECTED (reason_msg: the rejection code), RESULT_FAIL, NOT_ON_ROSTER; null when adopted
  reason_code       text,
  reason_msg        text,
  -- the normalized identity number when known
  person_id         text COLLATE "C",
  -- the region the item lies in: the roster entry's county, else the channel's area (44)
  area_code         text COLLATE "C" NOT NULL,
  decided_at        timestamptz NOT NULL,
  -- PENDING: not in a batch yet; SENDING: in a batch not yet accepted; SENT
  state             text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENDING', 'SENT')),
  batch_id          text,
  sent_at           timestamptz,
  PRIMARY KEY (data_type, record_id),
  CHECK (adopted = (reason_code IS NULL)),
  CHECK ((state = 'PENDING') = (batch_id IS NULL)),
  CHECK ((state = 'SENT') = (sent_at IS NOT NULL))
);
CREATE INDEX adoption_items_open ON adoption_items (due_on, area_code) WHERE state <> 'SENT';
CREATE INDEX adoption_items_batch ON adoption_items (batch_id) WHERE batch_id IS NOT NULL;

CREATE TABLE adoption_batches (
  batch_id      text PRIMARY KEY,
  -- the order batches were cut in: sent (and retried) oldest first
  seq           bigserial NOT NULL UNIQUE,
  -- YYYYMMDD, fixed when the batch is cut: a retry sends the very same request
  feedback_date text NOT NULL CHECK (feedback_date ~ '^[0-9]{8}$'),
  item_count    integer NOT NULL CHECK (item_count >= 1),
  created_at    timestamptz NOT NULL,
  state         text NOT NULL DEFAULT 'SENDING' CHECK (state IN ('SENDING', 'SENT')),
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  sent_at       timestamptz,
  CHECK ((state = 'SENT') = (sent_at IS NOT NULL))
);

-- Import batches: per county and period, consecutive chunks (in personId order) of at most
-- 2,000 RECORD / RESTORE results, approved at two levels by two users who did not create it.
CREATE TABLE import_batches (
  batch_id        text PRIMARY KEY,
  period          text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  area_code       text COLLATE "C" NOT NULL CHECK (area_code ~ '^44[0-9]{4}$'),
  -- the chunk's number within (period, county), from 1, over every cut (stale ones included)
  seq             integer NOT NULL CHECK (seq >= 1),
  state           text NOT NULL DEFAULT 'OPEN'
                  CHECK (state IN ('OPEN', 'APPROVED_L1', 'IMPORTING', 'IMPORTED', 'IMPORT_FAILED', 'STALE')),
  -- more than 2,000 in one batch is refused whoever asks: here too
  item_count      integer NOT NULL CHECK (item_count BETWEEN 1 AND 2000),
  first_person_id text COLLATE "C" NOT NULL,
  last_person_id  text COLLATE "C" NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  approved_l1_by  text,
  approved_l1_at  timestamptz,
  approved_l2_by  text,
  approved_l2_at  timestamptz,
  import_attempts integer NOT NULL DEFAULT 0,
  imported_count  integer,
  imported_at     timestamptz,
  last_error      text,
  stale_at        timestamptz,
  stale_reason    text,
  UNIQUE (period, area_code, seq),
  -- two different users, neither the creator (the API says so first; the table holds it)
  CHECK (approved_l1_by IS DISTINCT FROM created_by),
  CHECK (approved_l2_by IS DISTINCT FROM created_by),
  CHECK (approved_l2_by IS NULL OR approved_l2_by <> approved_l1_by),
  CHECK (approved_l2_by IS NULL OR approved_l1_by IS NOT NULL),
  CHECK (state NOT IN ('APPROVED_L1') OR approved_l1_by IS NOT NULL),
  CHECK (state NOT IN ('IMPORTING', 'IMPORTED', 'IMPORT_FAILED') OR approved_l2_by IS NOT NULL),
  CHECK ((state = 'IMPORTED') = (imported_at IS NOT NULL))
);
CREATE INDEX import_batches_list ON import_batches (period, area_code, seq);
CREATE INDEX import_batches_state ON import_batches (state);

-- What a batch imports, as the result was when it was cut (the import sends this, not a later
-- result: a later change makes an OPEN / APPROVED_L1 batch STALE instead).
CREATE TABLE import_batch_items (
  batch_id        text NOT NULL REFERENCES import_batches (batch_id),
  period          text NOT NULL,
  -- the collation of results.person_id, which it is compared with
  person_id       text NOT NULL,
  action          text NOT NULL CHECK (action IN ('RECORD', 'RESTORE')),
  certified_month text NOT NULL,
  certified_until text NOT NULL,
  reasons         jsonb NOT NULL,
  -- false once the batch is STALE: its persons may be cut again
  active          boolean NOT NULL DEFAULT true,
  PRIMARY KEY (batch_id, person_id)
);
-- a person is in at most one live batch per period: imported at most once, whatever is retried
CREATE UNIQUE INDEX import_batch_items_once ON import_batch_items (period, person_id) WHERE active;
