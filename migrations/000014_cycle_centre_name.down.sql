DROP TRIGGER cycle_centres_default_name ON cycle_centres;
DROP FUNCTION cycle_centre_default_name();
ALTER TABLE cycle_centres DROP COLUMN name;
