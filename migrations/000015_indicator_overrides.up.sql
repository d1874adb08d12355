-- The director's override of an indicator's achievement at one period
-- only (a manual figure at 30/06, the 31/12 one computed): at its period
-- it takes the place of the computed achievement and of the indicator's
-- own override (indicators.override_pct, of every period). The range of
-- pct within the cycle's cap is checked by the application, as for the
-- indicator's override; here, the widest cap.

CREATE TABLE indicator_overrides (
    indicator_id bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period_id    bigint NOT NULL REFERENCES periods (id) ON DELETE CASCADE,
    pct          numeric(5,2) NOT NULL,
    reason       text NOT NULL,
    CONSTRAINT indicator_overrides_pkey PRIMARY KEY (indicator_id, period_id),
    CONSTRAINT indicator_overrides_range CHECK (pct >= 0 AND pct <= 200),
    CONSTRAINT indicator_overrides_reason_given CHECK (btrim(reason) <> '')
);
CREATE INDEX indicator_overrides_period_idx ON indicator_overrides (period_id);
COMMENT ON TABLE indicator_overrides IS 'The director''s achievement (percent) of an indicator at one monitoring period, in place of the computed one and of indicators.override_pct there, with its reason.';

-- An override belongs to a period of its indicator's cycle: the check of
-- 000007, with the overrides.
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
    WHEN 'indicator_overrides' THEN
        SELECT o.cycle_id INTO owner_cycle
        FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.id = NEW.indicator_id;
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
CREATE TRIGGER indicator_overrides_period_of_cycle BEFORE INSERT OR UPDATE ON indicator_overrides
    FOR EACH ROW EXECUTE FUNCTION check_period_of_cycle();

-- The loaded cycle holds the overrides: a write to them bumps the data
-- version like a write to the rest of the cycle (000011).
CREATE CONSTRAINT TRIGGER indicator_overrides_data_version AFTER INSERT OR UPDATE OR DELETE ON indicator_overrides
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version();
