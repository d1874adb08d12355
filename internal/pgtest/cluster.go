// Package pgtest runs a private PostgreSQL cluster from the server binaries
// installed on the machine: for `make run` when no DATABASE_URL is given, and
// for the tests, which clone a fresh database per test from a migrated template.
package pgtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// ErrNoServer says that no PostgreSQL server binaries were found.
var ErrNoServer = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: " +
	"install them with `apt-get install postgresql` (Debian), " +
	"or set DATABASE_URL to an existing database, " +
	"or run `docker compose up` with Docker")

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
}

// superuser is the cluster's bootstrap role; authentication is trust on loopback only.
const superuser = "traguardo"

// FindBinDir returns the directory holding initdb and pg_ctl: from PATH, or the
// newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoServer
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

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
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run(ctx, "initdb", "-D", dir, "-A", "trust", "-U", superuser, "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return nil, err
		}
	}
	serverOpts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.Port, dir)
	if opt.Ephemeral {
		serverOpts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if c.run(ctx, "pg_ctl", "-D", dir, "status") == nil {
		return c, nil
	}
	c.Owned = true
	if err := c.run(ctx, "pg_ctl", "-w", "-t", "60", "-D", dir, "-l", filepath.Join(dir, "server.log"), "-o", serverOpts, "start"); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop shuts the server down, ending open connections, if Start started it.
func (c *Cluster) Stop() error {
	if !c.Owned {
		return nil
	}
	return c.run(context.Background(), "pg_ctl", "-w", "-D", c.Dir, "-m", "fast", "stop")
}

// URL is the connection string of database name in this cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, c.Port, name)
}

// CreateDatabase creates database name, copied from template when it is not empty.
// It does nothing when the database already exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
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

func (c *Cluster) chown(dir string) error {
	if c.asUser == "" {
		return nil
	}
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return fmt.Errorf("running as root needs the %q user (Debian package postgresql-common): %w", c.asUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
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
