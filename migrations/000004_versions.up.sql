-- Every record a user edits carries a version: a form sends back the version
-- it was read at, and the store refuses the change when the record has moved
-- on since (no lost updates). The store's UPDATE statements increment it.
ALTER TABLE cycles ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE cycle_centres ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE objectives ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE activities ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE indicators ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);

COMMENT ON COLUMN cycles.version IS 'Incremented by every change of the row (bands, approval); a change read at another version is refused.';
COMMENT ON COLUMN cycle_centres.version IS 'Incremented by every change of the centre in the cycle (name, manager), not by reordering.';
COMMENT ON COLUMN objectives.version IS 'Incremented by every change of the objective''s fields, not by reordering.';
COMMENT ON COLUMN activities.version IS 'Incremented by every change of the activity''s fields, not by reordering.';
COMMENT ON COLUMN indicators.version IS 'Incremented by every change of the indicator''s fields, not by reordering.';
COMMENT ON COLUMN users.version IS 'Incremented by every change of the account (activation, password).';

