DROP TABLE piano_versions;
DROP FUNCTION piano_versions_frozen();
