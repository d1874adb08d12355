-- Monitoring entry: an indicator's value may be recorded as not measurable
-- ("non rilevabile") with a reason; an indicator may carry an intermediate
-- target per period (target intermedio); an objective's progress at a
-- period (its report row) carries an id and a version, so that two people
-- saving the same objective's progress cannot overwrite each other.

ALTER TABLE indicator_values
    ADD COLUMN not_measurable boolean NOT NULL DEFAULT false,
    ALTER COLUMN value DROP NOT NULL,
    ADD CONSTRAINT indicator_values_value_or_not_measurable CHECK (
        CASE WHEN not_measurable
             THEN value IS NULL AND reason IS NOT NULL AND btrim(reason) <> ''
             ELSE value IS NOT NULL END);
COMMENT ON COLUMN indicator_values.not_measurable IS 'Non rilevabile: the value could not be measured at the period; the reason says why and value is NULL.';

CREATE TABLE indicator_targets (
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period_id    bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    target       numeric NOT NULL,
    CONSTRAINT indicator_targets_pkey PRIMARY KEY (indicator_id, period_id)
);
CREATE INDEX indicator_targets_period_idx ON indicator_targets (period_id);
COMMENT ON TABLE indicator_targets IS 'Target intermedio: what an indicator should have reached at a monitoring period; the period''s status is measured against it. Part of the plan.';

-- A target belongs to a period of its indicator's cycle, and a si/no
-- target is 0 or 1: the same check as a value's (000005).
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
CREATE TRIGGER indicator_targets_period_of_cycle BEFORE INSERT OR UPDATE ON indicator_targets
    FOR EACH ROW EXECUTE FUNCTION check_period_of_cycle();

-- The row of an objective's progress at a period: created on its first
-- save, with its own id (the audit log's entity id) and version.
ALTER TABLE progress_reports
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT progress_reports_id_unique UNIQUE (id),
    ADD CONSTRAINT progress_reports_version_positive CHECK (version > 0);
COMMENT ON COLUMN progress_reports.version IS 'Incremented by every save of the objective''s progress at the period (values, activities, status, report); a save read at another version is refused.';
