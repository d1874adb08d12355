DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'cycles', 'periods', 'centres', 'cycle_centres', 'submissions', 'objective_groups',
        'objectives', 'activities', 'activity_progress', 'indicators', 'indicator_values', 'indicator_targets', 'progress_reports'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_data_version', t);
    END LOOP;
END
$$;
DROP FUNCTION bump_data_version();
DROP TABLE data_version;
