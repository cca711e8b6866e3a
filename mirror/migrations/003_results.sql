-- Match results published to the T+1 mirror: one row per roster entry and period (a re-run of
-- the same period replaces the rows of each shard it decides), and one suspect case per
-- person and period (疑点核查; a re-run never opens a second one).
CREATE TABLE results (
  period              text        NOT NULL,
  person_id           text        NOT NULL,
  area_code           text        NOT NULL,
  decision            text        NOT NULL,
  action              text        NOT NULL,
  reasons             jsonb       NOT NULL,
  loss_date           text,
  certified_month     text,
  certified_until     text,
  risk_level          text,
  overpaid_months     integer,
  overpaid_amount_fen bigint,
  evidence            jsonb       NOT NULL,
  run_id              text        NOT NULL,
  decided_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, person_id)
);
CREATE INDEX results_by_area ON results (period, area_code, person_id);
CREATE INDEX results_by_action ON results (period, action);

CREATE TABLE cases (
  case_id     text        PRIMARY KEY,
  period      text        NOT NULL,
  person_id   text        NOT NULL,
  area_code   text        NOT NULL,
  reasons     jsonb       NOT NULL,
  evidence    jsonb       NOT NULL,
  status      text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
  opened_at   timestamptz NOT NULL,
  closed_at   timestamptz,
  UNIQUE (period, person_id)
);
CREATE INDEX cases_by_area ON cases (area_code, status);

-- County worklists (stop, seal, verify) and the reminder list (粤人社规〔2023〕4号: eligible
-- persons whose certification ends within 3 months of the period).
CREATE VIEW worklists AS
  SELECT period, area_code, action, person_id, reasons FROM results WHERE action IN ('STOP', 'SEAL', 'VERIFY');
