ALTER TABLE report_versions DROP CONSTRAINT report_versions_observations_decided;
ALTER TABLE report_versions DROP COLUMN observations;
