DROP FUNCTION IF EXISTS objective_group_for(bigint, text);
DROP TABLE IF EXISTS variations;
