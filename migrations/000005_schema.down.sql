ALTER TABLE progress_reports ADD COLUMN submitted_at timestamptz, ADD COLUMN approved_at timestamptz;
ALTER TABLE cycles ADD COLUMN validated_on date, ADD COLUMN validation_act text,
    ADD CONSTRAINT cycles_check2 CHECK ((validation_act IS NULL) = (validated_on IS NULL));
ALTER TABLE organisations ADD COLUMN tax_code text CHECK (tax_code IS NULL OR tax_code ~ '^[0-9A-Z]{11,16}$'),
    ADD COLUMN logo bytea, ADD COLUMN logo_type text;

DROP TRIGGER progress_reports_period_of_cycle ON progress_reports;
DROP TRIGGER activity_progress_period_of_cycle ON activity_progress;
DROP TRIGGER indicator_values_period_of_cycle ON indicator_values;
DROP FUNCTION check_period_of_cycle();

ALTER TABLE periods RENAME CONSTRAINT periods_ends_on_unique TO periods_cycle_id_ends_on_key;
ALTER TABLE cycle_centres RENAME CONSTRAINT cycle_centres_centre_unique TO cycle_centres_cycle_id_centre_id_key;
ALTER TABLE centres RENAME CONSTRAINT centres_name_unique TO centres_organisation_id_name_key;
ALTER TABLE cycles RENAME CONSTRAINT cycles_year_unique TO cycles_organisation_id_year_key;
ALTER TABLE users RENAME CONSTRAINT users_email_unique TO users_email_key;
ALTER TABLE objectives RENAME CONSTRAINT objectives_number_unique TO objectives_cycle_centre_id_section_number_key;

DROP INDEX user_centres_centre_idx, progress_reports_period_idx, activity_progress_period_idx,
    indicator_values_period_idx, objectives_group_idx, objectives_cycle_idx;
