DROP INDEX notifications_unread_idx;
DROP TABLE window_notices;
