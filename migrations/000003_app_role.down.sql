-- The role traguardo_app itself stays: roles are cluster-wide and other
-- databases of the cluster may use it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM traguardo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM traguardo_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM traguardo_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM traguardo_app;
REVOKE USAGE ON SCHEMA public FROM traguardo_app;
