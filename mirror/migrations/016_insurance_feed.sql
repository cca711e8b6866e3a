-- The insurance feed (article 15, workflow.md): certification results shared with the work-injury
-- and unemployment insurance systems through the department-feed mechanism, channel `insurance`.
-- Every published result that is new, or differs from what was last shared for that person and
-- period, is appended in publication order; a re-run that changes nothing appends nothing.
-- A statement trigger with a transition table sees the rows of publishShard's COPY at once.
CREATE TABLE insurance_feed (
  seq             bigserial PRIMARY KEY,
  period          text NOT NULL,
  person_id       text NOT NULL,
  area_code       text NOT NULL,
  decision        text NOT NULL,
  action          text NOT NULL,
  reasons         jsonb NOT NULL,
  loss_date       text,
  certified_month text,
  certified_until text,
  shared_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE insurance_shared (
  period       text NOT NULL,
  person_id    text NOT NULL,
  content_hash text NOT NULL,
  PRIMARY KEY (period, person_id)
);

CREATE FUNCTION share_results_with_insurance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH n AS (
    SELECT period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until,
           md5(concat_ws('|', decision, action, reasons::text, loss_date, certified_month, certified_until)) AS h
      FROM new_rows
  ), changed AS (
    INSERT INTO insurance_shared AS s (period, person_id, content_hash)
    SELECT period, person_id, h FROM n
    ON CONFLICT (period, person_id) DO UPDATE SET content_hash = EXCLUDED.content_hash WHERE s.content_hash <> EXCLUDED.content_hash
    RETURNING period, person_id
  )
  INSERT INTO insurance_feed (period, person_id, area_code, decision, action, reasons, loss_date, certified_month, certified_until)
  SELECT n.period, n.person_id, n.area_code, n.decision, n.action, n.reasons, n.loss_date, n.certified_month, n.certified_until
    FROM n JOIN changed c ON c.period = n.period AND c.person_id = n.person_id
   ORDER BY n.person_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER results_shared_with_insurance AFTER INSERT ON results
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION share_results_with_insurance();

-- Which quarantined versions have their REJECTED feedback item: the workers' sweep turns the
-- others into items (in the transaction that marks them), however the pulls ran.
ALTER TABLE rejections ADD COLUMN fed_back boolean NOT NULL DEFAULT false;
CREATE INDEX rejections_not_fed_back ON rejections (rejection_id) WHERE NOT fed_back;
