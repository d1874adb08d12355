#!/bin/sh
# The postgres image runs this once, when it initialises an empty volume
# (docker-compose.yml mounts this folder on /docker-entrypoint-initdb.d).
# It creates the group role that migration 000003 grants the application's
# privileges to, and the login role the application serves with, a member of
# it and nothing more. The owner (POSTGRES_USER) runs the migrations.
set -e
if [ -z "$TRAGUARDO_RUNTIME_PASSWORD" ]; then
	echo "TRAGUARDO_RUNTIME_PASSWORD is not set" >&2
	exit 1
fi
psql -v ON_ERROR_STOP=1 --no-password --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	--set pw="$TRAGUARDO_RUNTIME_PASSWORD" <<'EOSQL'
CREATE ROLE traguardo_app NOLOGIN;
CREATE ROLE traguardo_runtime LOGIN PASSWORD :'pw'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS IN ROLE traguardo_app;
EOSQL
