DROP TABLE notifications, submissions, period_reopenings;
DROP TRIGGER periods_default_window ON periods;
DROP FUNCTION periods_default_window();
ALTER TABLE periods DROP CONSTRAINT periods_window_order, DROP COLUMN opens_on, DROP COLUMN closes_on;
