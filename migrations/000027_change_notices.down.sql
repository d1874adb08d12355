DROP TRIGGER cycles_notify ON cycles;
DROP TRIGGER cycle_versions_notify ON cycle_versions;
DROP TRIGGER users_notify ON users;
DROP TRIGGER notifications_notify ON notifications;
DROP TRIGGER user_centres_notify ON user_centres;
DROP TRIGGER sessions_notify ON sessions;
DROP FUNCTION notify_cycle_change();
DROP FUNCTION notify_account_change();
DROP FUNCTION notify_user_change();
