-- Civil rows are ordered by delivery, not by their update time (sources.md section 4): every
-- row of the latest complete delivery of a file is its line's current version, also a row
-- identical to an earlier version that had stopped being current. delivery_seq numbers the
-- delivery (staged page) that last made a version current; staging sets it for versions of
-- pages ordered by delivery and leaves it null for every other source, whose versions keep the
-- update-time rule. The rule from scratch then orders by it first.
ALTER TABLE source_records ADD COLUMN delivery_seq bigint;
CREATE SEQUENCE source_deliveries;

CREATE OR REPLACE VIEW current_source_records AS
  SELECT * FROM source_records WHERE is_current;

CREATE OR REPLACE VIEW current_source_records_by_order AS
  SELECT DISTINCT ON (channel, dataset, record_id) *
  FROM source_records
  ORDER BY channel, dataset, record_id, delivery_seq DESC NULLS LAST, source_updated_at DESC NULLS LAST, arrival_seq DESC;
