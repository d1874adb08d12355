-- Once a cycle's plan is approved it is frozen: every change is a variazione
-- with a date and a reason, kept with the values before and after.
CREATE TABLE variations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cycle_id   bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    decided_on date NOT NULL,
    reason     text NOT NULL CHECK (btrim(reason) <> ''),
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  bigint,
    old_value  jsonb,
    new_value  jsonb,
    user_id    bigint REFERENCES users (id),
    actor      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX variations_cycle_idx ON variations (cycle_id, decided_on);
COMMENT ON TABLE variations IS 'Variazioni del piano: changes to an approved plan, listed in the Relazione.';

-- objective_group_for finds or creates the cross-cutting group with a code in
-- a cycle; an empty code is no group.
CREATE FUNCTION objective_group_for(p_cycle bigint, p_code text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    gid bigint;
BEGIN
    IF p_code IS NULL OR btrim(p_code) = '' THEN
        RETURN NULL;
    END IF;
    INSERT INTO objective_groups (cycle_id, code) VALUES (p_cycle, btrim(p_code))
    ON CONFLICT (cycle_id, code) DO UPDATE SET code = EXCLUDED.code
    RETURNING id INTO gid;
    RETURN gid;
END;
$$;
