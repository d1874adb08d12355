-- The data version: one counter that every write to what a cycle is loaded
-- from bumps, in the writing transaction itself. An application server
-- keeps the cycles it loaded with the version they were read at, and serves
-- them again only while the version is unchanged: one cheap read per
-- request, and no server serves a cycle older than a write acknowledged to
-- anyone (the row is updated under its lock and seen only once committed),
-- however many servers share the database.
--
-- The triggers are deferred to the commit and bump once per transaction:
-- the row is locked only while the transaction commits, so writers to
-- different records (managers saving their objectives at once) do not wait
-- for each other's whole transaction.

CREATE TABLE data_version (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    n bigint NOT NULL
);
COMMENT ON TABLE data_version IS 'One row: the count of committed writes to the cycles'' data, which the servers'' caches of loaded cycles are checked against.';
INSERT INTO data_version (id, n) VALUES (true, 1);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('traguardo.data_version_bumped', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('traguardo.data_version_bumped', txid_current()::text, true);
    UPDATE data_version SET n = n + 1;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION bump_data_version() IS 'Counts a write to the cycles'' data in data_version, once per transaction (deferred trigger).';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'cycles', 'periods', 'centres', 'cycle_centres', 'submissions', 'objective_groups',
        'objectives', 'activities', 'activity_progress', 'indicators', 'indicator_values', 'indicator_targets', 'progress_reports'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED '
            'FOR EACH ROW EXECUTE FUNCTION bump_data_version()', t || '_data_version', t);
    END LOOP;
END
$$;
