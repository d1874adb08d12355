DROP TABLE indicator_overrides;

-- Back to 000007's check, without the overrides.
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
    WHEN 'indicator_targets' THEN
        SELECT o.cycle_id, i.unit INTO owner_cycle, unit
        FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.id = NEW.indicator_id;
        IF unit = 'si/no' AND NEW.target NOT IN (0, 1) THEN
            RAISE EXCEPTION 'a si/no target is 0 or 1, not %', NEW.target
                USING ERRCODE = 'check_violation', CONSTRAINT = 'indicator_targets_yes_no';
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
