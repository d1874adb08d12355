ALTER TABLE progress_reports
    DROP CONSTRAINT progress_reports_version_positive,
    DROP CONSTRAINT progress_reports_id_unique,
    DROP COLUMN version,
    DROP COLUMN id;

DROP TABLE indicator_targets;

-- Back to 000005's check, without the targets.
CREATE OR REPLACE FUNCTION check_period_of_cycle() RETURNS trigger
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

-- Values recorded as not measurable have no value to keep.
DELETE FROM indicator_values WHERE not_measurable;
ALTER TABLE indicator_values
    DROP CONSTRAINT indicator_values_value_or_not_measurable,
    ALTER COLUMN value SET NOT NULL,
    DROP COLUMN not_measurable;
