-- A centre's name in one cycle. The organisational centre (centres) is the
-- unit that outlives cycles and binds its managers (user_centres); a cycle
-- may call it differently (a unit renamed in 2024 keeps its 2023 name in
-- the 2023 plan), and renaming it in one cycle keeps the organisational
-- centre, so that its managers keep their access.
ALTER TABLE cycle_centres ADD COLUMN name text;
UPDATE cycle_centres cc SET name = c.name FROM centres c WHERE c.id = cc.centre_id;
ALTER TABLE cycle_centres ALTER COLUMN name SET NOT NULL;
ALTER TABLE cycle_centres ADD CONSTRAINT cycle_centres_name_check CHECK (btrim(name) <> '');
ALTER TABLE cycle_centres ADD CONSTRAINT cycle_centres_name_unique UNIQUE (cycle_id, name);
COMMENT ON COLUMN cycle_centres.name IS 'The centre''s name in this cycle; on insert without one, the organisational centre''s name.';

-- An insert that names no centre name takes the organisational centre's.
CREATE FUNCTION cycle_centre_default_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS NULL THEN
        SELECT name INTO NEW.name FROM centres WHERE id = NEW.centre_id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER cycle_centres_default_name BEFORE INSERT ON cycle_centres
    FOR EACH ROW EXECUTE FUNCTION cycle_centre_default_name();
