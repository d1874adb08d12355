DROP TABLE report_comments;
DROP TRIGGER report_versions_frozen ON report_versions;
DROP FUNCTION report_versions_frozen();
DROP TABLE report_versions;
