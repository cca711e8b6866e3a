-- The gateway's tables (workflow.md "Roles and scope", api.md): users with roles and one
-- region, their API tokens (only a keyed hash of each token is kept), and the append-only
-- audit log whose rows each carry the hash of the row before.

CREATE TABLE users (
  user_id    text PRIMARY KEY,
  -- unique: the name is how an administrator finds a user again
  name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  roles      text[] NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ ARRAY['admin', 'integrator', 'operator', 'county-staff',
               'approver-l1', 'approver-l2', 'benefit-assessor', 'department', 'auditor']::text[]),
  -- an area-code prefix: 44 the province, 4401 a city, 440106 a county
  region     text COLLATE "C" NOT NULL CHECK (region ~ '^44([0-9]{2}){0,2}$'),
  -- a department's own channel (and only a department's)
  channel    text CHECK (channel ~ '^(ministry|bigdata|police-44[0-9]{2}|civil|health|insurance)$'),
  created_at timestamptz NOT NULL,
  -- the user id of the administrator, or `cli:<os user>` for `lifecert user add`
  created_by text NOT NULL,
  -- 待遇核定人员不得兼任资格认证相关工作: the database refuses it too, whoever writes the row
  CHECK (NOT ('benefit-assessor' = ANY (roles) AND roles && ARRAY['approver-l1', 'approver-l2']::text[])),
  CHECK (('department' = ANY (roles)) = (channel IS NOT NULL))
);

CREATE TABLE api_tokens (
  token_id   text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (user_id),
  -- HMAC-SHA256 of the token under LIFECERT_SECRET: a copy of this table opens nothing
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_by text NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- seq orders the log; it is not hashed, so a row slipped in by renumbering is named as inserted
CREATE TABLE audit_log (
  seq          bigint PRIMARY KEY CHECK (seq >= 1),
  at           timestamptz NOT NULL,
  -- `user:<id>`, `cli:<os user>` or `schedule:<name>`
  actor        text NOT NULL,
  -- `run.start`, `connector.pull`, `user.create`, `token.create`, `token.revoke`, ...
  action       text NOT NULL,
  -- what changed: `run:<id>`, `user:<id>`, `token:<id>`
  target       text NOT NULL,
  details      jsonb NOT NULL,
  -- article 9: before 08:30, from 18:00 China time, or a non-working day of the calendar
  out_of_hours boolean NOT NULL,
  prev_hash    text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- connector health: the lag is the newest staged update time of a (channel, dataset) behind
-- now, read with max() on this index instead of a scan of every version
CREATE INDEX source_records_staged_updated ON source_records (channel, dataset, source_updated_at) WHERE outcome = 'staged';
