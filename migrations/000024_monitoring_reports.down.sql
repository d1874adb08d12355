DROP TABLE IF EXISTS monitoring_observations;
DROP TABLE IF EXISTS monitoring_reports;
DROP FUNCTION IF EXISTS monitoring_reports_frozen();
