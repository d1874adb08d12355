DROP TABLE public_values;
DROP FUNCTION touch_public_values();
ALTER TABLE cycles DROP COLUMN public_values_version;
