-- Change notices: every server keeps in memory what it read with a
-- session (the session, its account with its unread count, the counters
-- of the cycles) and forgets it when told, through LISTEN on the channel
-- traguardo_changes (store.WatchChanges, docs/architecture.md, "Sessions
-- without a round trip"). A notice is sent at the commit of the
-- transaction that wrote, by PostgreSQL to every server listening:
--
--   u<id>  something read with a session of the account id changed: one
--          of its sessions, the account, its centres, its notifications;
--   c      the counters of a cycle moved, or a cycle was made or deleted.
--
-- PostgreSQL sends a notice once per transaction however many rows
-- repeat it.

CREATE FUNCTION notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.user_id IS NOT NULL THEN
        PERFORM pg_notify('traguardo_changes', 'u' || OLD.user_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.user_id IS NOT NULL THEN
        PERFORM pg_notify('traguardo_changes', 'u' || NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION notify_user_change() IS 'Tells the servers (LISTEN traguardo_changes) that what a session of the row''s account reads changed.';

CREATE FUNCTION notify_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('traguardo_changes', 'u' || OLD.id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('traguardo_changes', 'u' || NEW.id);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION notify_account_change() IS 'Tells the servers (LISTEN traguardo_changes) that an account changed.';

CREATE FUNCTION notify_cycle_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('traguardo_changes', 'c');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION notify_cycle_change() IS 'Tells the servers (LISTEN traguardo_changes) that a cycle''s counters moved, or a cycle was made or deleted.';

CREATE TRIGGER sessions_notify AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION notify_user_change();
CREATE TRIGGER user_centres_notify AFTER INSERT OR UPDATE OR DELETE ON user_centres
    FOR EACH ROW EXECUTE FUNCTION notify_user_change();
CREATE TRIGGER notifications_notify AFTER INSERT OR UPDATE OR DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION notify_user_change();
CREATE TRIGGER users_notify AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_account_change();
CREATE TRIGGER cycle_versions_notify AFTER INSERT OR UPDATE OR DELETE ON cycle_versions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_cycle_change();
CREATE TRIGGER cycles_notify AFTER INSERT OR UPDATE OR DELETE ON cycles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_cycle_change();
