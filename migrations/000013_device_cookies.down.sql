DROP TABLE server_keys;
DROP INDEX login_failures_device_idx;
ALTER TABLE login_failures DROP COLUMN device;
