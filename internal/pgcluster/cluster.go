// Package pgcluster runs a private PostgreSQL cluster from the server binaries
// installed on the machine: for `make run` when no DATABASE_URL is given, and
// for the tests (through internal/pgtest), which clone a fresh database per
// test from a migrated template.
//
// The cluster asks every connection for a password (scram-sha-256), even on
// 127.0.0.1, and has two login roles: the bootstrap superuser (Owner), which
// creates the databases and runs the migrations, and the runtime role
// (Runtime), a member of the group role AppGroup and nothing more, which the
// application serves with. Their passwords are generated at initdb and kept
// in the file Secrets (mode 0600) inside the cluster directory, so that the
// next start, and every command run while the server is up, find them.
package pgcluster

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/tools"
)

// ErrNoServer says that no PostgreSQL server binaries were found.
var ErrNoServer = tools.ErrNoPostgresServer

// Options tune a cluster.
type Options struct {
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Ephemeral trades durability for speed (tests only).
	Ephemeral bool
}

// Cluster is a running PostgreSQL cluster in a directory of its own.
type Cluster struct {
	Dir  string
	Port int
	// Owned is false when Start found the server already running (another
	// traguardo process started it): then Stop leaves it alone.
	Owned  bool
	bin    string
	asUser string // the OS user running the server when we are root
	// passwords of Owner and Runtime, from the Secrets file
	ownerPassword, runtimePassword string
}

const (
	// Owner is the cluster's bootstrap superuser: it creates the databases,
	// owns every object and runs the migrations.
	Owner = "traguardo"
	// Runtime is the login role the application serves with: no superuser,
	// owner of nothing, a member of AppGroup.
	Runtime = "traguardo_runtime"
	// AppGroup is the group role (NOLOGIN) that migration 000003 grants the
	// application's privileges to; created here too, so that Runtime can
	// join it before any database is migrated.
	AppGroup = "traguardo_app"
	// Secrets is the file, in the cluster directory, with the passwords of
	// Owner and Runtime (mode 0600).
	Secrets = "traguardo-passwords"
)

// FindBinDir returns the directory holding initdb and pg_ctl: from PATH, or the
// newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) { return tools.FindPostgresBin() }

// Start initialises dir if it holds no cluster yet, then starts the server.
// initdb refuses to run as root, so as root the cluster belongs to the
// `postgres` user and every server command runs as that user.
func Start(ctx context.Context, dir string, opt Options) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Port: opt.Port, bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
	}
	if c.Port == 0 {
		if c.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	// The parents must be traversable by the server's user; the cluster
	// directory itself is private to it.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	if err := c.chown(dir); err != nil {
		return nil, err
	}
	if c.asUser != "" && !c.reachable(ctx, dir) {
		// A checkout under a private home (root's /root is 0700) is out of
		// the server user's reach: keep the cluster in that user's home
		// instead, one directory per requested path, so it persists.
		if dir, err = c.fallbackDir(dir); err != nil {
			return nil, err
		}
		c.Dir = dir
	}
	fresh := false
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return nil, err
		}
		fresh = true
	} else if err := c.readSecrets(); err != nil {
		return nil, err
	}
	serverOpts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.Port, dir)
	if opt.Ephemeral {
		serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if c.run(ctx, "pg_ctl", "-D", dir, "status") == nil {
		// Another process serves it: connect where it listens.
		if port, err := runningPort(dir); err == nil {
			c.Port = port
		}
		return c, nil
	}
	c.Owned = true
	if err := c.run(ctx, "pg_ctl", "-w", "-t", "60", "-D", dir, "-l", filepath.Join(dir, "server.log"), "-o", serverOpts, "start"); err != nil {
		return nil, err
	}
	if err := c.ensureRoles(ctx, fresh); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// initdb creates the cluster with password authentication for every
// connection, local or TCP, and the Owner's password from a file readable
// only by the server's user; then it records both passwords in Secrets.
func (c *Cluster) initdb(ctx context.Context) error {
	c.ownerPassword, c.runtimePassword = newPassword(), newPassword()
	// Beside the cluster directory: the server's user can reach it (not
	// inside: initdb wants an empty directory).
	pw, err := os.CreateTemp(filepath.Dir(c.Dir), ".tgpw")
	if err != nil {
		return err
	}
	defer os.Remove(pw.Name())
	_, err = pw.WriteString(c.ownerPassword + "\n")
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = c.chown(pw.Name())
	}
	if err != nil {
		return err
	}
	if err := c.run(ctx, "initdb", "-D", c.Dir, "-A", "scram-sha-256", "--pwfile", pw.Name(),
		"-U", Owner, "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		return err
	}
	return c.writeSecrets()
}

// writeSecrets records the passwords in Secrets, readable by us alone.
func (c *Cluster) writeSecrets() error {
	path := filepath.Join(c.Dir, Secrets)
	tmp := path + ".tmp"
	content := fmt.Sprintf("# Passwords of the private PostgreSQL's roles, generated at initdb.\n%s=%s\n%s=%s\n",
		Owner, c.ownerPassword, Runtime, c.runtimePassword)
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readSecrets reads the passwords of an existing cluster. A cluster without
// them was made by an older Traguardo that trusted every local connection:
// it is refused, with what to do.
func (c *Cluster) readSecrets() error {
	path := filepath.Join(c.Dir, Secrets)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the private PostgreSQL in %s has no %s file: it was created by an older "+
			"Traguardo that let every local connection in without a password (or its first start was "+
			"interrupted). Delete that directory (rm -rf %s; its data is lost, make run loads the demo "+
			"again) and start again", c.Dir, Secrets, c.Dir)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		switch {
		case !ok || strings.HasPrefix(k, "#"):
		case k == Owner:
			c.ownerPassword = v
		case k == Runtime:
			c.runtimePassword = v
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if c.ownerPassword == "" || c.runtimePassword == "" {
		return fmt.Errorf("%s lacks the password of %s or %s", path, Owner, Runtime)
	}
	return nil
}

// ensureRoles creates AppGroup and Runtime when they are missing and sets
// Runtime's password from Secrets. Roles are cluster-wide: every database of
// the cluster shares them.
func (c *Cluster) ensureRoles(ctx context.Context, fresh bool) error {
	conn, err := pgx.Connect(ctx, c.OwnerURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	stmts := []string{
		`DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '` + AppGroup + `') THEN
				CREATE ROLE ` + AppGroup + ` NOLOGIN;
			END IF;
			IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '` + Runtime + `') THEN
				CREATE ROLE ` + Runtime + ` LOGIN;
			END IF;
		END $$`,
		`ALTER ROLE ` + Runtime + ` LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
			PASSWORD ` + quoteLiteral(c.runtimePassword),
		`GRANT ` + AppGroup + ` TO ` + Runtime,
	}
	for _, sql := range stmts {
		if _, err := conn.Exec(ctx, sql); err != nil {
			var pe *pgconn.PgError
			// Two processes starting at once may both create a role.
			if !fresh && errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "42710") {
				continue
			}
			return fmt.Errorf("roles of the private PostgreSQL: %w", err)
		}
	}
	return nil
}

// runningPort reads the port of the running server from postmaster.pid
// (its fourth line).
func runningPort(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, errors.New("postmaster.pid: no port")
	}
	return strconv.Atoi(strings.TrimSpace(lines[3]))
}

func newPassword() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Stop shuts the server down, ending open connections, if Start started it.
func (c *Cluster) Stop() error {
	if !c.Owned {
		return nil
	}
	return c.run(context.Background(), "pg_ctl", "-w", "-D", c.Dir, "-m", "fast", "stop")
}

// URL is the connection string of database name in this cluster as the
// runtime role: what the application serves with.
func (c *Cluster) URL(name string) string {
	return c.url(Runtime, c.runtimePassword, name)
}

// OwnerURL is the connection string of database name as the Owner: for
// creating databases and running migrations.
func (c *Cluster) OwnerURL(name string) string {
	return c.url(Owner, c.ownerPassword, name)
}

func (c *Cluster) url(role, password, name string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)),
		Path:     "/" + name,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates database name, copied from template when it is not empty.
// It does nothing when the database already exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	conn, err := pgx.Connect(ctx, c.OwnerURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, tool string, args ...string) error {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// Its own process group, so a Ctrl-C in the terminal reaches us, not the
	// server: we stop it cleanly ourselves.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Dir = c.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if log, rerr := os.ReadFile(filepath.Join(c.Dir, "server.log")); rerr == nil && tool == "pg_ctl" {
			msg += "\n" + tail(string(log), 2000)
		}
		return fmt.Errorf("%s: %w\n%s", tool, err, msg)
	}
	return nil
}

func (c *Cluster) chown(path string) error {
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return fmt.Errorf("running as root needs the %q user (Debian package postgresql-common): %w", c.asUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// reachable reports whether the server's user can write in dir.
func (c *Cluster) reachable(ctx context.Context, dir string) bool {
	return exec.CommandContext(ctx, "runuser", "-u", c.asUser, "--", "test", "-w", dir, "-a", "-x", dir).Run() == nil
}

// fallbackDir is where the cluster of dir lives when the server's user
// cannot reach dir: under that user's home, named after dir.
func (c *Cluster) fallbackDir(dir string) (string, error) {
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(dir))
	base := filepath.Join(u.HomeDir, "traguardo")
	alt := filepath.Join(base, hex.EncodeToString(sum[:6]))
	for _, d := range []string{base, alt} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return "", err
		}
		if err := c.chown(d); err != nil {
			return "", err
		}
	}
	return alt, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
