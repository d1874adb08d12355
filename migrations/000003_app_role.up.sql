-- The application serves with a role of its own, not with the owner of the
-- schema: the group role traguardo_app (NOLOGIN) holds what the application
-- needs, and the login role it connects with is made a member of it (see
-- README, "Running in production"). The owner, who runs the migrations,
-- keeps everything else: DDL, triggers, TRUNCATE, ownership.
--
-- Roles are cluster-wide: create the group only when it is missing (another
-- database of the cluster, or the DBA, may have made it already). An owner
-- without CREATEROLE needs the DBA to create it first.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'traguardo_app') THEN
        CREATE ROLE traguardo_app NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'role traguardo_app is missing and % may not create it', current_user
        USING HINT = 'As a superuser or a role with CREATEROLE: CREATE ROLE traguardo_app NOLOGIN;';
END
$$;

GRANT USAGE ON SCHEMA public TO traguardo_app;

-- Every table: read and write rows, nothing more (no TRUNCATE, TRIGGER or
-- REFERENCES, no DDL: those need the owner).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO traguardo_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM traguardo_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO traguardo_app;

-- The audit log is append-only for the application: add and read entries.
REVOKE UPDATE, DELETE ON audit_log FROM traguardo_app;

-- golang-migrate's bookkeeping: the application only reads the version.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM traguardo_app;

-- Tables and sequences that later migrations create (as this same owner)
-- get the same privileges without repeating these grants. A later table
-- that must not be rewritten revokes UPDATE, DELETE like audit_log above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO traguardo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO traguardo_app;
