package db

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/tools"
)

// Backup writes the whole database of ownerURL (the schema owner's: it
// reads every table) to file, in pg_dump's custom format: schema, data,
// privileges, the audit log and the sessions. pg_dump comes from PATH or
// the PostgreSQL server binaries.
func Backup(ctx context.Context, ownerURL, file string) error {
	if file == "" {
		return errors.New("backup needs a file to write")
	}
	tmp := file + ".partial"
	if err := runTool(ctx, "pg_dump", ownerURL, "--format=custom", "--file="+tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, file)
}

// ErrNotEmpty says that a restore was refused because the database already
// holds tables.
var ErrNotEmpty = errors.New("the database is not empty")

// Restore loads a backup made by Backup into the database of ownerURL,
// which must be empty (no table): created with createdb or CREATE
// DATABASE, not migrated. Its objects belong to the role of ownerURL,
// whatever role owned them where the backup was made; the privileges of the
// runtime group (traguardo_app) come back with them, so that group must
// exist in the cluster (as in a cluster set up as docs/operations.md says). It runs
// in one transaction: on any error nothing is restored.
func Restore(ctx context.Context, ownerURL, file string) error {
	if _, err := os.Stat(file); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("connect to the database: %w", err)
	}
	var tables int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`).Scan(&tables)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	if tables > 0 {
		return fmt.Errorf("%w (%d tables, views or sequences): restore goes into an empty database, "+
			"e.g. one made with `createdb -O OWNER NAME`", ErrNotEmpty, tables)
	}
	return runTool(ctx, "pg_restore", ownerURL, "--no-owner", "--exit-on-error", "--single-transaction", file)
}

// runTool runs a PostgreSQL client tool on the database of databaseURL; the
// password goes in the environment, not on the command line.
func runTool(ctx context.Context, tool, databaseURL string, args ...string) error {
	path, err := toolPath(tool)
	if err != nil {
		return err
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("parse database url: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"--dbname=" + u.String()}, args...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", tool, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// toolPath finds a PostgreSQL client tool: beside the server binaries
// (the version of the private cluster), else on PATH.
func toolPath(tool string) (string, error) { return tools.FindPGClient(tool) }
