-- The roster of recipients to certify (sources.md "The roster"). In production the
-- provincial system fills this table (or a view of the same shape) in the T+1 mirror; the
-- demo and the sandbox load it from a world file.
CREATE TABLE t1_recipients (
  person_id            text COLLATE "C" PRIMARY KEY CHECK (person_id ~ '^[0-9]{17}[0-9X]$'),
  name                 text NOT NULL,
  sex                  text NOT NULL CHECK (sex IN ('1', '2')),
  birth_date           date NOT NULL,
  area_code            text COLLATE "C" NOT NULL CHECK (area_code ~ '^[0-9]{6}$'),
  benefit_status       text NOT NULL CHECK (benefit_status IN ('normal', 'suspended')),
  suspend_reason       text CHECK (suspend_reason IN ('IMPRISONED', 'CERT_EXPIRED', 'DEATH_SUSPECTED', 'OTHER')),
  suspended_since      text CHECK (suspended_since ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  account_status       text NOT NULL CHECK (account_status IN ('active', 'sealed')),
  last_certified_month text NOT NULL CHECK (last_certified_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  started_month        text NOT NULL CHECK (started_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  paid_through         text NOT NULL CHECK (paid_through ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  monthly_amount_fen   bigint NOT NULL CHECK (monthly_amount_fen >= 0),
  -- suspendReason and suspendedSince are set exactly when the benefit is suspended
  CHECK ((benefit_status = 'suspended') = (suspend_reason IS NOT NULL)),
  CHECK ((benefit_status = 'suspended') = (suspended_since IS NOT NULL))
);
-- shard scans: one area code at a time, in person order
CREATE INDEX t1_recipients_area ON t1_recipients (area_code, person_id);
