-- The public value (valore pubblico, PIAO section 2.1) each strategic area
-- of a cycle pursues, written by the director: one row per area that has
-- one, by the area's name as the objectives give it (objectives.strategic_area,
-- trimmed). Part of the plan: after its approval a change is a variation,
-- and a write moves the cycle's plan counter (000018), so every server
-- reads the cycle again.
CREATE TABLE public_values (
    cycle_id bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    area text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (cycle_id, area),
    CONSTRAINT public_values_area CHECK (area <> '' AND area = btrim(area, E' \t\r\n') AND length(area) <= 2000),
    CONSTRAINT public_values_value CHECK (value <> '' AND value = btrim(value, E' \t\r\n') AND length(value) <= 4000)
);
COMMENT ON TABLE public_values IS 'The public value (valore pubblico) of each strategic area of a cycle that has one, by the area''s name.';
COMMENT ON COLUMN public_values.area IS 'The strategic area''s name, as the cycle''s objectives give it (trimmed).';
COMMENT ON COLUMN public_values.value IS 'The public value the body pursues through the area (plain text).';

ALTER TABLE cycles ADD COLUMN public_values_version integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN cycles.public_values_version IS 'Count of the changes of the cycle''s public values, for optimistic locking of the director''s form.';

CREATE FUNCTION touch_public_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cycle_touches (txid, cycle_id, plan)
    SELECT DISTINCT txid_current(), cycle_id, true FROM changed
    ON CONFLICT (txid, cycle_id) DO UPDATE SET plan = true WHERE NOT cycle_touches.plan;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION touch_public_values() IS 'Notes in cycle_touches the cycles whose rows of public_values a statement wrote (statement trigger, migration 000026).';
CREATE TRIGGER public_values_touch_insert AFTER INSERT ON public_values REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_public_values();
CREATE TRIGGER public_values_touch_update AFTER UPDATE ON public_values REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_public_values();
CREATE TRIGGER public_values_touch_delete AFTER DELETE ON public_values REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION touch_public_values();
