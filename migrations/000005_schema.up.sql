-- Indexes for the joins every page makes, and for the deletes that cascade.
CREATE INDEX objectives_cycle_idx ON objectives (cycle_id);
CREATE INDEX objectives_group_idx ON objectives (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX indicator_values_period_idx ON indicator_values (period_id);
CREATE INDEX activity_progress_period_idx ON activity_progress (period_id);
CREATE INDEX progress_reports_period_idx ON progress_reports (period_id);
CREATE INDEX user_centres_centre_idx ON user_centres (centre_id);

-- The constraints the application turns into messages, by name (see
-- store.constraintMessages).
ALTER TABLE objectives RENAME CONSTRAINT objectives_cycle_centre_id_section_number_key TO objectives_number_unique;
ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_unique;
ALTER TABLE cycles RENAME CONSTRAINT cycles_organisation_id_year_key TO cycles_year_unique;
ALTER TABLE centres RENAME CONSTRAINT centres_organisation_id_name_key TO centres_name_unique;
ALTER TABLE cycle_centres RENAME CONSTRAINT cycle_centres_cycle_id_centre_id_key TO cycle_centres_centre_unique;
ALTER TABLE periods RENAME CONSTRAINT periods_cycle_id_ends_on_key TO periods_ends_on_unique;

-- A value, an activity's progress and a report belong to a period of their
-- own cycle; a si/no indicator's value is 0 (no) or 1 (si). A foreign key
-- cannot say it without copying the cycle into every row, so a trigger does.
CREATE FUNCTION check_period_of_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owner_cycle bigint;
    period_cycle bigint;
    unit text;
BEGIN
    SELECT cycle_id INTO period_cycle FROM periods WHERE id = NEW.period_id;
    CASE TG_TABLE_NAME
    WHEN 'indicator_values' THEN
        SELECT o.cycle_id, i.unit INTO owner_cycle, unit
        FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.id = NEW.indicator_id;
        IF unit = 'si/no' AND NEW.value NOT IN (0, 1) THEN
            RAISE EXCEPTION 'a si/no value is 0 or 1, not %', NEW.value
                USING ERRCODE = 'check_violation', CONSTRAINT = 'indicator_values_yes_no';
        END IF;
    WHEN 'activity_progress' THEN
        SELECT o.cycle_id INTO owner_cycle
        FROM activities a JOIN objectives o ON o.id = a.objective_id WHERE a.id = NEW.activity_id;
    WHEN 'progress_reports' THEN
        SELECT cycle_id INTO owner_cycle FROM objectives WHERE id = NEW.objective_id;
    END CASE;
    IF owner_cycle IS DISTINCT FROM period_cycle THEN
        RAISE EXCEPTION 'period % is not of the cycle of this record', NEW.period_id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_period_of_cycle';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER indicator_values_period_of_cycle BEFORE INSERT OR UPDATE ON indicator_values
    FOR EACH ROW EXECUTE FUNCTION check_period_of_cycle();
CREATE TRIGGER activity_progress_period_of_cycle BEFORE INSERT OR UPDATE ON activity_progress
    FOR EACH ROW EXECUTE FUNCTION check_period_of_cycle();
CREATE TRIGGER progress_reports_period_of_cycle BEFORE INSERT OR UPDATE ON progress_reports
    FOR EACH ROW EXECUTE FUNCTION check_period_of_cycle();

-- Columns nothing reads or writes: the validation of the report and the
-- submission of progress will get tables of their own when they are built.
ALTER TABLE organisations DROP COLUMN tax_code, DROP COLUMN logo, DROP COLUMN logo_type;
ALTER TABLE cycles DROP COLUMN validated_on, DROP COLUMN validation_act;
ALTER TABLE progress_reports DROP COLUMN submitted_at, DROP COLUMN approved_at;
