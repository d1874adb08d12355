DO $$
DECLARE
    t text;
    op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'centres', 'cycles', 'periods', 'cycle_centres', 'objective_groups', 'objectives',
        'activities', 'indicators', 'indicator_targets', 'indicator_overrides', 'submissions', 'period_reopenings',
        'activity_progress', 'indicator_values', 'progress_reports'] LOOP
        FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
            EXECUTE format('DROP TRIGGER %I ON %I', t || '_touch_' || op, t);
        END LOOP;
        EXECUTE format('DROP FUNCTION %I()', 'touch_' || t);
    END LOOP;
END
$$;
DROP TRIGGER cycle_touches_bump ON cycle_touches;
DROP FUNCTION bump_cycle_version();
DROP TABLE cycle_touches;
DROP TABLE cycle_versions;

-- The one counter of 000011, with its triggers (000011, 000012, 000015).
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

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'cycles', 'periods', 'centres', 'cycle_centres', 'submissions', 'objective_groups',
        'objectives', 'activities', 'activity_progress', 'indicators', 'indicator_values', 'indicator_targets', 'progress_reports',
        'period_reopenings', 'indicator_overrides'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED '
            'FOR EACH ROW EXECUTE FUNCTION bump_data_version()', t || '_data_version', t);
    END LOOP;
END
$$;
