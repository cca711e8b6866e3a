-- Cheaper staging (issue 12, "the largest remaining cost"): every staged version pays for each
-- index of source_records, and at province scale those indexes outgrow the server's buffers.
--
-- 1. The version key. UNIQUE (channel, dataset, record_id, raw_hash) held the 64-hex hash whole
--    (about 110 bytes an entry) and was the arbiter of the staging's ON CONFLICT. The staging no
--    longer needs an arbiter (its advisory lock per (channel, dataset) serialises it, and it
--    inserts only versions it has just looked up), so the key keeps only what tells versions of
--    one record apart: the first 32 hex digits (128 bits) of the hash. Still unique, so a version
--    is stored once whatever writes it; still the lookup by (channel, dataset, record_id) that the
--    staging, the cases, the feedback and the adoption items make.
ALTER TABLE source_records DROP CONSTRAINT source_records_channel_dataset_record_id_raw_hash_key;
CREATE UNIQUE INDEX source_records_version ON source_records (channel, dataset, record_id, (left(raw_hash, 32)));

-- 2. The connector-health lag (010_gateway.sql): the newest staged update time per
--    (channel, dataset) was read with max() on an index of every staged version. Versions are
--    never updated in those columns nor deleted, so the maximum only grows: a statement trigger
--    keeps it in one row per (channel, dataset) — one upsert per staged page instead of an
--    index entry per version. TRUNCATE (tests, a demo's reset) empties it with the table.
CREATE TABLE source_newest_staged (
  channel          text NOT NULL,
  dataset          text NOT NULL,
  -- null while every staged version of the dataset has an unreadable update time
  newest_update_at timestamptz,
  PRIMARY KEY (channel, dataset)
);

INSERT INTO source_newest_staged (channel, dataset, newest_update_at)
  SELECT channel, dataset, max(source_updated_at) FROM source_records WHERE outcome = 'staged' GROUP BY channel, dataset;

CREATE FUNCTION note_newest_staged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO source_newest_staged AS n (channel, dataset, newest_update_at)
    SELECT channel, dataset, max(source_updated_at) FROM new_versions WHERE outcome = 'staged' GROUP BY channel, dataset
  ON CONFLICT (channel, dataset) DO UPDATE SET newest_update_at = greatest(n.newest_update_at, EXCLUDED.newest_update_at);
  RETURN NULL;
END $$;

CREATE TRIGGER source_records_newest_staged AFTER INSERT ON source_records
  REFERENCING NEW TABLE AS new_versions FOR EACH STATEMENT EXECUTE FUNCTION note_newest_staged();

CREATE FUNCTION forget_newest_staged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM source_newest_staged;
  RETURN NULL;
END $$;

CREATE TRIGGER source_records_truncated AFTER TRUNCATE ON source_records
  FOR EACH STATEMENT EXECUTE FUNCTION forget_newest_staged();

DROP INDEX source_records_staged_updated;

-- 3. The current version. The partial unique index on (channel, dataset, record_id) WHERE
--    is_current held the same keys as the version key, a second index of every record: replaying
--    the 100,000-person month's versions five times over (1.1 million rows), it was a third of the
--    backend CPU of the inserts. Every read that joins on a record's current version finds it
--    through the version key's prefix (a record has few versions) and the counted events through
--    source_records_counted_person. "At most one current version per record" is the staging's
--    rule, kept under its advisory lock per (channel, dataset) — as is_current itself always was —
--    and checked against the ordering rule (current_source_records_by_order) by the tests.
DROP INDEX source_records_current;
