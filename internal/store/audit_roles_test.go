package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/auth"
	"traguardo/internal/pgcluster"
	"traguardo/internal/pgtest"
	"traguardo/internal/store"
)

// TestAuditLog_RuntimeRole connects as the role the application serves with
// and tries every way to change or remove audit entries, the trigger's
// included: each must fail, and the log, its triggers, its trigger function
// and its owner stay as they were.
func TestAuditLog_RuntimeRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	st := store.New(pool)
	owner := pgtest.Owner(t, pool)
	// The application writes and reads the log as this role.
	id := MustCreateUser(t, st, store.CLI, store.NewUser{Email: "utente@traguardo.test", Role: auth.Observer}, "password-utente-1")
	if err := st.SetActive(ctx, store.CLI, id, 1, false); err != nil { // a new account is at version 1
		t.Fatal(err)
	}
	if entries, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000}); err != nil || len(entries) != 2 {
		t.Fatalf("ListAudit = %d entries, %v; want 2", len(entries), err)
	}

	var (
		role                                           string
		super, createRole, createDB, bypassRLS, member bool
		owns                                           int
	)
	if err := pool.QueryRow(ctx, `
		SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,
			pg_has_role(current_user, 'traguardo_app', 'MEMBER'),
			(SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid) +
			(SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) + (SELECT count(*) FROM pg_database WHERE datdba = r.oid)
		FROM pg_roles r WHERE rolname = current_user`).Scan(&role, &super, &createRole, &createDB, &bypassRLS, &member, &owns); err != nil {
		t.Fatal(err)
	}
	if role != pgcluster.Runtime || super || createRole || createDB || bypassRLS || !member || owns != 0 {
		t.Fatalf("the tests connect as %s (superuser %v, createrole %v, createdb %v, bypassrls %v, member of traguardo_app %v, owns %d objects); "+
			"want %s, a member of traguardo_app with no other power, owning nothing",
			role, super, createRole, createDB, bypassRLS, member, owns, pgcluster.Runtime)
	}

	state := func() string {
		t.Helper()
		var s string
		err := owner.QueryRow(ctx, `SELECT
			(SELECT count(*) || ':' || md5(string_agg(a::text, '|' ORDER BY id)) FROM audit_log a) || ' ' ||
			(SELECT string_agg(tgname || '=' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger
				WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal) || ' ' ||
			(SELECT md5(prosrc) || ':' || proowner::regrole FROM pg_proc WHERE proname = 'audit_log_append_only') || ' ' ||
			(SELECT relowner::regrole || ':' || relname FROM pg_class WHERE oid = 'audit_log'::regclass) || ' ' ||
			has_table_privilege($1, 'audit_log', 'UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES')`, pgcluster.Runtime).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := state()
	if !strings.HasSuffix(before, " false") {
		t.Fatalf("the runtime role may change audit_log: %s", before)
	}

	for _, sql := range []string{
		`UPDATE audit_log SET actor = 'qualcun altro'`,
		`UPDATE audit_log SET new_value = NULL WHERE action = 'set-active'`,
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`,
		`TRUNCATE audit_log`,
		`TRUNCATE audit_log CASCADE`,
		`INSERT INTO audit_log (id, actor, action, entity) OVERRIDING SYSTEM VALUE
			SELECT id, 'qualcun altro', action, entity FROM audit_log
			ON CONFLICT (id) DO UPDATE SET actor = EXCLUDED.actor`,
		`MERGE INTO audit_log a USING (SELECT max(id) AS id FROM audit_log) s ON a.id = s.id WHEN MATCHED THEN DELETE`,
		`ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL; DELETE FROM audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; DELETE FROM audit_log`,
		`SET session_replication_role = replica; UPDATE audit_log SET actor = 'qualcun altro'`,
		`SET session_replication_role = replica; DELETE FROM audit_log`,
		`SET ROLE ` + pgcluster.Owner + `; DELETE FROM audit_log`,
		`ALTER ROLE CURRENT_USER SUPERUSER`,
		`CREATE TRIGGER rewrite BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
		`CREATE RULE forget AS ON INSERT TO audit_log DO INSTEAD NOTHING`,
		`DROP TRIGGER audit_log_no_update ON audit_log; DELETE FROM audit_log`,
		`DROP TRIGGER audit_log_no_truncate ON audit_log; TRUNCATE audit_log`,
		`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;
			DELETE FROM audit_log`,
		`ALTER FUNCTION audit_log_append_only() OWNER TO CURRENT_USER`,
		`ALTER TABLE audit_log OWNER TO CURRENT_USER`,
		`ALTER TABLE audit_log ALTER COLUMN actor SET DATA TYPE varchar USING 'qualcun altro'`,
		`ALTER TABLE audit_log RENAME TO audit_log_old`,
		`DROP TABLE audit_log`,
		`DROP TABLE audit_log CASCADE`,
	} {
		if err := execAlone(ctx, pool, sql); err == nil {
			t.Errorf("as %s, %s succeeded", pgcluster.Runtime, sql)
		} else if pe := (*pgconn.PgError)(nil); !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("as %s, %s: err = %v, want permission denied", pgcluster.Runtime, sql, err)
		}
	}

	// GRANT by a role without the grant option only warns, and grants nothing.
	for _, sql := range []string{
		`GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON audit_log TO CURRENT_USER`,
		`GRANT ALL ON audit_log TO traguardo_app`,
		`GRANT ALL ON audit_log TO PUBLIC`,
		`GRANT ` + pgcluster.Owner + ` TO CURRENT_USER`,
	} {
		_ = execAlone(ctx, pool, sql)
	}

	if after := state(); after != before {
		t.Errorf("the audit log or its protection changed:\nbefore %s\nafter  %s", before, after)
	}
	if entries, err := st.ListAudit(ctx, store.AuditFilter{Limit: 1000}); err != nil || len(entries) != 2 {
		t.Errorf("ListAudit = %d entries, %v; want the 2 entries", len(entries), err)
	}
}

// execAlone runs sql (possibly several statements) on a connection of its
// own, with pool's settings, so that a SET does not outlive it.
func execAlone(ctx context.Context, pool *pgxpool.Pool, sql string) error {
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
